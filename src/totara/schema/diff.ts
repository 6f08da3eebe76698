import {
  astFromValue,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
  isRequiredInputField,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  print,
  type ValueNode,
} from 'graphql';

/** How bad a change is for existing clients. */
export type ChangeSeverity = 'breaking' | 'dangerous';

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

type Add = (
  severity: ChangeSeverity,
  kind: string,
  coordinate: string,
  touches: string[],
  description: string,
) => void;

function compareFields(
  typeName: string,
  before: Record<string, GraphQLField<unknown, unknown>>,
  after: Record<string, GraphQLField<unknown, unknown>>,
  add: Add,
): void {
  for (const field of Object.values(before)) {
    const coordinate = `${typeName}.${field.name}`;
    const next = after[field.name];
    if (!next) {
      add('breaking', 'FIELD_REMOVED', coordinate, [coordinate], `${coordinate} was removed.`);
      continue;
    }
    if (!safeForOutput(field.type, next.type))
      add(
        'breaking',
        'FIELD_CHANGED_KIND',
        coordinate,
        [coordinate],
        `${coordinate} changed type from ${String(field.type)} to ${String(next.type)}.`,
      );
    if (!field.deprecationReason && next.deprecationReason)
      add('dangerous', 'FIELD_DEPRECATED', coordinate, [coordinate], `${coordinate} was deprecated.`);
    const nextArgs = new Map(next.args.map((a) => [a.name, a]));
    for (const arg of field.args) {
      const argCoordinate = `${coordinate}(${arg.name}:)`;
      const newArg = nextArgs.get(arg.name);
      if (!newArg) {
        add('breaking', 'ARG_REMOVED', argCoordinate, [coordinate], `${argCoordinate} was removed.`);
        continue;
      }
      compareInputValue(argCoordinate, coordinate, arg, newArg, 'ARG', add);
    }
    const oldArgs = new Set(field.args.map((a) => a.name));
    for (const arg of next.args) {
      if (oldArgs.has(arg.name)) continue;
      const argCoordinate = `${coordinate}(${arg.name}:)`;
      if (isRequiredArgument(arg))
        add(
          'breaking',
          'REQUIRED_ARG_ADDED',
          argCoordinate,
          [coordinate],
          `A required argument ${argCoordinate} was added.`,
        );
      else
        add(
          'dangerous',
          'OPTIONAL_ARG_ADDED',
          argCoordinate,
          [coordinate],
          `An optional argument ${argCoordinate} was added.`,
        );
    }
  }
}

function compareInputFields(
  typeName: string,
  before: Record<string, GraphQLInputField>,
  after: Record<string, GraphQLInputField>,
  add: Add,
): void {
  for (const field of Object.values(before)) {
    const coordinate = `${typeName}.${field.name}`;
    const next = after[field.name];
    if (!next) add('breaking', 'FIELD_REMOVED', coordinate, [typeName], `${coordinate} was removed.`);
    else compareInputValue(coordinate, typeName, field, next, 'FIELD', add);
  }
  const oldFields = new Set(Object.keys(before));
  for (const field of Object.values(after)) {
    if (oldFields.has(field.name)) continue;
    const coordinate = `${typeName}.${field.name}`;
    if (isRequiredInputField(field))
      add(
        'breaking',
        'REQUIRED_INPUT_FIELD_ADDED',
        coordinate,
        [typeName],
        `A required input field ${coordinate} was added.`,
      );
    else
      add(
        'dangerous',
        'OPTIONAL_INPUT_FIELD_ADDED',
        coordinate,
        [typeName],
        `An optional input field ${coordinate} was added.`,
      );
  }
}

function compareInputValue(
  coordinate: string,
  touch: string,
  before: GraphQLArgument | GraphQLInputField,
  after: GraphQLArgument | GraphQLInputField,
  what: 'ARG' | 'FIELD',
  add: Add,
): void {
  if (!safeForInput(before.type, after.type)) {
    add(
      'breaking',
      `${what}_CHANGED_KIND`,
      coordinate,
      [touch],
      `${coordinate} changed type from ${String(before.type)} to ${String(after.type)}.`,
    );
    return;
  }
  const oldDefault = defaultText(before);
  const newDefault = defaultText(after);
  if (oldDefault !== undefined && newDefault === undefined && isNonNullType(after.type)) {
    // graphql-js calls this a dangerous default change; callers that relied on the default now fail validation.
    add(
      'breaking',
      `${what}_DEFAULT_REMOVED`,
      coordinate,
      [touch],
      `${coordinate} lost its default (${oldDefault}) and is now required.`,
    );
  } else if (oldDefault !== undefined && oldDefault !== newDefault) {
    add(
      'dangerous',
      `${what}_DEFAULT_VALUE_CHANGE`,
      coordinate,
      [touch],
      `${coordinate} default changed from ${oldDefault} to ${newDefault ?? 'none'}.`,
    );
  }
  if (!before.deprecationReason && after.deprecationReason)
    add('dangerous', `${what}_DEPRECATED`, coordinate, [touch], `${coordinate} was deprecated.`);
}

function defaultText(value: GraphQLArgument | GraphQLInputField): string | undefined {
  if (value.defaultValue === undefined) return undefined;
  const ast: ValueNode | null | undefined = astFromValue(value.defaultValue, value.type);
  return ast ? print(ast) : String(value.defaultValue);
}

function kindOf(type: GraphQLNamedType): string {
  if (isScalarType(type)) return 'scalar';
  if (isObjectType(type)) return 'object';
  if (isInterfaceType(type)) return 'interface';
  if (isUnionType(type)) return 'union';
  if (isEnumType(type)) return 'enum';
  return 'input';
}

/** A result type may become stricter (non-null), never looser or different. */
function safeForOutput(before: GraphQLOutputType, after: GraphQLOutputType): boolean {
  if (isNonNullType(before)) return isNonNullType(after) && safeForOutput(before.ofType, after.ofType);
  if (isNonNullType(after)) return safeForOutput(before, after.ofType);
  if (isListType(before)) return isListType(after) && safeForOutput(before.ofType, after.ofType);
  return !isListType(after) && (before as GraphQLNamedType).name === (after as GraphQLNamedType).name;
}

/** An input may become looser (nullable), never stricter or different. */
function safeForInput(before: GraphQLInputType, after: GraphQLInputType): boolean {
  if (isNonNullType(after)) return isNonNullType(before) && safeForInput(before.ofType, after.ofType);
  if (isNonNullType(before)) return safeForInput(before.ofType, after);
  if (isListType(before)) return isListType(after) && safeForInput(before.ofType, after.ofType);
  return !isListType(after) && (before as GraphQLNamedType).name === (after as GraphQLNamedType).name;
}
