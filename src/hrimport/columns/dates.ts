/**
 * Dates as HR Import reads them: the site's CSV date format (PHP `date()` letters such as `d/m/Y`) parsed strictly,
 * or else a Unix timestamp.
 */

const TOKENS: Record<
  string,
  { pattern: string; part: 'day' | 'month' | 'year' | 'year2' | 'hour' | 'minute' | 'second' }
> = {
  d: { pattern: '(\\d{2})', part: 'day' },
  j: { pattern: '(\\d{1,2})', part: 'day' },
  m: { pattern: '(\\d{2})', part: 'month' },
  n: { pattern: '(\\d{1,2})', part: 'month' },
  Y: { pattern: '(\\d{4})', part: 'year' },
  y: { pattern: '(\\d{2})', part: 'year2' },
  H: { pattern: '(\\d{2})', part: 'hour' },
  G: { pattern: '(\\d{1,2})', part: 'hour' },
  i: { pattern: '(\\d{2})', part: 'minute' },
  s: { pattern: '(\\d{2})', part: 'second' },
};

interface CompiledFormat {
  regex: RegExp;
  parts: Array<(typeof TOKENS)[string]['part']>;
}

const cache = new Map<string, CompiledFormat>();

function compile(format: string): CompiledFormat {
  const known = cache.get(format);
  if (known) return known;
  let source = '^';
  const parts: CompiledFormat['parts'] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    const token = TOKENS[ch];
    if (ch === '\\' && i + 1 < format.length) {
      source += (format[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (token) {
      source += token.pattern;
      parts.push(token.part);
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  const compiled = { regex: new RegExp(`${source}$`), parts };
  cache.set(format, compiled);
  return compiled;
}

/**
 * Parses `text` in the PHP date `format`, strictly (31/02 is refused). Returns the UTC Unix time in seconds, or
 * undefined when the text does not match.
 *
 * @example
 * ```ts
 * parseFormattedDate('21/03/2024', 'd/m/Y'); // 1710979200
 * ```
 */
export function parseFormattedDate(text: string, format: string): number | undefined {
  const { regex, parts } = compile(format);
  const match = regex.exec(text.trim());
  if (!match) return undefined;
  const v = { day: 1, month: 1, year: 1970, hour: 0, minute: 0, second: 0 };
  parts.forEach((part, index) => {
    const n = Number(match[index + 1]);
    if (part === 'year2') v.year = n < 70 ? 2000 + n : 1900 + n;
    else v[part] = n;
  });
  if (v.month < 1 || v.month > 12 || v.day < 1 || v.hour > 23 || v.minute > 59 || v.second > 59)
    return undefined;
  const ms = Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second);
  const check = new Date(ms);
  if (check.getUTCDate() !== v.day || check.getUTCMonth() !== v.month - 1) return undefined;
  return ms / 1000;
}

/** Formats a Unix time (seconds, UTC) in a PHP date format; used for templates and examples. */
export function formatDate(seconds: number, format: string): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const values: Record<string, string> = {
    d: pad(d.getUTCDate()),
    j: String(d.getUTCDate()),
    m: pad(d.getUTCMonth() + 1),
    n: String(d.getUTCMonth() + 1),
    Y: String(d.getUTCFullYear()),
    y: pad(d.getUTCFullYear() % 100),
    H: pad(d.getUTCHours()),
    G: String(d.getUTCHours()),
    i: pad(d.getUTCMinutes()),
    s: pad(d.getUTCSeconds()),
  };
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch === '\\' && i + 1 < format.length) out += format[++i];
    else out += values[ch] ?? ch;
  }
  return out;
}

/** Unix time as Totara accepts it when the date format does not match (digits, optionally signed). */
export const UNIX_TIME = /^-?\d+$/;

/**
 * Reads an HR Import date cell: empty → undefined (no date), the configured format, or Unix time. Returns null for
 * a value Totara would not understand.
 */
export function parseHrImportDate(text: string, format: string): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const parsed = parseFormattedDate(trimmed, format);
  if (parsed !== undefined) return parsed;
  if (UNIX_TIME.test(trimmed)) return Number(trimmed);
  return null;
}
