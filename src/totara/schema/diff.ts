import {
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
} from 'graphql';
import { type ChangeSeverity, compareFields, compareInputFields, kindOf } from './diff-fields.js';

export type { ChangeSeverity };

/** One change between two schemas. */
export interface SchemaChange {
  severity: ChangeSeverity;
  /** What kind of change, as graphql-js names it (`FIELD_REMOVED`, `ARG_CHANGED_KIND`...) or ours (`ARG_DEFAULT_REMOVED`). */
  kind: string;
  /** The schema coordinate: `core_user`, `core_user.email`, `Query.core_user_users(query:)`, `core_status.ACTIVE`. */
  coordinate: string;
  /** Type names and `Type.field` coordinates whose users the change concerns. */
  touches: string[];
  description: string;
}

/**
 * Compares two schemas and lists every breaking and dangerous change with its schema coordinate. It finds what
 * graphql-js's `findBreakingChanges`/`findDangerousChanges` find, plus what they miss: a non-null argument or
 * input field losing its default (it becomes required), and fields, arguments and enum values becoming deprecated.
 *
 * @example
 * ```ts
 * const changes = compareSchemas(before.schema, after.schema);
 * for (const c of changes.filter((c) => c.severity === 'breaking')) console.log(c.coordinate, c.description);
 * ```
 */
export function compareSchemas(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): SchemaChange[] {
  const out: SchemaChange[] = [];
  const add = (
    severity: ChangeSeverity,
    kind: string,
    coordinate: string,
    touches: string[],
    description: string,
  ) => out.push({ severity, kind, coordinate, touches, description });
  const newTypes = newSchema.getTypeMap();
  for (const oldType of Object.values(oldSchema.getTypeMap())) {
    if (oldType.name.startsWith('__') || isSpecifiedScalarType(oldType)) continue;
    const newType = newTypes[oldType.name];
    const name = oldType.name;
    if (!newType) {
      add('breaking', 'TYPE_REMOVED', name, [name], `${name} was removed.`);
      continue;
    }
    if (kindOf(oldType) !== kindOf(newType)) {
      add(
        'breaking',
        'TYPE_CHANGED_KIND',
        name,
        [name],
        `${name} changed from ${kindOf(oldType)} to ${kindOf(newType)}.`,
      );
      continue;
    }
    if (isEnumType(oldType) && isEnumType(newType)) {
      const after = new Map(newType.getValues().map((v) => [v.name, v]));
      for (const value of oldType.getValues()) {
        const next = after.get(value.name);
        if (!next)
          add(
            'breaking',
            'VALUE_REMOVED_FROM_ENUM',
            `${name}.${value.name}`,
            [name],
            `${value.name} was removed from enum ${name}.`,
          );
        else if (!value.deprecationReason && next.deprecationReason)
          add(
            'dangerous',
            'VALUE_DEPRECATED',
            `${name}.${value.name}`,
            [name],
            `${name}.${value.name} was deprecated.`,
          );
      }
      const before = new Set(oldType.getValues().map((v) => v.name));
      for (const value of newType.getValues())
        if (!before.has(value.name))
          add(
            'dangerous',
            'VALUE_ADDED_TO_ENUM',
            `${name}.${value.name}`,
            [name],
            `${value.name} was added to enum ${name}; code that switches over it may not handle it.`,
          );
    } else if (isUnionType(oldType) && isUnionType(newType)) {
      const after = new Set(newType.getTypes().map((t) => t.name));
      const before = new Set(oldType.getTypes().map((t) => t.name));
      for (const member of before)
        if (!after.has(member))
          add(
            'breaking',
            'TYPE_REMOVED_FROM_UNION',
            `${name}`,
            [name],
            `${member} was removed from union ${name}.`,
          );
      for (const member of after)
        if (!before.has(member))
          add('dangerous', 'TYPE_ADDED_TO_UNION', `${name}`, [name], `${member} was added to union ${name}.`);
    } else if (isInputObjectType(oldType) && isInputObjectType(newType)) {
      compareInputFields(name, oldType.getFields(), newType.getFields(), add);
    } else if (
      (isObjectType(oldType) || isInterfaceType(oldType)) &&
      (isObjectType(newType) || isInterfaceType(newType))
    ) {
      const after = new Set(newType.getInterfaces().map((i) => i.name));
      const before = new Set(oldType.getInterfaces().map((i) => i.name));
      for (const iface of before)
        if (!after.has(iface))
          add(
            'breaking',
            'IMPLEMENTED_INTERFACE_REMOVED',
            name,
            [name, iface],
            `${name} no longer implements ${iface}.`,
          );
      for (const iface of after)
        if (!before.has(iface))
          add(
            'dangerous',
            'IMPLEMENTED_INTERFACE_ADDED',
            name,
            [name, iface],
            `${name} now implements ${iface}.`,
          );
      compareFields(name, oldType.getFields(), newType.getFields(), add);
    }
  }
  for (const directive of oldSchema.getDirectives()) {
    if (!newSchema.getDirective(directive.name))
      add(
        'breaking',
        'DIRECTIVE_REMOVED',
        `@${directive.name}`,
        [`@${directive.name}`],
        `@${directive.name} was removed.`,
      );
  }
  return out.sort((a, b) =>
    a.severity !== b.severity
      ? a.severity === 'breaking'
        ? -1
        : 1
      : a.coordinate < b.coordinate
        ? -1
        : a.coordinate > b.coordinate
          ? 1
          : a.description < b.description
            ? -1
            : 1,
  );
}
