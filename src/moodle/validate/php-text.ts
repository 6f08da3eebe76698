/**
 * The PHP and Moodle text functions that PARAM_ cleaning is built from, as Moodle 4.5 runs them: PHP's string
 * conversions, `strip_tags`, `fix_utf8`, Moodle's `validateUrlSyntax` and `validate_email` (PHP's
 * FILTER_VALIDATE_EMAIL), and what HTML Purifier does to a text when that can be known.
 */

/** A PHP scalar as the web service layer sees it. */
export type PhpScalar = string | number | boolean | null;

/**
 * PHP's `(string)` of a scalar, as Moodle compares and prints values.
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
  if (s.length < 19) return true;
  const n = BigInt(s);
  return n <= 9223372036854775807n && n >= -9223372036854775808n;
}

/**
 * What validate_param accepts for PARAM_FLOAT from text: PHP's is_numeric and Moodle's pattern (no spaces, no hex).
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

/** The leading number of a PHP numeric string (`(int)` and `(float)` read only that much). */
const NUMERIC_PREFIX = /^[ \t\n\r\v\f]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/;

/** PHP's `(int)` of a scalar (leading numeric prefix, saturating). */
export function phpInt(value: PhpScalar): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 0;
  const m = NUMERIC_PREFIX.exec(value);
  if (!m) return 0;
  return Math.trunc(Math.max(Math.min(Number(m[1]), 2 ** 63), -(2 ** 63)));
}

/** PHP's `(float)` of a scalar. */
export function phpFloat(value: PhpScalar): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 0;
  const m = NUMERIC_PREFIX.exec(value);
  return m ? Number(m[1]) : 0;
}

/** PHP's is_numeric: optional surrounding whitespace, decimal or exponent notation, no hex. */
export function isPhpNumeric(value: PhpScalar): boolean {
  if (typeof value === 'number') return true;
  if (typeof value !== 'string') return false;
  return /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/.test(value);
}

/** PHP's empty() of a scalar. */
export function phpEmpty(value: PhpScalar): boolean {
  return value === null || value === false || value === 0 || value === '' || value === '0';
}

/** PHP's trim(): spaces, tabs, line breaks, NUL and vertical tab at both ends. */
export function phpTrim(s: string): string {
  return s.replace(/^[ \t\n\r\0\v]+|[ \t\n\r\0\v]+$/g, '');
}

/**
 * Moodle's fix_utf8 of a string: NUL bytes and the non-characters U+FFFE and U+FFFF are removed, and so are
 * invalid sequences (in a JS string: lone surrogates).
 */
export function fixUtf8(s: string): string {
  if (!/[\0\uFFFE\uFFFF\uD800-\uDFFF]/.test(s)) return s;
  return s.replace(
    /[\0\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '',
  );
}

/**
 * PHP's strip_tags: removes tags and comments, keeping `allowed` tag names; without allowed tags, a `<` before
 * white space is text.
 */
export function stripTags(input: string, allowed: readonly string[] = []): string {
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

/** The characters validateUrlSyntax allows, as Moodle's lib/validateurlsyntax.php names them. */
const UNRESERVED = "[a-zA-Z0-9_.!~*'()-]";
const ESCAPED = '(%[0-9a-fA-F]{2})';
const RESERVED = '[;/?:@&=+$,]';
const IP_ADDRESS =
  '((((2(([0-4][0-9])|(5[0-5])))|([01]?[0-9]?[0-9]))\\.){3}((2(([0-4][0-9])|(5[0-5])))|([01]?[0-9]?[0-9])))';
const DOMAIN = '([a-zA-Z0-9](([a-zA-Z0-9-]{0,62})[a-zA-Z0-9])?\\.)*([a-zA-Z](([a-zA-Z0-9-]*)[a-zA-Z0-9])?)';
const PORT = '(:(([0-5]?[0-9]{1,4})|(6[0-4][0-9]{3})|(65[0-4][0-9]{2})|(655[0-2][0-9])|(6553[0-5])))';
const PATH = `(/((;)?(${UNRESERVED}|${ESCAPED}|[:@&=+$,])+(/)?)*)`;
const QUERY = `(\\?(${RESERVED}|${UNRESERVED}|${ESCAPED})*)`;
const FRAGMENT = `(#(${RESERVED}|${UNRESERVED}|${ESCAPED})*)`;

/**
 * validateUrlSyntax($url, 's?H?S?F?E-u-P-a?I?p?f?q?r?'), PARAM_URL's test: an optional http, https or ftp
 * scheme, no user or password, an optional IPv4 address or domain, then port, path, query and fragment, each
 * optional, all in URI characters (case-insensitive, as Moodle runs it).
 */
const URL_SYNTAX = new RegExp(
  `^((http://)|(https://)|(ftp://))?((${IP_ADDRESS})|(${DOMAIN}))?${PORT}?${PATH}?${QUERY}?${FRAGMENT}?$`,
  'i',
);

/** validateUrlSyntax('/' . $url, 's-u-P-a-p-f+q?r?'): a path, then an optional query and fragment. */
const RELATIVE_URL_SYNTAX = new RegExp(`^${PATH}${QUERY}?${FRAGMENT}?$`, 'i');

/** PARAM_URL: the URL when validateUrlSyntax accepts it, else ''. */
export function cleanUrl(s: string): string {
  const url = fixUtf8(s);
  return !phpEmpty(url) && URL_SYNTAX.test(url) ? url : '';
}

/**
 * PARAM_LOCALURL: a URL of the site itself (its wwwroot, under it, root-relative, or a harmless relative one).
 * Without the wwwroot, an absolute URL that PARAM_URL accepts is taken as the site's.
 */
export function cleanLocalUrl(s: string, wwwroot: string | undefined): string {
  const url = cleanUrl(s);
  if (url === '') return '';
  if (wwwroot === undefined || url === wwwroot || url.startsWith('/')) return url;
  if (url.toLowerCase().startsWith(`${wwwroot.toLowerCase()}/`)) return url;
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // rawurldecode leaves a broken escape as it is.
  }
  return RELATIVE_URL_SYNTAX.test(`/${url}`) && !/\bjavascript\b[\s\S]*?(?::|\/)/i.test(decoded) ? url : '';
}

/**
 * PHP's FILTER_VALIDATE_EMAIL (without FILTER_FLAG_EMAIL_UNICODE), the test PHPMailer's default validator runs.
 * The expression is PHP's own (ext/filter/logical_filters.c), applied to the address's bytes.
 */
const FILTER_VALIDATE_EMAIL =
  /^(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){255,})(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){65,}@)(?:(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)|(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22))(?:\.(?:(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)|(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22)))*@(?:(?:(?!.*[^.]{64,})(?:(?:(?:xn--)?[a-z0-9]+(?:-+[a-z0-9]+)*\.){1,126}){1,}(?:(?:[a-z][a-z0-9]*)|(?:(?:xn--)[a-z0-9]+))(?:-+[a-z0-9]+)*)|(?:\[(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){7})|(?:(?!(?:.*[a-f0-9][:\]]){7,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?::(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?)))|(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){5}:)|(?:(?!(?:.*[a-f0-9]:){5,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3})?::(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3}:)?)))?(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))(?:\.(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))){3}))\]))$/i;

/**
 * Moodle's validate_email: PHPMailer's validateAddress (no line breaks, then FILTER_VALIDATE_EMAIL, at most 320
 * bytes) and no `<` or `>`.
 *
 * @example
 * ```ts
 * isValidEmail('ann@example.org'); // true
 * isValidEmail('ann@localhost'); // false: PHP wants a dotted, routable domain
 * ```
 */
export function isValidEmail(address: string): boolean {
  if (address === '' || /[\n\r<>]/.test(address)) return false;
  if (Buffer.byteLength(address) > 320) return false;
  return FILTER_VALIDATE_EMAIL.test(address);
}

/** core_component::is_valid_plugin_name for a non-module type: PARAM_PLUGIN and PARAM_AREA. */
export function isValidPluginName(s: string): boolean {
  return /^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$/.test(s);
}

/** Tags HTML Purifier keeps as they are when written plainly (no attributes), with whether they are void. */
const PLAIN_TAGS: Record<string, boolean> = Object.fromEntries(
  [
    'a abbr acronym address b bdo big blockquote caption center cite code dd del dfn div dl dt em font h1 h2 h3',
    'h4 h5 h6 i ins kbd li ol p pre q s samp small span strike strong sub sup table tbody td tfoot th thead tr',
    'tt u ul var',
  ]
    .join(' ')
    .split(' ')
    .map((name) => [name, false]),
);

/** Elements HTML Purifier always removes, with their content for the first few. */
const REMOVED_TAGS =
  /<\s*\/?\s*(script|style|iframe|frame|frameset|object|embed|applet|form|input|button|select|textarea|meta|link|base|html|head|body|title)\b/i;

/** What HTML Purifier does to a text: leaves it, changes it, or cannot be told without running it. */
export type PurifierOutcome = 'unchanged' | 'changed' | 'unknown';

/**
 * Whether Moodle's clean_text (HTML Purifier, run only when is_purify_html_necessary says so) would change a
 * text. Certain changes: removed elements and event handlers, `javascript:` links, a bare `&`, `<` or `>` (escaped),
 * unclosed or misnested tags (closed), `<br>` (written `<br />`). Plain text and plainly written common tags are
 * kept. Anything else (attributes, other entities) is 'unknown': only the site can tell.
 */
export function purifierOutcome(text: string): PurifierOutcome {
  if (!purifyNecessary(text)) return 'unchanged';
  if (REMOVED_TAGS.test(text) || /\son[a-z]+\s*=/i.test(text) || /javascript\s*:/i.test(text))
    return 'changed';
  const open: string[] = [];
  let unknown = false;
  const token =
    /<!--[\s\S]*?-->|<\/?([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|[<>&]/g;
  for (const match of text.matchAll(token)) {
    const [whole, name, rest] = match;
    if (whole === '<' || whole === '>' || whole === '&') return 'changed';
    if (whole.startsWith('<!--')) return 'changed';
    if (whole.startsWith('&')) {
      if (!['&amp;', '&lt;', '&gt;', '&quot;'].includes(whole)) unknown = true;
      continue;
    }
    const tag = (name as string).toLowerCase();
    if (tag === 'br' || tag === 'hr' || tag === 'img') {
      if (whole.toLowerCase() === `<${tag} />` && tag !== 'img') continue;
      if ((rest ?? '').trim() === '' || (rest ?? '').trim() === '/') return 'changed';
      unknown = true;
      continue;
    }
    if (!(tag in PLAIN_TAGS)) {
      unknown = true;
      continue;
    }
    if (whole.startsWith('</')) {
      if (open.pop() !== tag) return 'changed';
    } else {
      if ((rest ?? '').trim() !== '') unknown = true;
      open.push(tag);
    }
  }
  if (open.length > 0) return 'changed';
  return unknown ? 'unknown' : 'unchanged';
}

/** Moodle's is_purify_html_necessary: false for text HTML Purifier would certainly leave alone. */
function purifyNecessary(text: string): boolean {
  if (text === '' || text === String(phpInt(text))) return false;
  if (text.includes('&') || /<[^pesb/]/.test(text)) return true;
  let altered = text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (altered === text) return false;
  altered = altered.replace(/&lt;p&gt;(.*?)&lt;\/p&gt;/g, '<p>$1</p>');
  if (altered === text) return false;
  altered = altered.replace(/&lt;em&gt;([^<>]+?)&lt;\/em&gt;/g, '<em>$1</em>');
  if (altered === text) return false;
  altered = altered.replace(/&lt;strong&gt;([^<>]+?)&lt;\/strong&gt;/g, '<strong>$1</strong>');
  if (altered === text) return false;
  return altered.replaceAll('&lt;br /&gt;', '<br />') !== text;
}
