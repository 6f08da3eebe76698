/**
 * Totara's own scalars, as the sandbox coerces them: `core_id` (a number or numeric string, sent back as a string),
 * `core_date` (a Unix timestamp or a date Totara can parse), and the input-only `param_*` scalars, which clean a value
 * the way Moodle's PARAM_* types do and refuse one that cleaning would change. A refusal is Totara's
 * `invalid_parameter_exception`, "Invalid parameter value detected", which it masks as an internal error.
 */
import { type GraphQLSchema, isScalarType, valueFromASTUntyped } from 'graphql';

/** The message of Moodle's `invalid_parameter_exception`. */
export const INVALID_PARAMETER = 'Invalid parameter value detected';

/** The error a Totara scalar throws for a value it refuses (masked as "Internal server error"). */
export class InvalidParameterError extends Error {
  constructor() {
    super(INVALID_PARAMETER);
  }
}

const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new InvalidParameterError();
};

const pattern =
  (re: RegExp) =>
  (value: unknown): string => {
    const s = text(value);
    if (!re.test(s)) throw new InvalidParameterError();
    return s;
  };

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** How each Totara scalar reads a variable value. */
const PARSERS: Record<string, (value: unknown) => unknown> = {
  core_id: (value) => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    if (typeof value === 'string' && /^\d+$/.test(value)) return value;
    throw new InvalidParameterError();
  },
  core_date: (value) => {
    if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
    if (typeof value === 'string') {
      if (/^\d+$/.test(value)) return Number(value);
      const parsed = Date.parse(value);
      if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(parsed)) return Math.floor(parsed / 1000);
    }
    throw new InvalidParameterError();
  },
  param_integer: (value) => {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
    throw new InvalidParameterError();
  },
  param_boolean: (value) => {
    if (typeof value === 'boolean') return value;
    const s = text(value).toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
    throw new InvalidParameterError();
  },
  param_email: (value) => {
    const s = text(value);
    if (s !== '' && !EMAIL.test(s)) throw new InvalidParameterError();
    return s;
  },
  param_alpha: pattern(/^[A-Za-z]*$/),
  param_alphaext: pattern(/^[A-Za-z_-]*$/),
  param_alphanum: pattern(/^[A-Za-z0-9]*$/),
  param_alphanumext: pattern(/^[A-Za-z0-9_-]*$/),
  param_area: pattern(/^[a-z][a-z0-9_]*$/),
  param_component: pattern(/^[a-z][a-z0-9_]*$/),
  param_plugin: pattern(/^[a-z][a-z0-9_]*$/),
  param_lang: pattern(/^[a-z][a-z0-9_]*$/),
  param_theme: pattern(/^[a-z][a-z0-9_]*$/),
  param_stringid: pattern(/^[a-zA-Z0-9.:/_-]*$/),
  param_safedir: pattern(/^[a-zA-Z0-9_-]*$/),
  param_safepath: pattern(/^[a-zA-Z0-9/_-]*$/),
  param_username: pattern(/^[a-z0-9_.@+-]*$/),
  param_url: pattern(/^(https?:\/\/[^\s]+|\/[^\s]*|)$/),
  param_file: pattern(/^[^/\\:*?"<>|]*$/),
  param_path: pattern(/^[^\\:*?"<>|]*$/),
  param_text: (value) => text(value),
};

/** True for a scalar Totara defines (its refusals are masked); false for the GraphQL built-ins. */
export function isTotaraScalar(name: string): boolean {
  return name in PARSERS;
}

/** Gives the schema's Totara scalars their coercion (ids come back as strings, as Totara sends them). */
export function installTotaraScalars(schema: GraphQLSchema): void {
  for (const [name, parse] of Object.entries(PARSERS)) {
    const type = schema.getType(name);
    if (!isScalarType(type)) continue;
    type.parseValue = parse;
    type.parseLiteral = (node, variables) => parse(valueFromASTUntyped(node, variables));
    if (name === 'core_id')
      type.serialize = (value: unknown) => (value === null || value === undefined ? null : String(value));
    if (name === 'core_date')
      type.serialize = (value: unknown) =>
        value === null || value === undefined ? null : typeof value === 'number' ? String(value) : value;
  }
}
