/** Small rendering helpers shared by the Totara emitters: identifiers, doc comments, scalars. */
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';

/** Names the generated modules define themselves; a schema type of the same name gets a `_` suffix. */
const HELPER_NAMES = new Set([
  'Scalars',
  'Enums',
  'Inputs',
  'Objects',
  'CoreDateFormats',
  'SchemaTypes',
  'SchemaTable',
]);
const RESERVED = new Set(
  (
    'any bigint boolean never number object string symbol undefined unknown void null true false this ' +
    'break case catch class const continue debugger default delete do else enum export extends finally for ' +
    'function if import in instanceof new return super switch throw try typeof var while with yield let static ' +
    'implements interface package private protected public await Array Record Partial Readonly Omit Pick'
  ).split(' '),
);

/** The TypeScript name of a schema type. */
export function tsName(name: string): string {
  return HELPER_NAMES.has(name) || RESERVED.has(name) ? `${name}_` : name;
}

/** The built-in scalars and what they are in TypeScript. */
const BUILTIN: Record<string, { input: string; output: string }> = {
  ID: { input: 'string | number', output: 'string' },
  String: { input: 'string', output: 'string' },
  Boolean: { input: 'boolean', output: 'boolean' },
  Int: { input: 'number', output: 'number' },
  Float: { input: 'number', output: 'number' },
};

/** TypeScript text of a scalar: a string for both directions, or one per direction. */
export type ScalarOverride = string | { input: string; output: string };

/** The input and output TypeScript type of every scalar of the schema, overrides applied. */
export function scalarTypes(
  schema: GraphQLSchema,
  overrides: Readonly<Record<string, ScalarOverride>> = {},
): Map<string, { input: string; output: string }> {
  const out = new Map<string, { input: string; output: string }>();
  const hasDateFormats = isEnumType(schema.getType('core_date_format'));
  const names = Object.values(schema.getTypeMap())
    .filter(isScalarType)
    .map((t) => t.name)
    .sort();
  for (const name of names) {
    const override = overrides[name];
    if (override !== undefined) {
      out.set(name, typeof override === 'string' ? { input: override, output: override } : override);
    } else if (BUILTIN[name]) out.set(name, BUILTIN[name]);
    else if (name === 'core_id') out.set(name, { input: 'string | number', output: 'string' });
    else if (name === 'core_date')
      out.set(name, {
        input: 'string | number',
        output: hasDateFormats ? 'CoreDateFormats[keyof CoreDateFormats]' : 'string | number',
      });
    // Totara cleans param_* values like PARAM_INT/PARAM_BOOL do, so the natural JSON type is accepted too.
    else if (name === 'param_integer') out.set(name, { input: 'number | string', output: 'string' });
    else if (name === 'param_boolean') out.set(name, { input: 'boolean | string', output: 'string' });
    else if (name.startsWith('param_')) out.set(name, { input: 'string', output: 'string' });
    else out.set(name, { input: 'unknown', output: 'unknown' });
  }
  return out;
}

/** A scalar as TypeScript: built-ins inline (so hovers read `string`), the others through `Scalars`. */
export function scalarRef(
  name: string,
  direction: 'input' | 'output',
  ns: string,
  overrides: Readonly<Record<string, ScalarOverride>>,
): string {
  const builtin = BUILTIN[name];
  if (builtin && overrides[name] === undefined) return builtin[direction];
  return `${ns}Scalars['${name}']['${direction}']`;
}

/** A JSDoc block, or '' when there is nothing to say. */
export function docComment(
  indent: string,
  description: string | null | undefined,
  deprecation?: string | null,
): string {
  const lines: string[] = [];
  if (description) lines.push(...description.replace(/\*\//g, '*\\/').split(/\r?\n/));
  if (deprecation !== undefined && deprecation !== null)
    lines.push(
      `@deprecated${deprecation ? ` ${deprecation.replace(/\*\//g, '*\\/').replace(/\r?\n/g, ' ')}` : ''}`,
    );
  if (lines.length === 0) return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */\n`;
}

/** Wraps a named TypeScript type in the list and null markers of a GraphQL type. */
export function wrapType(
  type: GraphQLOutputType | GraphQLInputType,
  named: (t: GraphQLNamedType) => string,
): string {
  if (isNonNullType(type)) return wrapNonNull(type.ofType, named);
  return `${wrapNonNull(type, named)} | null`;
}

function wrapNonNull(
  type: GraphQLOutputType | GraphQLInputType,
  named: (t: GraphQLNamedType) => string,
): string {
  if (isListType(type)) return `Array<${wrapType(type.ofType, named)}>`;
  return named(getNamedType(type) as GraphQLNamedType);
}

/** The `format` argument of a `core_date` field: its default value when it is a literal enum value. */
export function dateFormatDefault(field: GraphQLField<unknown, unknown>): string | undefined {
  if (getNamedType(field.type).name !== 'core_date') return undefined;
  const arg = field.args.find((a) => a.name === 'format' && getNamedType(a.type).name === 'core_date_format');
  return arg && typeof arg.defaultValue === 'string' ? arg.defaultValue : undefined;
}

/** Text safe inside a `//` or `/* *\/` comment: a file name cannot end the comment and start code. */
export function commentSafe(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\*\//g, '*\\/');
}

/** The header every generated file starts with. */
export function header(input: string, extra: string[] = []): string {
  return [
    `// Code generated by mts codegen totara (codegen/totara) from ${commentSafe(input)}. DO NOT EDIT.`,
    ...extra.map((line) => `// ${commentSafe(line)}`),
    '',
    '',
  ].join('\n');
}
