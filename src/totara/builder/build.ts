import { parse } from 'graphql';
import { InputError } from '../../core/errors.js';
import { MAX_QUERY_DEPTH, operationNameProblem } from '../rules.js';
import type {
  BuilderSchema,
  BuilderTable,
  BuiltDocument,
  FieldSpec,
  ResultOfSelection,
  RootOf,
  Selection,
  StrictSelection,
} from './types.js';

/** An operation made by the builder: the typed document, the variables that go with it, and its text. */
export interface BuiltOperation<Result> {
  /** Pass it to `client.request(op.document, op.variables)`; the result is typed. */
  document: BuiltDocument<Result>;
  /** The argument values, sent as variables (never inlined into the text). */
  variables: Record<string, unknown>;
  /** The GraphQL text, for logs and `mts totara query`. */
  text: string;
  operationName: string;
}

/** The `query` and `mutation` functions of one schema. */
export interface Builder<S extends BuilderSchema> {
  /**
   * Builds a named query from a selection object; the result type follows the selection.
   * @example
   * ```ts
   * const op = query('my_users', { core_user_users: { items: { id: true, fullname: true }, next_cursor: true } });
   * ```
   */
  query<Sel extends Selection<S, RootOf<S, 'query'>>>(
    name: string,
    selection: Sel & StrictSelection<S, RootOf<S, 'query'>, Sel>,
  ): BuiltOperation<ResultOfSelection<S, RootOf<S, 'query'>, Sel>>;
  /**
   * Builds a named mutation from a selection object; the result type follows the selection.
   * @example
   * ```ts
   * const op = mutation('delete_user', { core_user_delete_user: { __args: { target_user: { id: '42' } }, user_id: true } });
   * ```
   */
  mutation<Sel extends Selection<S, RootOf<S, 'mutation'>>>(
    name: string,
    selection: Sel & StrictSelection<S, RootOf<S, 'mutation'>, Sel>,
  ): BuiltOperation<ResultOfSelection<S, RootOf<S, 'mutation'>, Sel>>;
}

/**
 * Makes the typed `query` and `mutation` functions of a schema from the table `mts codegen totara` emits.
 * The SDK exports them ready-made for the Totara 17.3 external API; generated code for a site binds its own.
 *
 * @example
 * ```ts
 * import { schemaTable, type SchemaTypes } from './generated/table.js';
 * const { query } = createBuilder<SchemaTypes>(schemaTable);
 * ```
 */
export function createBuilder<S extends BuilderSchema>(table: S['table']): Builder<S> {
  // Checked loosely at type level (see BuilderTableShape); what `mts codegen totara` emits is a BuilderTable.
  const data = table as BuilderTable;
  return {
    query: (name, selection) => build(data, 'query', name, selection) as never,
    mutation: (name, selection) => build(data, 'mutation', name, selection) as never,
  };
}

interface Variable {
  name: string;
  type: string;
}

function build(
  table: BuilderTable,
  kind: 'query' | 'mutation',
  name: string,
  selection: object,
): BuiltOperation<unknown> {
  const problem = operationNameProblem(name);
  if (problem)
    throw new InputError('totara.builder.operation_name', problem, {
      hint: 'Totara refuses other names; pick a lower snake_case name such as my_users.',
      details: { path: name },
    });
  const root = table[kind];
  if (!root)
    throw new InputError('totara.builder.no_root', `The schema has no ${kind} type.`, {
      details: { path: kind },
    });
  const declared: Variable[] = [];
  const variables: Record<string, unknown> = {};
  const body = selectionText(table, root, selection, root, declared, variables);
  const head = declared.length ? `(${declared.map((v) => `$${v.name}: ${v.type}`).join(', ')})` : '';
  const text = `${kind} ${name}${head} ${body}`;
  return { document: parse(text, { noLocation: true }) as never, variables, text, operationName: name };
}

function selectionText(
  table: BuilderTable,
  typeName: string,
  selection: unknown,
  path: string,
  declared: Variable[],
  variables: Record<string, unknown>,
  depth = -1,
): string {
  // `depth` is Totara's depth of the field this selection belongs to (-1 for the operation, 0 for a root field).
  if (depth > MAX_QUERY_DEPTH)
    throw new InputError(
      'totara.builder.too_deep',
      `${path} nests deeper than the ${MAX_QUERY_DEPTH} levels Totara allows.`,
      {
        hint: 'Split the query in two, or select less deeply.',
        details: { path },
      },
    );
  if (!selection || typeof selection !== 'object')
    throw new InputError('totara.builder.selection', `${path} is an object type: select fields of it.`, {
      hint: 'Give an object such as { id: true }.',
      details: { path },
    });
  const fields = table.types[typeName];
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selection)) {
    if (key === '__args' || value === false || value === undefined) continue;
    if (key === '__scalar') {
      parts.push(...scalarFields(table, typeName, selection as Record<string, unknown>));
      continue;
    }
    if (key === '__typename') {
      parts.push('__typename');
      continue;
    }
    if (key.startsWith('on_')) {
      const member = key.slice(3);
      if (!table.possible[typeName]?.includes(member)) throw unknown(path, key, typeName, table);
      parts.push(
        `... on ${member} ${selectionText(table, member, value, `${path}.${key}`, declared, variables)}`,
      );
      continue;
    }
    const colon = key.indexOf(':');
    const alias = colon > 0 ? key.slice(0, colon) : undefined;
    const fieldName = colon > 0 ? key.slice(colon + 1) : key;
    if (alias !== undefined && !/^[_A-Za-z][_0-9A-Za-z]*$/.test(alias))
      throw new InputError('totara.builder.alias', `"${alias}" is not a valid GraphQL alias (at ${path}).`, {
        hint: 'An alias is a name: letters, digits and _, not starting with a digit.',
        details: { path: `${path}.${key}` },
      });
    const spec: FieldSpec | undefined = fields?.[fieldName];
    if (spec === undefined) throw unknown(path, fieldName, typeName, table);
    const fieldText = alias === undefined ? fieldName : `${alias}: ${fieldName}`;
    const [type, argTypes] = specParts(spec);
    const fieldPath = `${path}.${alias ?? fieldName}`;
    const args = (value as { __args?: Record<string, unknown> }).__args;
    let argText = '';
    if (args && typeof args === 'object') {
      const pieces: string[] = [];
      for (const [arg, argValue] of Object.entries(args)) {
        if (argValue === undefined) continue;
        const argType = argTypes[arg];
        if (argType === undefined)
          throw new InputError('totara.builder.unknown_argument', `${fieldPath} has no argument "${arg}".`, {
            hint: `Arguments: ${Object.keys(argTypes).join(', ') || '(none)'}.`,
            details: { path: `${fieldPath}.__args.${arg}` },
          });
        const variable = uniqueName(`${alias ?? fieldName}_${arg}`, declared);
        declared.push({ name: variable, type: argType.replace(/=$/, '') });
        variables[variable] = argValue;
        pieces.push(`${arg}: $${variable}`);
      }
      if (pieces.length) argText = `(${pieces.join(', ')})`;
    }
    const named = namedType(type);
    if (isComposite(table, named)) {
      parts.push(
        `${fieldText}${argText} ${selectionText(table, named, value, fieldPath, declared, variables, depth + 1)}`,
      );
    } else {
      parts.push(`${fieldText}${argText}`);
    }
  }
  if (parts.length === 0)
    throw new InputError('totara.builder.empty_selection', `Nothing is selected on ${path} (${typeName}).`, {
      hint: 'Select at least one field, e.g. { __typename: true }.',
      details: { path },
    });
  return `{ ${parts.join(' ')} }`;
}

/** What `__scalar: true` selects: scalar and enum fields needing no argument and not selected explicitly. */
function scalarFields(table: BuilderTable, typeName: string, selection: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, spec] of Object.entries(table.types[typeName] ?? {})) {
    if (name in selection) continue;
    const [type, args] = specParts(spec);
    if (isComposite(table, namedType(type))) continue;
    if (Object.values(args).some((t) => t.endsWith('!'))) continue;
    out.push(name);
  }
  return out;
}

/** A table entry as its type (`[core_user!]!`) and its arguments' types. */
function specParts(spec: FieldSpec): [string, { readonly [arg: string]: string }] {
  return typeof spec === 'string' ? [spec, {}] : [spec[0], spec[1]];
}

/** `[core_user!]!` without its list and non-null markers. */
function namedType(type: string): string {
  return type.replace(/[[\]!]/g, '');
}

/** True for an object, interface or union type: one that takes a selection. */
function isComposite(table: BuilderTable, named: string): boolean {
  return table.types[named] !== undefined || table.possible[named] !== undefined;
}

function uniqueName(base: string, declared: Variable[]): string {
  let name = base;
  for (let i = 2; declared.some((v) => v.name === name); i++) name = `${base}_${i}`;
  return name;
}

function unknown(path: string, key: string, typeName: string, table: BuilderTable): InputError {
  const known = Object.keys(table.types[typeName] ?? {});
  const near = known.filter((k) => k.includes(key) || key.includes(k)).slice(0, 5);
  return new InputError('totara.builder.unknown_field', `${typeName} has no field "${key}" (at ${path}).`, {
    hint: near.length
      ? `Did you mean ${near.join(', ')}?`
      : `Fields of ${typeName}: ${known.slice(0, 20).join(', ')}.`,
    details: { path: `${path}.${key}` },
  });
}
