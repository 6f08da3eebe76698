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

/** The body of `table.ts`; `typesModule` is the import path of the emitted types. */
export function emitTable(schema: GraphQLSchema, typesModule: string): string {
  const lines: string[] = [];
  const possible: string[] = [];
  for (const type of userTypes(schema)) {
    if (isObjectType(type) || isInterfaceType(type)) {
      const fields = (Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]).map(fieldEntry);
      lines.push(`    ${type.name}: { ${fields.join(', ')} },\n`);
    }
    if (isInterfaceType(type) || isUnionType(type)) {
      const members = schema.getPossibleTypes(type).map((t) => `'${t.name}'`);
      possible.push(`    ${type.name}: [${members.join(', ')}],\n`);
    }
  }
  const query = schema.getQueryType()?.name;
  const mutation = schema.getMutationType()?.name;
  const hasDates = isEnumType(schema.getType('core_date_format'));
  return [
    `import type { ${hasDates ? 'CoreDateFormats, ' : ''}Enums, Inputs, Scalars } from '${typesModule}';\n\n`,
    '/** Every field of every object and interface type: its type, its arguments, its default date format. */\n',
    'export const schemaTable = {\n',
    `  query: ${query ? `'${query}'` : 'null'},\n`,
    `  mutation: ${mutation ? `'${mutation}'` : 'null'},\n`,
    '  types: {\n',
    ...lines,
    '  },\n',
    '  possible: {\n',
    ...possible,
    '  },\n',
    '} as const;\n\n',
    '/** The type of {@link schemaTable}. */\n',
    'export type SchemaTable = typeof schemaTable;\n\n',
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

function fieldEntry(field: GraphQLField<unknown, unknown>): string {
  const type = `'${String(field.type)}'`;
  const dateDefault = dateFormatDefault(field);
  if (field.args.length === 0 && dateDefault === undefined) return `${field.name}: ${type}`;
  // A trailing `=` marks a non-null argument with a default: the caller may leave it out.
  const args = field.args
    .map(
      (a) =>
        `${a.name}: '${String(a.type)}${a.defaultValue !== undefined && isNonNullType(a.type) ? '=' : ''}'`,
    )
    .join(', ');
  return `${field.name}: [${type}, { ${args} }${dateDefault === undefined ? '' : `, '${dateDefault}'`}]`;
}
