/**
 * Variable coercion with Totara's messages. Totara skips GraphQL validation but still coerces variables (graphql-php),
 * and its messages differ from graphql-js's: the value is quoted as PHP's `json_encode` writes it and the path reads
 * `value.pagination.limit`. A refusal by one of Totara's own scalars is masked as an internal error; the others
 * (an object expected, a required field missing, an unknown field) are `graphql` errors given in full.
 */
import {
  type GraphQLInputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  isScalarType,
  type TypeNode,
  typeFromAST,
  type VariableDefinitionNode,
} from 'graphql';
import { INVALID_PARAMETER, isTotaraScalar } from './scalars.js';

/** One refused variable: the message and whether Totara masks it. */
export interface VariableProblem {
  message: string;
  internal: boolean;
  locations: Array<{ line: number; column: number }>;
}

/** JSON as PHP's `json_encode` writes it by default: slashes and non-ASCII characters escaped. */
export function phpJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null')
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Reason {
  text: string;
  internal: boolean;
}

function coerce(value: unknown, type: GraphQLInputType, path: string): Reason[] {
  if (isNonNullType(type)) {
    if (value === null || value === undefined)
      return [
        { text: `Expected non-nullable type ${String(type)} not to be null at ${path}.`, internal: false },
      ];
    return coerce(value, type.ofType, path);
  }
  if (value === null || value === undefined) return [];
  if (isListType(type)) {
    const items = Array.isArray(value) ? value : [value];
    return items.flatMap((item, i) =>
      coerce(item, type.ofType, Array.isArray(value) ? `${path}[${i}]` : path),
    );
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object' || Array.isArray(value))
      return [
        {
          text: `Expected type ${type.name} to be an object${path === 'value' ? '' : ` at ${path}`}.`,
          internal: false,
        },
      ];
    const object = value as Record<string, unknown>;
    const fields = type.getFields();
    const out: Reason[] = [];
    for (const field of Object.values(fields)) {
      const inner = object[field.name];
      if (inner === undefined) {
        if (field.defaultValue === undefined && isNonNullType(field.type))
          out.push({
            text: `Field ${path}.${field.name} of required type ${String(field.type)} was not provided.`,
            internal: false,
          });
        continue;
      }
      out.push(...coerce(inner, field.type, `${path}.${field.name}`));
    }
    for (const key of Object.keys(object))
      if (!fields[key])
        out.push({ text: `Field "${key}" is not defined by type ${type.name}.`, internal: false });
    return out;
  }
  if (isEnumType(type)) {
    if (typeof value === 'string' && type.getValue(value)) return [];
    return [{ text: `Expected type ${type.name} at ${path}.`, internal: false }];
  }
  if (isScalarType(type)) {
    try {
      type.parseValue(value);
      return [];
    } catch (error) {
      const totara = isTotaraScalar(type.name);
      return [
        {
          text: `Expected type ${type.name} at ${path}; ${totara ? INVALID_PARAMETER : (error as Error).message}`,
          internal: totara,
        },
      ];
    }
  }
  return [];
}

function typeText(node: TypeNode): string {
  if (node.kind === 'NonNullType') return `${typeText(node.type)}!`;
  if (node.kind === 'ListType') return `[${typeText(node.type)}]`;
  return node.name.value;
}

/**
 * The problems of the request's variables against the operation's variable definitions, as Totara reports them
 * (empty when they coerce). Unknown types are left to execution.
 */
export function variableProblems(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  values: Record<string, unknown>,
): VariableProblem[] {
  const out: VariableProblem[] = [];
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (!type || !isInputType(type)) continue;
    const at = definition.loc?.startToken;
    const locations = at ? [{ line: at.line, column: at.column }] : [];
    const value = values[name];
    if (value === undefined) {
      if (definition.defaultValue === undefined && isNonNullType(type))
        out.push({
          message: `Variable "$${name}" of required type "${typeText(definition.type)}" was not provided.`,
          internal: false,
          locations,
        });
      continue;
    }
    if (value === null && isNonNullType(type)) {
      out.push({
        message: `Variable "$${name}" of non-null type "${typeText(definition.type)}" must not be null.`,
        internal: false,
        locations,
      });
      continue;
    }
    for (const reason of coerce(value, type, 'value'))
      out.push({
        message: `Variable "$${name}" got invalid value ${phpJson(value)}; ${reason.text}`,
        internal: reason.internal,
        locations,
      });
  }
  return out;
}
