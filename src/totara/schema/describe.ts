import {
  astFromValue,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  print,
  printType,
} from 'graphql';
import { kindOf } from './diff-fields.js';
import { TotaraSchemaError } from './errors.js';

/** One type or field of a schema, as `mts totara schema show` prints it. */
export interface SchemaItemDescription {
  /** `core_user` or `core_user.email`. */
  name: string;
  kind: 'object' | 'interface' | 'union' | 'enum' | 'input' | 'scalar' | 'field';
  /** The SDL of the type, or the signature of the field. */
  sdl: string;
  /** The shortest ways to reach the type (or the field's type) from the root types, e.g. `Query.core_user_users.items`. */
  paths: string[];
}

/**
 * Describes a type (`core_user`) or a field (`Query.core_user_users`) of a schema: its SDL and how to reach it
 * from a query or mutation, so a site's API can be explored without one `__type` query after another.
 *
 * @example
 * ```ts
 * const { sdl, paths } = describeSchemaItem(schema, 'totara_job_job_assignment');
 * // paths: ['Query.totara_job_job_assignments.items', ...]
 * ```
 */
export function describeSchemaItem(schema: GraphQLSchema, name: string): SchemaItemDescription {
  const [typeName = '', fieldName] = name.split('.', 2);
  const type = schema.getType(typeName);
  if (!type || typeName.startsWith('__')) throw unknownName(schema, typeName);
  if (fieldName === undefined) {
    return { name, kind: kindOf(type), sdl: printType(type), paths: pathsTo(schema, type.name) };
  }
  const fields =
    isObjectType(type) || isInterfaceType(type) || isInputObjectType(type) ? type.getFields() : {};
  const field = (fields as Record<string, GraphQLField<unknown, unknown>>)[fieldName];
  if (!field)
    throw new TotaraSchemaError('totara.schema.unknown_name', `${typeName} has no field "${fieldName}".`, {
      hint: `Fields of ${typeName}: ${Object.keys(fields).slice(0, 30).join(', ') || '(none)'}.`,
      details: { path: name },
    });
  const args = (field.args ?? []).map((a) => {
    const value = a.defaultValue === undefined ? undefined : astFromValue(a.defaultValue, a.type);
    return `${a.name}: ${String(a.type)}${value ? ` = ${print(value)}` : ''}`;
  });
  const sdl = `${typeName}.${field.name}${args.length ? `(${args.join(', ')})` : ''}: ${String(field.type)}`;
  const paths = isRoot(schema, typeName)
    ? [`${typeName}.${field.name}`]
    : pathsTo(schema, typeName).map((p) => `${p}.${field.name}`);
  return { name, kind: 'field', sdl, paths };
}

function isRoot(schema: GraphQLSchema, name: string): boolean {
  return schema.getQueryType()?.name === name || schema.getMutationType()?.name === name;
}

/** Breadth-first from the root types: the five shortest field paths that end on `target`. */
function pathsTo(schema: GraphQLSchema, target: string): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType()].filter(
    (t) => t !== null && t !== undefined,
  );
  if (roots.some((r) => r.name === target)) return [];
  const found: string[] = [];
  // Each intermediate type is walked through at most twice, so alternative routes show without a blow-up.
  const visits = new Map<string, number>(roots.map((r) => [r.name, 2]));
  const open = (name: string) => (visits.get(name) ?? 0) < 2;
  let frontier: Array<{ type: GraphQLNamedType; path: string }> = roots.map((r) => ({
    type: r,
    path: r.name,
  }));
  for (let depth = 0; depth < 8 && frontier.length > 0 && found.length < 5; depth++) {
    const next: typeof frontier = [];
    for (const { type, path } of frontier) {
      const members = isUnionType(type)
        ? type.getTypes()
        : isInterfaceType(type)
          ? schema.getPossibleTypes(type)
          : [];
      for (const member of members) {
        if (member.name === target) found.push(`${path}(on ${member.name})`);
        else if (open(member.name)) next.push({ type: member, path: `${path}(on ${member.name})` });
      }
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        const fieldPath = `${path}.${field.name}`;
        if (named.name === target) found.push(fieldPath);
        else if (open(named.name) && (isObjectType(named) || isInterfaceType(named) || isUnionType(named)))
          next.push({ type: named, path: fieldPath });
      }
    }
    for (const { type } of next) visits.set(type.name, (visits.get(type.name) ?? 0) + 1);
    frontier = next;
  }
  return found.slice(0, 5);
}

function unknownName(schema: GraphQLSchema, name: string): TotaraSchemaError {
  const needle = name.toLowerCase();
  const near = Object.keys(schema.getTypeMap())
    .filter(
      (n) => !n.startsWith('__') && (n.toLowerCase().includes(needle) || needle.includes(n.toLowerCase())),
    )
    .sort()
    .slice(0, 10);
  return new TotaraSchemaError('totara.schema.unknown_name', `The schema has no type "${name}".`, {
    hint: near.length
      ? `Did you mean ${near.join(', ')}?`
      : 'Give a type name such as core_user, or Type.field.',
    details: { path: name },
  });
}
