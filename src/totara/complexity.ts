/**
 * Totara's complexity metering, shared by the client (to size pages and pace requests) and the sandbox (to meter
 * like the site). Totara charges points while it resolves, field by field (`default_resolver`): a query field of
 * `Query` costs 5, a mutation field of `Mutation` costs 10, a field of a type that has a type resolver costs 1, and
 * a field resolved by the default resolver (result wrappers such as `core_user_users_result`) costs nothing. So a
 * page of users costs 5 + one point per field per user, whatever `total` and `next_cursor` add; 4 × 85 users × 22
 * fields ran out at `a3.items.16.url` on a real 17.3 site, exactly where this model says 6,000 points are spent.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { MUTATION_FIELD_COST, QUERY_FIELD_COST, TYPE_FIELD_COST } from './rules.js';

/** Page length Totara uses when a paged field is given no `pagination.limit`. */
export const DEFAULT_PAGE_LIMIT = 20;

/**
 * Points Totara charges for resolving one field of the type named `parent`. Types are resolved by a class named
 * after them (`component_name`); a type without one (no `_`, an introspection type, or a `*_result` wrapper,
 * which Totara 17.3 resolves with the default resolver) costs nothing.
 *
 * @example
 * ```ts
 * fieldCost('Query'); // 5
 * fieldCost('core_user'); // 1
 * fieldCost('core_user_users_result'); // 0
 * ```
 */
export function fieldCost(parent: string, roots: { query?: string; mutation?: string } = {}): number {
  if (parent === (roots.query ?? 'Query')) return QUERY_FIELD_COST;
  if (parent === (roots.mutation ?? 'Mutation')) return MUTATION_FIELD_COST;
  if (parent.startsWith('__') || !parent.includes('_') || parent.endsWith('_result')) return 0;
  return TYPE_FIELD_COST;
}

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

/** What an estimate or a measurement knows of the document and the schema. */
interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  schema: GraphQLSchema | undefined;
  roots: { query?: string; mutation?: string };
}

function walkOf(document: DocumentNode, schema: GraphQLSchema | undefined): Walk {
  return {
    fragments: fragmentsOf(document),
    schema,
    roots: {
      query: schema?.getQueryType()?.name ?? 'Query',
      mutation: schema?.getMutationType()?.name ?? 'Mutation',
    },
  };
}

/** The named type of `field` selected on `parent`, when the schema knows it. */
function childType(walk: Walk, parent: string, field: string): GraphQLNamedType | undefined {
  const type = walk.schema?.getType(parent);
  if (!type || !(isObjectType(type) || isInterfaceType(type))) return undefined;
  const def = type.getFields()[field];
  return def ? getNamedType(def.type) : undefined;
}

function isListField(walk: Walk, parent: string, field: string): boolean | undefined {
  const type = walk.schema?.getType(parent);
  if (!type || !(isObjectType(type) || isInterfaceType(type))) return undefined;
  const def = type.getFields()[field];
  if (!def) return undefined;
  const inner = isNonNullType(def.type) ? def.type.ofType : def.type;
  return isListType(inner);
}

/** Flattens fragments: the fields of a selection set, each with the type it is selected on. */
function fieldsOf(
  walk: Walk,
  set: SelectionSetNode,
  parent: string,
  seen: Set<string> = new Set(),
): Array<{ field: FieldNode; parent: string }> {
  const out: Array<{ field: FieldNode; parent: string }> = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) out.push({ field: selection, parent });
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      out.push(
        ...fieldsOf(walk, selection.selectionSet, selection.typeCondition?.name.value ?? parent, seen),
      );
    else {
      const fragment = walk.fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      seen.add(fragment.name.value);
      out.push(...fieldsOf(walk, fragment.selectionSet, fragment.typeCondition.name.value, seen));
      seen.delete(fragment.name.value);
    }
  }
  return out;
}

/** How an estimate counts lists: the length of each paged field's `items`, and of any other list. */
export interface EstimateOptions {
  /** Variables of the operation (for `pagination.limit` given as a variable). */
  variables?: Record<string, unknown> | undefined;
  /** The schema, to know parent types (without it every non-root field is charged 1, an upper bound). */
  schema?: GraphQLSchema | undefined;
  /** Length assumed for the `items` of `field` (default: its `pagination.limit`, else 20). */
  pageLength?: ((field: FieldNode) => number) | undefined;
  /** Length assumed for any other list (default 1). */
  listLength?: number | undefined;
}

function estimateSet(
  walk: Walk,
  set: SelectionSetNode,
  parent: string,
  options: EstimateOptions,
  pageOf: FieldNode | undefined,
): number {
  let total = 0;
  for (const { field, parent: on } of fieldsOf(walk, set, parent)) {
    const name = field.name.value;
    if (name === '__typename') continue;
    total += walk.schema || isRoot(walk, on) ? fieldCost(on, walk.roots) : 1;
    if (!field.selectionSet) continue;
    const child = childType(walk, on, name)?.name ?? name;
    let times = 1;
    if (pageOf && name === 'items') {
      times =
        options.pageLength?.(pageOf) ?? requestedLimit(pageOf, options.variables ?? {}) ?? DEFAULT_PAGE_LIMIT;
    } else if (isListField(walk, on, name)) times = options.listLength ?? 1;
    total +=
      times * estimateSet(walk, field.selectionSet, child, options, isPagedField(field) ? field : undefined);
  }
  return total;
}

function isRoot(walk: Walk, name: string): boolean {
  return name === walk.roots.query || name === walk.roots.mutation;
}

/**
 * What Totara will charge for an operation, estimated before sending: paged `items` as long as the page asked
 * for (20 when not given), other lists one element long unless `listLength` says otherwise.
 *
 * @example
 * ```ts
 * const op = prepareOperation(USERS_QUERY);
 * estimateCost(op.definition, op.document, { variables: { query: { pagination: { limit: 100 } } }, schema }); // 5 + 100 × fields
 * ```
 */
export function estimateCost(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  options: EstimateOptions = {},
): number {
  const walk = walkOf(document, options.schema);
  const root = operation.operation === 'mutation' ? walk.roots.mutation : walk.roots.query;
  return estimateSet(walk, operation.selectionSet, root ?? 'Query', options, undefined);
}

function measureValue(walk: Walk, set: SelectionSetNode, type: string, value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (Array.isArray(value)) {
    let sum = 0;
    for (const item of value) sum += measureValue(walk, set, type, item);
    return sum;
  }
  if (typeof value !== 'object') return 0;
  const object = value as Record<string, unknown>;
  const concrete = typeof object.__typename === 'string' ? object.__typename : type;
  let total = 0;
  for (const { field, parent } of fieldsOf(walk, set, concrete)) {
    const key = field.alias?.value ?? field.name.value;
    if (field.name.value === '__typename' || !(key in object)) continue;
    // An inline fragment on another member of a union selects nothing on this object.
    if (parent !== concrete && parent !== type && walk.schema && isObjectType(walk.schema.getType(parent)))
      continue;
    total += walk.schema || isRoot(walk, parent) ? fieldCost(parent, walk.roots) : 1;
    if (field.selectionSet) {
      const child = childType(walk, parent, field.name.value);
      total += measureValue(
        walk,
        field.selectionSet,
        child && isCompositeType(child) ? child.name : field.name.value,
        object[key],
      );
    }
  }
  return total;
}

/**
 * What Totara charged for an answer, counted from the data that came back: every field present, by the type it
 * belongs to. A field Totara dropped (unknown to it) was never resolved and costs nothing.
 *
 * @example
 * ```ts
 * const data = await client.request(USERS_QUERY, { query: { pagination: { limit: 50 } } });
 * measuredCost(op.definition, op.document, data, schema); // 5 + 50 × 3 when 50 users came back
 * ```
 */
export function measuredCost(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  data: unknown,
  schema?: GraphQLSchema | undefined,
): number {
  const walk = walkOf(document, schema);
  const root = operation.operation === 'mutation' ? walk.roots.mutation : walk.roots.query;
  return measureValue(walk, operation.selectionSet, root ?? 'Query', data);
}

/** The cost of each element of a list the answer holds, measured like {@link measuredCost}. */
export function measuredItemCosts(
  field: FieldNode,
  itemType: string,
  items: readonly unknown[],
  document: DocumentNode,
  schema?: GraphQLSchema | undefined,
): number[] {
  const walk = walkOf(document, schema);
  const set = field.selectionSet;
  if (!set) return items.map(() => 0);
  return items.map((item) => measureValue(walk, set, itemType, item));
}

/**
 * The depth Totara checks (graphql-php's `QueryDepth`): how many fields with a selection of their own are nested
 * inside the top-level ones. `{ a { b { c } } }` is 1 deep; Totara refuses more than 15 before running anything.
 *
 * @example
 * ```ts
 * const op = prepareOperation(doc);
 * if (queryDepth(op.definition.selectionSet, fragmentsOf(op.document)) > MAX_QUERY_DEPTH) split(doc);
 * ```
 */
export function queryDepth(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  depth = 0,
  seen: Set<string> = new Set(),
): number {
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.selectionSet) continue;
      deepest = Math.max(deepest, depth, queryDepth(selection.selectionSet, fragments, depth + 1, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, queryDepth(selection.selectionSet, fragments, depth, seen));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(selection.name.value)) continue;
      seen.add(selection.name.value);
      deepest = Math.max(deepest, queryDepth(fragment.selectionSet, fragments, depth, seen));
      seen.delete(selection.name.value);
    }
  }
  return deepest;
}

/**
 * The largest page length whose estimated cost stays within `budget`, for the paged field `field`: the estimate is
 * linear in the page length, so two evaluations give the base cost and the cost per item. `perItem` overrides the
 * estimated cost per item with a measured one.
 */
export function largestPageWithin(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  field: FieldNode,
  budget: number,
  options: {
    schema?: GraphQLSchema | undefined;
    perItem?: number | undefined;
    variables?: Record<string, unknown>;
  } = {},
): number {
  const costAt = (limit: number) =>
    estimateCost(operation, document, {
      schema: options.schema,
      variables: options.variables,
      pageLength: (f) =>
        f === field ? limit : (requestedLimit(f, options.variables ?? {}) ?? DEFAULT_PAGE_LIMIT),
    });
  const base = costAt(0);
  const perItem = Math.max(1, options.perItem ?? costAt(1) - base);
  return Math.max(1, Math.floor((budget - base) / perItem));
}
