/** Emits the schema's types: scalars, enums, input types, object types, interfaces and unions. */
import {
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLUnionType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
} from 'graphql';
import { docComment, type ScalarOverride, scalarRef, scalarTypes, tsName, wrapType } from './render.js';

/** Options of {@link emitSchemaTypes}. */
export interface EmitSchemaOptions {
  descriptions: boolean;
  scalars: Readonly<Record<string, ScalarOverride>>;
}

/** Named types of the schema, introspection types left out, sorted by name so output is stable. */
export function userTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The body of `types.ts`. */
export function emitSchemaTypes(schema: GraphQLSchema, options: EmitSchemaOptions): string {
  const doc = (indent: string, text: string | null | undefined, deprecation?: string | null) =>
    docComment(
      indent,
      options.descriptions ? text : undefined,
      deprecationText(deprecation, options.descriptions),
    );
  const types = userTypes(schema);
  const out: string[] = [];
  const scalars = scalarTypes(schema, options.scalars);
  out.push(
    '/** The TypeScript of every scalar: `input` is what a variable accepts, `output` what a result holds. */\n',
    'export interface Scalars {\n',
  );
  for (const [name, t] of scalars) {
    const scalar = schema.getType(name);
    // graphql-js's own words on its built-in scalars are not the schema's: leave them out.
    out.push(doc('  ', scalar && !isSpecifiedScalarType(scalar) ? scalar.description : undefined));
    out.push(`  ${name}: { input: ${t.input}; output: ${t.output} };\n`);
  }
  out.push('}\n');
  const dateFormats = schema.getType('core_date_format');
  if (isEnumType(dateFormats)) {
    out.push(
      '\n/** What a `core_date` field returns for each value of its `format` argument (Totara sends even TIMESTAMP as a string of Unix seconds). */\n',
      'export interface CoreDateFormats {\n',
    );
    // A real 17.3 site answers `timestamp` with "1796285835": every format, TIMESTAMP included, is a string.
    for (const value of dateFormats.getValues()) out.push(`  ${value.name}: string;\n`);
    out.push('}\n');
  }
  const named = (t: GraphQLNamedType, direction: 'input' | 'output'): string =>
    isScalarType(t) ? scalarRef(t.name, direction, '', options.scalars) : tsName(t.name);
  const enums: string[] = [];
  const inputs: string[] = [];
  const objects: string[] = [];
  for (const type of types) {
    if (isEnumType(type)) {
      enums.push(type.name);
      out.push('\n', doc('', type.description), emitEnum(type, options.descriptions));
    } else if (isInputObjectType(type)) {
      inputs.push(type.name);
      out.push(
        '\n',
        doc('', type.description),
        emitInput(type, (t) => named(t, 'input'), doc),
      );
    } else if (isObjectType(type) || isInterfaceType(type)) {
      objects.push(type.name);
      const typenames = isObjectType(type) ? [type.name] : schema.getPossibleTypes(type).map((t) => t.name);
      out.push(
        '\n',
        doc('', type.description),
        emitObject(type, typenames, (t) => named(t, 'output'), doc),
      );
    } else if (isUnionType(type)) {
      objects.push(type.name);
      out.push('\n', doc('', type.description), emitUnion(type));
    }
  }
  out.push(mapInterface('Every enum of the schema by name.', 'Enums', enums));
  out.push(mapInterface('Every input type of the schema by name.', 'Inputs', inputs));
  out.push(mapInterface('Every object, interface and union type of the schema by name.', 'Objects', objects));
  return out.join('');
}

function deprecationText(
  reason: string | null | undefined,
  descriptions: boolean,
): string | null | undefined {
  if (reason === undefined || reason === null) return undefined;
  // The reason is prose from the schema: kept only when descriptions are.
  return descriptions ? reason : '';
}

function emitEnum(type: GraphQLEnumType, descriptions: boolean): string {
  const values = type.getValues();
  if (values.length === 0) return `export type ${tsName(type.name)} = never;\n`;
  const documented = values.some((v) => (descriptions && v.description) || v.deprecationReason);
  if (!documented)
    return `export type ${tsName(type.name)} = ${values.map((v) => `'${v.name}'`).join(' | ')};\n`;
  const lines = values.map(
    (v) =>
      `${docComment('  ', descriptions ? v.description : undefined, deprecationText(v.deprecationReason, descriptions))}  | '${v.name}'`,
  );
  return `export type ${tsName(type.name)} =\n${lines.join('\n')};\n`;
}

type Doc = (indent: string, text: string | null | undefined, deprecation?: string | null) => string;

function emitInput(type: GraphQLInputObjectType, named: (t: GraphQLNamedType) => string, doc: Doc): string {
  const lines = [`export interface ${tsName(type.name)} {\n`];
  for (const field of Object.values(type.getFields())) {
    const required = isNonNullType(field.type) && field.defaultValue === undefined;
    lines.push(doc('  ', field.description, field.deprecationReason));
    lines.push(`  ${field.name}${required ? '' : '?'}: ${wrapType(field.type, named)};\n`);
  }
  lines.push('}\n');
  return lines.join('');
}

function emitObject(
  type: GraphQLObjectType | GraphQLInterfaceType,
  typenames: string[],
  named: (t: GraphQLNamedType) => string,
  doc: Doc,
): string {
  const lines = [`export interface ${tsName(type.name)} {\n`];
  lines.push(`  __typename?: ${typenames.length ? typenames.map((n) => `'${n}'`).join(' | ') : 'never'};\n`);
  for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
    lines.push(doc('  ', field.description, field.deprecationReason));
    lines.push(`  ${field.name}: ${wrapType(field.type, named)};\n`);
  }
  lines.push('}\n');
  return lines.join('');
}

function emitUnion(type: GraphQLUnionType): string {
  const members = type.getTypes().map((t) => tsName(t.name));
  return `export type ${tsName(type.name)} = ${members.length ? members.join(' | ') : 'never'};\n`;
}

function mapInterface(doc: string, name: string, names: string[]): string {
  if (names.length === 0) return `\n/** ${doc} */\nexport type ${name} = Record<never, never>;\n`;
  return `\n/** ${doc} */\nexport interface ${name} {\n${names.map((n) => `  ${n}: ${tsName(n)};\n`).join('')}}\n`;
}
