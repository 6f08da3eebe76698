import {
  type GraphQLNamedType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
} from 'graphql';
import type { ChangeSeverity, RecordChange, SchemaChange } from './changes.js';
import { compareDirectives } from './diff-directives.js';
import { compareFields, compareInputFields, kindOf } from './diff-fields.js';

export type { ChangeSeverity, SchemaChange } from './changes.js';

/**
 * Compares two schemas and lists every change with its schema coordinate: breaking, dangerous and safe (additions).
 * It finds what graphql-js's `findBreakingChanges`/`findDangerousChanges` find and what Totara's own schema-diff
 * tool expects (directive arguments and locations removed, required directive arguments added, every added type,
 * field and argument), plus what both miss: a non-null argument or input field losing its default (it becomes
 * required), and fields, arguments and enum values becoming deprecated.
 *
 * @example
 * ```ts
 * const changes = compareSchemas(before.schema, after.schema);
 * for (const c of changes.filter((c) => c.severity === 'breaking')) console.log(c.coordinate, c.description);
 * ```
 */
export function compareSchemas(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): SchemaChange[] {
  const out: SchemaChange[] = [];
  const add: RecordChange = (severity, kind, coordinate, touches, description) =>
    out.push({ severity, kind, coordinate, touches, description });
  const newTypes = newSchema.getTypeMap();
  const oldTypes = oldSchema.getTypeMap();
  for (const newType of Object.values(newTypes)) {
    if (isBuiltIn(newType) || oldTypes[newType.name]) continue;
    add('safe', ADDED_KIND[kindOf(newType)], newType.name, [newType.name], `${newType.name} was added.`);
  }
  for (const oldType of Object.values(oldSchema.getTypeMap())) {
    if (isBuiltIn(oldType)) continue;
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
  compareDirectives(oldSchema, newSchema, add);
  return out.sort((a, b) =>
    a.severity !== b.severity
      ? SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]
      : a.coordinate < b.coordinate
        ? -1
        : a.coordinate > b.coordinate
          ? 1
          : a.description < b.description
            ? -1
            : 1,
  );
}

const SEVERITY_ORDER: Record<ChangeSeverity, number> = { breaking: 0, dangerous: 1, safe: 2 };

/** The change kind Totara's schema-diff tool gives a type that was added, by the type's kind. */
const ADDED_KIND: Record<ReturnType<typeof kindOf>, string> = {
  scalar: 'ADD_SCALAR_TYPE',
  object: 'ADD_OBJECT_TYPE',
  interface: 'ADD_INTERFACE_TYPE',
  union: 'ADD_UNION_TYPE',
  enum: 'ADD_ENUM_TYPE',
  input: 'ADD_INPUT_OBJECT_TYPE',
};

function isBuiltIn(type: GraphQLNamedType): boolean {
  return type.name.startsWith('__') || isSpecifiedScalarType(type);
}
