import { inspect } from 'node:util';

/** Text styling that respects NO_COLOR and non-TTY output. */
export interface Style {
  enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

/** A {@link Style} that colours only when `enabled`. */
export function createStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}

/** True when colour should be used on a stream: a TTY and no `NO_COLOR` (any value) in the environment. */
export function colorWanted(
  stream: { isTTY?: boolean } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream?.isTTY);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cell(value: unknown, max: number): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  text = text.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Renders an array of records as a text table (columns from the union of keys, long cells collapsed).
 * Returns undefined when the value is not an array of records.
 */
export function formatTable(
  rows: unknown,
  options: { maxCellWidth?: number; maxColumns?: number } = {},
): string | undefined {
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isPlainRecord)) return undefined;
  const maxCell = options.maxCellWidth ?? 40;
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const shown = columns.slice(0, options.maxColumns ?? 12);
  const body = rows.map((row) => shown.map((key) => cell(row[key], maxCell)));
  const widths = shown.map((key, i) =>
    Math.max(key.length, ...body.map((line) => (line[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((text, i) => text.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const out = [line(shown), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  if (shown.length < columns.length)
    out.push(`(${columns.length - shown.length} more columns: ${columns.slice(shown.length).join(', ')})`);
  return out.join('\n');
}

/** Human rendering of any result: a table for record arrays, otherwise an inspected value. */
export function formatHuman(value: unknown, options: { color?: boolean } = {}): string {
  if (typeof value === 'string') return value;
  const table = formatTable(value);
  if (table !== undefined) return table;
  if (
    isPlainRecord(value) &&
    Object.values(value).some((v) => Array.isArray(v) && formatTable(v) !== undefined)
  ) {
    const parts: string[] = [];
    for (const [key, inner] of Object.entries(value)) {
      const innerTable = formatTable(inner);
      parts.push(
        innerTable !== undefined
          ? `${key}:\n${innerTable}`
          : `${key}: ${inspect(inner, { depth: 4, colors: options.color ?? false, breakLength: 100 })}`,
      );
    }
    return parts.join('\n');
  }
  return inspect(value, {
    depth: 6,
    colors: options.color ?? false,
    breakLength: 100,
    maxStringLength: 2000,
    maxArrayLength: 200,
  });
}

/** Bytes as a short human figure (`1.5 MB`). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
