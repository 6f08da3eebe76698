/**
 * Emits `table.ts`: the schema as a compact data table the typed builder reads at run time (to declare variables
 * and follow nested selections) and at type level (to type selections and results).
 */
import {
  type GraphQLField,
  type GraphQLSchema,
  isEnumType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { userTypes } from './emit-schema.js';
import { dateFormatDefault } from './render.js';

/**
 * The body of `table.ts`. The table's type is written out as an interface and its value as JSON text: the compiler
 * reads an interface far faster than it infers an `as const` literal of thousands of fields (the dev schema's
 * table went from ~0.7 s to a few ms of type-checking), and JSON.parse is the fastest way for V8 to load the data.
 */
export function emitTable(schema: GraphQLSchema, typesModule: string): string {
  const typeLines: string[] = [];
  const possibleLines: string[] = [];
  const types: Record<string, Record<string, FieldEntry>> = {};
  const possible: Record<string, string[]> = {};
  for (const type of userTypes(schema)) {
    if (isObjectType(type) || isInterfaceType(type)) {
      const fields: Record<string, FieldEntry> = {};
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[])
        fields[field.name] = fieldEntry(field);
      types[type.name] = fields;
      const members = Object.entries(fields).map(([name, entry]) => `${name}: ${entryType(entry)}`);
      typeLines.push(`    ${type.name}: { ${members.join('; ')} };\n`);
    }
    if (isInterfaceType(type) || isUnionType(type)) {
      const members = schema.getPossibleTypes(type).map((t) => t.name);
      possible[type.name] = members;
      possibleLines.push(`    ${type.name}: [${members.map((m) => `'${m}'`).join(', ')}];\n`);
    }
  }
  const query = schema.getQueryType()?.name ?? null;
  const mutation = schema.getMutationType()?.name ?? null;
  const hasDates = isEnumType(schema.getType('core_date_format'));
  const json = JSON.stringify({ query, mutation, types, possible });
  return [
    `import type { ${hasDates ? 'CoreDateFormats, ' : ''}Enums, Inputs, Scalars } from '${typesModule}';\n\n`,
    '/** Every field of every object and interface type: its type, its arguments, its default date format. */\n',
    'export interface SchemaTable {\n',
    `  query: ${query ? `'${query}'` : 'null'};\n`,
    `  mutation: ${mutation ? `'${mutation}'` : 'null'};\n`,
    '  types: {\n',
    ...typeLines,
    '  };\n',
    '  possible: {\n',
    ...possibleLines,
    '  };\n',
    '}\n\n',
    '/** The schema table as data, for the typed builder at run time. */\n',
    `export const schemaTable: SchemaTable = JSON.parse(${JSON.stringify(json)});\n\n`,
    '/** Everything the typed builder needs to know about this schema, at type level. */\n',
    'export interface SchemaTypes {\n',
    '  table: SchemaTable;\n',
    '  scalars: Scalars;\n',
    '  enums: Enums;\n',
    '  inputs: Inputs;\n',
    `  dateFormats: ${hasDates ? 'CoreDateFormats' : 'Record<string, string | number>'};\n`,
    '}\n',
  ].join('');
}

/** A field as stored: its type, or its type with arguments and the default `format` of a `core_date`. */
type FieldEntry = string | [string, Record<string, string>] | [string, Record<string, string>, string];

function fieldEntry(field: GraphQLField<unknown, unknown>): FieldEntry {
  const type = String(field.type);
  const dateDefault = dateFormatDefault(field);
  if (field.args.length === 0 && dateDefault === undefined) return type;
  // A trailing `=` marks a non-null argument with a default: the caller may leave it out.
  const args: Record<string, string> = {};
  for (const a of field.args)
    args[a.name] = `${String(a.type)}${a.defaultValue !== undefined && isNonNullType(a.type) ? '=' : ''}`;
  return dateDefault === undefined ? [type, args] : [type, args, dateDefault];
}

function entryType(entry: FieldEntry): string {
  if (typeof entry === 'string') return `'${entry}'`;
  const args = Object.entries(entry[1])
    .map(([name, type]) => `${name}: '${type}'`)
    .join('; ');
  return `['${entry[0]}', { ${args} }${entry[2] === undefined ? '' : `, '${entry[2]}'`}]`;
}
