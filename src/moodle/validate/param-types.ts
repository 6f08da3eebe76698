/**
 * Moodle's PARAM_ cleaning of one scalar (core\param::clean) and PHP's rendering of scalars, as the web service
 * layer applies them. Types that depend on the site (lang, theme, auth, capability) are checked for their form only;
 * HTML cleaning (cleanhtml, clean) is approximated.
 */

/** A PHP scalar as the web service layer sees it. */
export type PhpScalar = string | number | boolean | null;

/**
 * PHP's `(string)` and `"{$x}"` of a scalar, as Moodle's messages print values.
 *
 * @example
 * ```ts
 * phpString(true); // '1'
 * phpString(1e25); // '1.0E+25'
 * ```
 */
export function phpString(value: PhpScalar): string {
  if (value === null || value === false) return '';
  if (value === true) return '1';
  if (typeof value === 'number') return phpNumberString(value);
  return value;
}

/** PHP's rendering of an int or float (precision 14, `1.0E+25` style exponents, `INF`, `NAN`). */
function phpNumberString(n: number): string {
  if (Number.isNaN(n)) return 'NAN';
  if (!Number.isFinite(n)) return n > 0 ? 'INF' : '-INF';
  // A safe integer is a PHP int; anything else is a float, printed with precision 14 (%.14G).
  if (Number.isSafeInteger(n)) return String(n);
  const [mantissa, exp] = n.toExponential(13).split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 14) {
    let m = mantissa.replace(/\.?0+$/, '');
    if (!m.includes('.')) m += '.0';
    return `${m}E${e < 0 ? '-' : '+'}${Math.abs(e)}`;
  }
  return String(Number(n.toPrecision(14)));
}

/**
 * Types whose cleaning is reproduced exactly enough to refuse a value before sending it.
 * @internal
 */
export const CLIENT_CHECKED_TYPES = new Set([
  'alpha',
  'alphaext',
  'alphanum',
  'alphanumext',
  'sequence',
  'safedir',
  'safepath',
  'raw',
  'raw_trimmed',
  'notags',
  'text',
  'username',
  'component',
  'area',
  'plugin',
  'stringid',
  'timezone',
  'file',
  'path',
  'tag',
]);

/**
 * PHP's `(string)(int)$s === $s`: a canonical decimal integer within 64 bits (what PARAM_INT accepts as text).
 *
 * @example
 * ```ts
 * isPhpIntString('42'); // true
 * isPhpIntString('042'); // false
 * ```
 */
export function isPhpIntString(s: string): boolean {
  if (!/^(0|-?[1-9]\d{0,18})$/.test(s)) return false;
  const n = BigInt(s);
  return n <= 9223372036854775807n && n >= -9223372036854775808n;
}

/**
 * What validate_param accepts for PARAM_FLOAT from text: is_numeric and Moodle's pattern (no spaces, no hex).
 *
 * @example
 * ```ts
 * isPhpFloatString('1.5e3'); // true
 * isPhpFloatString(' 1.5'); // false
 * ```
 */
export function isPhpFloatString(s: string): boolean {
  return /^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$/i.test(s) && /^[+-]?(\d+\.?\d*|\.\d+)/.test(s);
}

/** PHP's `(int)` of a scalar (leading numeric prefix, saturating). */
function phpInt(value: PhpScalar): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 0;
  const m = /^[ \t\n\r\v\f]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/.exec(value);
  if (!m) return 0;
  const n = Number(m[1]);
  return Math.trunc(Math.max(Math.min(n, 2 ** 63), -(2 ** 63)));
}

function phpFloat(value: PhpScalar): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 0;
  const m = /^[ \t\n\r\v\f]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/.exec(value);
  return m ? Number(m[1]) : 0;
}

/** PHP's strip_tags: removes tags (and comments), keeping `allowed` tag names; `<` before a space stays. */
function stripTags(input: string, allowed: readonly string[] = []): string {
  if (!input.includes('<')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c !== '<' || (allowed.length === 0 && /\s/.test(input[i + 1] ?? 'x'))) {
      out += c;
      i++;
      continue;
    }
    if (input.startsWith('<!--', i)) {
      const end = input.indexOf('-->', i + 4);
      i = end === -1 ? input.length : end + 3;
      continue;
    }
    let j = i + 1;
    let quote = '';
    let depth = 1;
    for (; j < input.length; j++) {
      const d = input[j] as string;
      if (quote) {
        if (d === quote) quote = '';
      } else if (d === '"' || d === "'") quote = d;
      else if (d === '<') depth++;
      else if (d === '>' && --depth === 0) break;
    }
    const tag = input.slice(i, j + 1);
    const name = /^<\/?\s*([a-zA-Z0-9]+)/.exec(tag)?.[1]?.toLowerCase();
    if (j < input.length && name && allowed.includes(name)) out += tag;
    i = j + 1;
  }
  return out;
}

function cleanText(s: string): string {
  if (!s.includes('<')) return s;
  for (const [closing, tag, pattern] of [
    ['</lang>', 'lang', /^<lang lang="[a-zA-Z0-9_-]+"\s*>$/u],
    ['</span>', 'span', /^<span(\s+lang="[a-zA-Z0-9_-]+"|\s+class="multilang"){2}\s*>$/u],
  ] as const) {
    if (!s.includes(closing)) continue;
    const kept = stripTags(s, [tag]);
    let open = false;
    let valid = true;
    for (const match of kept.match(/<.*?>/gsu) ?? []) {
      if (match === closing) {
        if (!open) valid = false;
        open = false;
      } else if (pattern.test(match) && !open) open = true;
      else valid = false;
      if (!valid) break;
    }
    if (valid && !open) return kept;
    return stripTags(s);
  }
  return stripTags(s);
}

function isValidPluginName(s: string): boolean {
  return /^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$/.test(s);
}

function cleanComponent(s: string): string {
  if (!/^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$/.test(s) || s.includes('__')) return '';
  if (s.startsWith('mod_') && s.split('_').length !== 2) return '';
  return s;
}

function cleanFile(s: string): string {
  const out = s.replace(/[\u0000-\u001f\u007f&<>"`|':\\/]/gu, '');
  return out === '.' || out === '..' ? '' : out;
}

function cleanPath(s: string): string {
  const crumbs = s
    .replace(/\\/g, '/')
    .split('/')
    .map((c, i) => (c === '.' && i === 0 ? c : cleanFile(c)));
  return crumbs
    .join('/')
    .replace(/\/\/+/g, '/')
    .replace(/\/(\.\/)+/g, '/');
}

function cleanUrl(s: string): string {
  if (s === '') return '';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s)?.[1]?.toLowerCase();
  if (scheme && !['http', 'https', 'ftp', 'mailto', 'news', 'file'].includes(scheme)) return '';
  if (/[\s<>"`{}|\\^]/.test(s) || /^[a-z]+:\/\/[^/?#]*@/i.test(s)) return '';
  return s;
}

const CLEANERS: Record<string, (s: string, raw: PhpScalar) => PhpScalar> = {
  raw: (_s, raw) => raw,
  raw_trimmed: (s) => s.trim(),
  clean: (s, raw) => (typeof raw === 'number' ? raw : cleanHtmlish(s)),
  cleanhtml: (s) => cleanHtmlish(s).trim(),
  int: (_s, raw) => phpInt(raw),
  integer: (_s, raw) => phpInt(raw),
  float: (_s, raw) => phpFloat(raw),
  number: (_s, raw) => phpFloat(raw),
  bool: (s, raw) => {
    const lower = s.toLowerCase();
    if (lower === 'on' || lower === 'yes' || lower === 'true') return 1;
    if (lower === 'off' || lower === 'no' || lower === 'false') return 0;
    return raw === '' || raw === '0' || raw === 0 || raw === false || raw === null ? 0 : 1;
  },
  alpha: (s) => s.replace(/[^a-zA-Z]/g, ''),
  alphaext: (s) => s.replace(/[^a-zA-Z_-]/g, ''),
  alphanum: (s) => s.replace(/[^A-Za-z0-9]/g, ''),
  alphanumext: (s) => s.replace(/[^A-Za-z0-9_-]/g, ''),
  action: (s) => s.replace(/[^A-Za-z0-9_-]/g, ''),
  format: (s) => s.replace(/[^A-Za-z0-9_-]/g, ''),
  sequence: (s) => s.replace(/[^0-9,]/g, ''),
  safedir: (s) => s.replace(/[^a-zA-Z0-9_-]/g, ''),
  safepath: (s) => s.replace(/[^a-zA-Z0-9/_-]/g, ''),
  notags: (s) => stripTags(s),
  text: (s) => cleanText(s),
  multilang: (s) => cleanText(s),
  component: (s) => cleanComponent(s),
  area: (s) => (isValidPluginName(s) ? s : ''),
  plugin: (s) => (isValidPluginName(s) ? s : ''),
  auth: (s) => (isValidPluginName(s) ? s : ''),
  theme: (s) => (isValidPluginName(s) ? s : ''),
  lang: (s) => s.replace(/[^a-zA-Z0-9_-]/g, ''),
  capability: (s) => (/^[a-z0-9_]+\/[a-z0-9_]+:[a-z0-9_]+$/.test(s) ? s : ''),
  file: (s) => cleanFile(s),
  cleanfile: (s) => cleanFile(s),
  path: (s) => cleanPath(s),
  url: (s) => cleanUrl(s),
  localurl: (s) => cleanUrl(s),
  tag: (s) =>
    [
      ...s
        .replace(/[\u0000-\u001f\u007f<>`]/gu, '')
        .replace(/\s+/gu, ' ')
        .trim(),
    ]
      .slice(0, 50)
      .join(''),
  username: (s) =>
    s
      .trim()
      .toLowerCase()
      .replace(/ /g, '')
      .replace(/[^-.@_a-z0-9]/g, ''),
  email: (s) => (/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s) ? s : ''),
  stringid: (s) => (/^[a-zA-Z][a-zA-Z0-9.:/_-]*$/.test(s) ? s : ''),
  timezone: (s) =>
    /^(([+-]?(0?[0-9](\.[5|0])?|1[0-3](\.0)?|1[0-2]\.5))|(99)|[a-zA-Z0-9]+(\/?[a-zA-Z_-])+)$/.test(s)
      ? s
      : '',
};

/** A rough stand-in for HTML Purifier: scripts, event handlers and javascript: URLs are removed. */
function cleanHtmlish(s: string): string {
  return s
    .replace(/<(script|style|iframe|object|embed)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/javascript:/gi, '');
}

/**
 * core\param::clean() of one scalar for a PARAM_ type (unknown types are left as they are, like raw). Moodle refuses
 * a parameter whose cleaned text differs from what was sent.
 *
 * @example
 * ```ts
 * cleanScalar('alphanum', 'ab-1'); // 'ab1'
 * cleanScalar('int', '7'); // 7
 * ```
 */
export function cleanScalar(type: string, value: PhpScalar): PhpScalar {
  const cleaner = CLEANERS[type] ?? CLEANERS.raw;
  return (cleaner as (s: string, raw: PhpScalar) => PhpScalar)(phpString(value), value);
}
