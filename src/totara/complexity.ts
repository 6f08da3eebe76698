/**
 * A complexity model for Totara operations, shared by the client (to size pages under the site's limit) and the
 * sandbox (to enforce it): every field costs 1 plus its children, and the `items` of a paged result cost as many
 * times as the page is long.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Page length assumed when a paged field is given no `pagination.limit` (Totara's default page size). */
export const DEFAULT_PAGE_LIMIT = 20;

/** Fragment definitions of a document by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const out = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) out.set(def.name.value, def);
  }
  return out;
}

/** True when a field selects `items` directly: a paged result (`items`, `total`, `next_cursor`). */
export function isPagedField(field: FieldNode): boolean {
  return (
    field.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'items') ?? false
  );
}

function literalValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalValue(v, variables));
    case Kind.OBJECT: {
      const out: Record<string, unknown> = {};
      for (const f of node.fields) out[f.name.value] = literalValue(f.value, variables);
      return out;
    }
  }
}

/** The `pagination.limit` a paged field asks for (any argument holding a `pagination` object), if any. */
export function requestedLimit(field: FieldNode, variables: Record<string, unknown>): number | undefined {
  for (const arg of field.arguments ?? []) {
    const value = literalValue(arg.value, variables) as Record<string, unknown> | null | undefined;
    const pagination =
      arg.name.value === 'pagination'
        ? value
        : (value?.pagination as Record<string, unknown> | null | undefined);
    const limit = Number(pagination?.limit);
    if (pagination && Number.isFinite(limit) && limit > 0) return Math.floor(limit);
  }
  return undefined;
}

/** How a cost is computed: the limit of each paged field (default: the requested one, else 20). */
export interface CostModel {
  fragments: Map<string, FragmentDefinitionNode>;
  limitOf(field: FieldNode): number;
}

/** The cost of a selection set under `model`. */
export function selectionCost(
  set: SelectionSetNode,
  model: CostModel,
  seen: Set<string> = new Set(),
): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      total += 1;
      if (!selection.selectionSet) continue;
      if (!isPagedField(selection)) {
        total += selectionCost(selection.selectionSet, model, seen);
        continue;
      }
      const limit = model.limitOf(selection);
      for (const inner of selection.selectionSet.selections) {
        if (inner.kind === Kind.FIELD && inner.name.value === 'items') {
          total += 1 + (inner.selectionSet ? limit * selectionCost(inner.selectionSet, model, seen) : 0);
        } else {
          total += selectionCost({ kind: Kind.SELECTION_SET, selections: [inner] }, model, seen);
        }
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += selectionCost(selection.selectionSet, model, seen);
    } else {
      const name = selection.name.value;
      const fragment = model.fragments.get(name);
      if (!fragment || seen.has(name)) continue;
      seen.add(name);
      total += selectionCost(fragment.selectionSet, model, seen);
      seen.delete(name);
    }
  }
  return total;
}

/**
 * The cost of an operation with its variables, under the shared model.
 *
 * @example
 * ```ts
 * const op = prepareOperation(USERS_QUERY);
 * operationCost(op.definition, op.document, { query: { pagination: { limit: 100 } } }); // 304: 1 + 1 + 100 × 3 + total + next_cursor
 * ```
 */
export function operationCost(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
): number {
  const model: CostModel = {
    fragments: fragmentsOf(document),
    limitOf: (field) => requestedLimit(field, variables) ?? DEFAULT_PAGE_LIMIT,
  };
  return selectionCost(operation.selectionSet, model);
}

/**
 * The deepest nesting of fields in a selection set (a top-level field is depth 1); Totara allows 15.
 *
 * @example
 * ```ts
 * const op = prepareOperation(doc);
 * if (selectionDepth(op.definition.selectionSet, new Map()) > MAX_QUERY_DEPTH) split(doc);
 * ```
 */
export function selectionDepth(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: Set<string> = new Set(),
): number {
  let deepest = 0;
  for (const selection of set.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      depth = 1 + (selection.selectionSet ? selectionDepth(selection.selectionSet, fragments, seen) : 0);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = selectionDepth(selection.selectionSet, fragments, seen);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        depth = selectionDepth(fragment.selectionSet, fragments, seen);
        seen.delete(selection.name.value);
      }
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/**
 * The largest page length whose operation cost stays within `budget`, for the paged field `field`: the model is
 * linear in the page length, so two evaluations give the base cost and the cost per item.
 */
export function largestPageWithin(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  field: FieldNode,
  budget: number,
): number {
  const fragments = fragmentsOf(document);
  const costAt = (limit: number) =>
    selectionCost(operation.selectionSet, {
      fragments,
      limitOf: (f) => (f === field ? limit : DEFAULT_PAGE_LIMIT),
    });
  const base = costAt(0);
  const perItem = Math.max(1, costAt(1) - base);
  return Math.max(1, Math.floor((budget - base) / perItem));
}
