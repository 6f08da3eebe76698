/** How the REPL shows a result: tables for arrays of records, long values collapsed, or raw JSON on request. */
import { inspect, types } from 'node:util';
import { MtsError } from '../src/core/errors.js';
import { formatTable } from '../src/core/format.js';
import { maskSecrets } from '../src/core/redact.js';

/** Options of {@link renderValue}. */
export interface RenderOptions {
  /** JSON exactly as received (`.raw`). */
  raw: boolean;
  color: boolean;
  /** Terminal width (defaults to 100). */
  columns?: number | undefined;
}

/** Strings longer than this are collapsed in the human rendering. */
export const COLLAPSE_AT = 400;

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  return value;
}

/** A value as JSON text (the `.raw` and `.save` form); values JSON cannot hold are rendered sensibly. */
export function toJsonText(value: unknown): string {
  if (value === undefined) return 'null';
  return JSON.stringify(value, jsonReplacer, 2) ?? 'null';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function collapseStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string' && value.length > COLLAPSE_AT)
    return `${value.slice(0, COLLAPSE_AT)}… (${value.length - COLLAPSE_AT} more characters; .raw shows all)`;
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => collapseStrings(item, depth + 1));
  if (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = collapseStrings(inner, depth + 1);
    return out;
  }
  return value;
}

function table(value: unknown, columns: number): string | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > 500) return undefined;
  const maxColumns = Math.max(3, Math.floor(columns / 14));
  const rendered = formatTable(value, { maxCellWidth: Math.max(12, Math.floor(columns / 3)), maxColumns });
  return rendered === undefined
    ? undefined
    : `${rendered}\n(${value.length} ${value.length === 1 ? 'row' : 'rows'})`;
}

/**
 * Renders a result for a person: an array of records becomes a table, an object whose members are such arrays
 * becomes one table per member, anything else is inspected with long strings collapsed. With `raw`, JSON.
 * Registered secrets are masked either way.
 */
export function renderValue(value: unknown, options: RenderOptions): string {
  // node's REPL renders uncaught errors with the writer too: SDK errors get their code and hint, not a stack
  if (value instanceof MtsError) return describeError(value).replace(/^error: /, `${value.name}: `);
  return maskSecrets(renderUnmasked(value, options));
}

/** A failure as lines for people: message, stable code and hint for SDK errors; secrets masked. */
export function describeError(error: unknown): string {
  if (error instanceof MtsError) {
    const lines = [`error: ${error.message}`, `  code: ${error.code}`];
    const upstream = (error as { errorcode?: unknown }).errorcode;
    if (upstream !== undefined) lines[1] += ` (Moodle errorcode: ${String(upstream)})`;
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    return maskSecrets(lines.join('\n'));
  }
  // errors thrown by typed code come from the REPL's own context, so instanceof Error does not hold for them
  if (types.isNativeError(error) || error instanceof Error) {
    const { name, message } = error as Error;
    return maskSecrets(`error: ${name}: ${message}`);
  }
  return maskSecrets(`error: thrown ${inspect(error)}`);
}

function renderUnmasked(value: unknown, options: RenderOptions): string {
  const columns = options.columns ?? 100;
  if (options.raw) return toJsonText(value);
  const direct = table(value, columns);
  if (direct !== undefined) return direct;
  if (isRecord(value)) {
    const members = Object.entries(value).map(([key, inner]) => [key, inner, table(inner, columns)] as const);
    if (members.some(([, , innerTable]) => innerTable !== undefined))
      return members
        .map(([key, inner, innerTable]) =>
          innerTable !== undefined ? `${key}:\n${innerTable}` : `${key}: ${inspectValue(inner, options)}`,
        )
        .join('\n');
  }
  return inspectValue(value, options);
}

function inspectValue(value: unknown, options: RenderOptions): string {
  return inspect(collapseStrings(value), {
    depth: 5,
    colors: options.color,
    breakLength: options.columns ?? 100,
    maxArrayLength: 100,
    maxStringLength: COLLAPSE_AT * 2,
  });
}
