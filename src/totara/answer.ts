/**
 * Reading a Totara answer the way the site means it. Totara drops what it does not know instead of refusing it: an
 * unknown root field makes `data` an empty JSON array, an unknown field is simply missing from its object. Both are
 * errors here, so that a typo sent unchecked never passes for data. And a complexity failure loses the whole
 * answer; what it needs to say where the budget ran out and which page size fits is worked out here too.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { estimateCost, fragmentsOf, isPagedField } from './complexity.js';
import { formatPath, type TotaraGraphQLError, TotaraValidationError } from './errors.js';
import type { PreparedOperation } from './operation.js';

/** Fields the answer should hold and does not: Totara dropped them as unknown. */
function droppedFields(
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  set: SelectionSetNode,
  value: unknown,
  path: Array<string | number>,
  out: string[],
): void {
  if (out.length >= 20 || value === null || value === undefined || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      droppedFields(fragments, set, item, [...path, i], out);
    });
    return;
  }
  const object = value as Record<string, unknown>;
  const visit = (selections: SelectionSetNode): void => {
    for (const selection of selections.selections) {
      // @skip and @include may leave a field out on purpose; type conditions depend on the runtime type.
      if (selection.directives?.length) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || selection.typeCondition.name.value === object.__typename)
          visit(selection.selectionSet);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && fragment.typeCondition.name.value === object.__typename) visit(fragment.selectionSet);
        continue;
      }
      const key = selection.alias?.value ?? selection.name.value;
      if (!(key in object)) out.push(formatPath([...path, key]));
      else if (selection.selectionSet)
        droppedFields(fragments, selection.selectionSet, object[key], [...path, key], out);
    }
  };
  visit(set);
}

/**
 * Checks that an answer's `data` holds what the operation selected. Throws `TotaraValidationError` for Totara's
 * `data: []` (`totara.unknown_root`) and for fields missing from the answer (`totara.field_dropped`).
 */
export function assertComplete(op: PreparedOperation, data: unknown, sourceName: string): void {
  const ran = op.isMutation ? ' The mutation may still have written: Totara runs what it knows.' : '';
  if (Array.isArray(data)) {
    throw new TotaraValidationError(
      'totara.unknown_root',
      `Totara answered "${op.operationName}" with \`data: []\`: it does not know ${op.isMutation ? 'a mutation' : 'a query'} the operation asks for (or a mutation was asked for inside a query), and ran nothing of it.`,
      {
        operationName: op.operationName,
        status: 200,
        hint: `Check the root field names against the site's schema (\`mts totara schema pull\`); the client checks them against ${sourceName} unless told not to.`,
      },
    );
  }
  const missing: string[] = [];
  droppedFields(fragmentsOf(op.document), op.definition.selectionSet, data, [], missing);
  if (missing.length === 0) return;
  throw new TotaraValidationError(
    'totara.field_dropped',
    `Totara left ${missing.length === 20 ? 'at least 20 fields' : missing.length === 1 ? 'a field' : `${missing.length} fields`} out of its answer to "${op.operationName}" (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): it does not know them, and drops unknown fields without an error.${ran}`,
    {
      operationName: op.operationName,
      status: 200,
      hint: `The site's schema differs from ${sourceName}: pull it (\`mts totara schema pull --out site.graphql\`) and give it to the client (\`schema: { file: 'site.graphql' }\`), then fix the names it refuses.`,
      details: { paths: missing },
    },
  );
}

/** The paged fields of an operation (fields selecting `items`), at any depth, fragments followed. */
export function pagedFields(op: PreparedOperation): FieldNode[] {
  const fragments = fragmentsOf(op.document);
  const out: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (isPagedField(selection)) out.push(selection);
        else if (selection.selectionSet) walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          walk(fragment.selectionSet);
        }
      }
    }
  };
  walk(op.definition.selectionSet);
  return out;
}

/**
 * Follows result keys (aliases included) from the operation's root type: the last field reached and the type that
 * holds it, when the schema knows every step.
 */
export function fieldAtPath(
  op: PreparedOperation,
  keys: readonly string[],
  schema: GraphQLSchema | undefined,
): { parent: GraphQLObjectType | GraphQLInterfaceType; field: GraphQLField<unknown, unknown> } | undefined {
  let type: GraphQLObjectType | GraphQLInterfaceType | null | undefined = op.isMutation
    ? schema?.getMutationType()
    : schema?.getQueryType();
  let set: SelectionSetNode | undefined = op.definition.selectionSet;
  let found:
    | { parent: GraphQLObjectType | GraphQLInterfaceType; field: GraphQLField<unknown, unknown> }
    | undefined;
  for (const key of keys) {
    if (!set || !type) return undefined;
    const node: FieldNode | undefined = set.selections.find(
      (s): s is FieldNode => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === key,
    );
    const def: GraphQLField<unknown, unknown> | undefined = node
      ? type.getFields()[node.name.value]
      : undefined;
    if (!node || !def) return undefined;
    found = { parent: type, field: def };
    const next: GraphQLNamedType = getNamedType(def.type);
    type = isObjectType(next) || isInterfaceType(next) ? next : undefined;
    set = node.selectionSet;
  }
  return found;
}

/**
 * What a complexity failure needs to say: the coordinate where the budget ran out, and the page size that fits
 * `max` when every paged field of the operation asks for that many items.
 */
export function complexityContext(
  op: PreparedOperation,
  errors: TotaraGraphQLError[],
  schema: GraphQLSchema | undefined,
  max: number,
  variables: Record<string, unknown>,
): { max: number; suggestedPageSize?: number; pagedFields: number; coordinate?: string } {
  const ranOut = errors.find((e) => e.category === 'query_complexity');
  // The site's own limit, as its message states it, wins over the client's setting.
  const said = Number(/complexity of (\d+)/.exec(ranOut?.message ?? '')?.[1]);
  const limit = Number.isFinite(said) && said > 0 ? said : max;
  const paged = pagedFields(op);
  const costAt = (length: number) =>
    estimateCost(op.definition, op.document, { schema, variables, pageLength: () => length });
  const base = costAt(0);
  const perItem = costAt(1) - base;
  const suggested =
    paged.length > 0 && perItem > 0 ? Math.max(1, Math.floor((limit - base) / perItem)) : undefined;
  const reached = ranOut?.path
    ? fieldAtPath(
        op,
        ranOut.path.filter((p): p is string => typeof p === 'string'),
        schema,
      )
    : undefined;
  const coordinate = reached ? `${reached.parent.name}.${reached.field.name}` : undefined;
  return {
    max: limit,
    pagedFields: paged.length,
    ...(suggested !== undefined ? { suggestedPageSize: suggested } : {}),
    ...(coordinate ? { coordinate } : {}),
  };
}

/** How many items of the paged field at the start of `path` were complete when the budget ran out. */
export function itemsCompleted(path: ReadonlyArray<string | number> | undefined): number | undefined {
  if (!path) return undefined;
  const at = path.indexOf('items');
  const index = at >= 0 ? path[at + 1] : undefined;
  return typeof index === 'number' ? index : undefined;
}
