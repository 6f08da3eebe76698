/** Field-level comparison of two schemas: fields, arguments, input fields, and the type-safety rules of each. */
import {
  astFromValue,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
  isRequiredInputField,
  isScalarType,
  isUnionType,
  print,
  type ValueNode,
} from 'graphql';

/** How bad a change is for existing clients. */
export type ChangeSeverity = 'breaking' | 'dangerous';

/** Records one change. */
export type Add = (
  severity: ChangeSeverity,
  kind: string,
  coordinate: string,
  touches: string[],
  description: string,
) => void;

export function compareFields(
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

export function compareInputFields(
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

/** The kind of a named type, as `describeSchemaItem` and the diff's messages name it. */
export function kindOf(
  type: GraphQLNamedType,
): 'scalar' | 'object' | 'interface' | 'union' | 'enum' | 'input' {
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
