/**
 * Moodle's PARAM_ types: clean_param (core\param::clean in Moodle 4.5) for each, and validate_param, the rule the
 * web service layer applies to every scalar parameter: the value must survive its cleaning unchanged (floats: any
 * plain numeric text). The client asks it before sending; the sandbox answers with it.
 */
import {
  cleanLocalUrl,
  cleanUrl,
  fixUtf8,
  isPhpFloatString,
  isPhpIntString,
  isPhpNumeric,
  isValidEmail,
  isValidPluginName,
  type PhpScalar,
  phpEmpty,
  phpFloat,
  phpInt,
  phpString,
  phpTrim,
  purifierOutcome,
  stripTags,
} from './php-text.js';

/**
 * What some PARAM_ types check against the site itself: its wwwroot (PARAM_LOCALURL), installed languages
 * (PARAM_LANG), capabilities (PARAM_CAPABILITY), auth plugins (PARAM_AUTH) and themes (PARAM_THEME). A part left
 * out is unknown, and every well-formed value passes it: only the site can say more.
 */
export interface ParamSite {
  wwwroot?: string | undefined;
  languages?: ReadonlySet<string> | undefined;
  capabilities?: ReadonlySet<string> | undefined;
  authPlugins?: ReadonlySet<string> | undefined;
  themes?: ReadonlySet<string> | undefined;
}

type Cleaner = (s: string, raw: PhpScalar, site: ParamSite) => PhpScalar;

/** The deprecated names core\param still maps to their replacements. */
const ALIASES: Record<string, string> = {
  integer: 'int',
  number: 'float',
  action: 'alphanumext',
  format: 'alphanumext',
  multilang: 'text',
  cleanfile: 'file',
};

const known = (set: ReadonlySet<string> | undefined, value: string) => set === undefined || set.has(value);

function cleanText(param: string): string {
  for (const [closing, tag, pattern] of [
    ['</lang>', 'lang', /^<lang lang="[a-zA-Z0-9_-]+"\s*>$/u],
    ['</span>', 'span', /^<span(\s+lang="[a-zA-Z0-9_-]+"|\s+class="multilang"){2}\s*>$/u],
  ] as const) {
    if (!param.includes(closing)) continue;
    const kept = stripTags(param, [tag]);
    const matches = kept.match(/<.*?>/gsu);
    if (!matches) break;
    let open = false;
    let valid = true;
    for (const match of matches) {
      if (match === closing) {
        if (!open) valid = false;
        open = false;
      } else if (pattern.test(match)) open = true;
      else valid = false;
      if (!valid) break;
    }
    if (valid && !open) return kept;
    break;
  }
  return stripTags(param);
}

function cleanComponent(s: string): string {
  if (!/^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$/.test(s) || s.includes('__')) return '';
  if (s.startsWith('mod_') && s.split('_').length !== 2) return '';
  return s;
}

function cleanFile(s: string): string {
  const out = fixUtf8(s).replace(/[\u0000-\u001f\u007f&<>"`|':\\/]/gu, '');
  return out === '.' || out === '..' ? '' : out;
}

function cleanPath(s: string): string {
  const crumbs = fixUtf8(s)
    .replace(/\\/g, '/')
    .split('/')
    .map((crumb, i) => (crumb === '.' && i === 0 ? crumb : cleanFile(crumb)));
  return crumbs
    .join('/')
    .replace(/\/\/+/g, '/')
    .replace(/\/(\.\/)+/g, '/');
}

/** HTML Purifier's effect, as far as it is known: a certain change is shown as the dangerous parts removed. */
function cleanHtml(s: string): string {
  if (purifierOutcome(s) !== 'changed') return s;
  const removed = s
    .replace(/<(script|style|iframe|object|embed)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/javascript\s*:/gi, '');
  return removed === s ? `${s}\u0000` : removed;
}

function cleanBase64(s: string): string {
  if (phpEmpty(s) || !/^[\s\w/+=]+$/.test(phpTrim(s))) return '';
  const lines = s.split(/\s+/).filter((line) => line !== '');
  for (let i = 0; i < lines.length; i++) {
    const length = (lines[i] as string).length;
    if (i + 1 === lines.length ? length > 64 : length !== 64) return '';
  }
  return lines.join('\n');
}

const CLEANERS: Record<string, Cleaner> = {
  raw: (_s, raw) => (typeof raw === 'string' ? fixUtf8(raw) : raw),
  raw_trimmed: (s) => phpTrim(fixUtf8(s)),
  clean: (s, raw) => (isPhpNumeric(raw) ? raw : cleanHtml(fixUtf8(s))),
  cleanhtml: (s) => phpTrim(cleanHtml(fixUtf8(s))),
  int: (_s, raw) => phpInt(raw),
  float: (_s, raw) => phpFloat(raw),
  alpha: (s) => s.replace(/[^a-zA-Z]/g, ''),
  alphaext: (s) => s.replace(/[^a-zA-Z_-]/g, ''),
  alphanum: (s) => s.replace(/[^A-Za-z0-9]/g, ''),
  alphanumext: (s) => s.replace(/[^A-Za-z0-9_-]/g, ''),
  sequence: (s) => s.replace(/[^0-9,]/g, ''),
  bool: (s, raw) => {
    const lower = s.toLowerCase();
    if (lower === 'on' || lower === 'yes' || lower === 'true') return 1;
    if (lower === 'off' || lower === 'no' || lower === 'false') return 0;
    return phpEmpty(raw) ? 0 : 1;
  },
  notags: (s) => stripTags(fixUtf8(s)),
  text: (s) => cleanText(fixUtf8(s)),
  component: (s) => cleanComponent(s),
  plugin: (s) => (isValidPluginName(s) ? s : ''),
  area: (s) => (isValidPluginName(s) ? s : ''),
  safedir: (s) => s.replace(/[^a-zA-Z0-9_-]/g, ''),
  safepath: (s) => s.replace(/[^a-zA-Z0-9/_-]/g, ''),
  file: (s) => cleanFile(s),
  path: (s) => cleanPath(s),
  host: (s) =>
    /^(\d{1,3}\.){3}\d{1,3}$/.test(s)
      ? s.split('.').every((part) => Number(part) <= 255)
        ? s
        : ''
      : /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(s)
        ? s
        : '',
  url: (s) => cleanUrl(s),
  localurl: (s, _raw, site) => cleanLocalUrl(s, site.wwwroot),
  pem: (s) => {
    const match = /^-----BEGIN CERTIFICATE-----([\s\w/+=]+)-----END CERTIFICATE-----$/.exec(phpTrim(s));
    const body = match ? cleanBase64(match[1] as string) : '';
    return body ? `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n` : '';
  },
  base64: (s) => cleanBase64(s),
  tag: (s) =>
    [
      ...phpTrim(
        fixUtf8(s)
          .replace(/[\u0000-\u001f\u007f<>`]/gu, '')
          .replace(/\s+/gu, ' '),
      ),
    ]
      .slice(0, 50)
      .join(''),
  taglist: (s) =>
    fixUtf8(s)
      .split(',')
      .map((tag) => CLEANERS.tag?.(tag, tag, {}) as string)
      .filter((tag) => tag !== '')
      .join(','),
  capability: (s, _raw, site) =>
    /^[a-z0-9_]+\/[a-z0-9_]+:[a-z0-9_]+$/.test(s) && known(site.capabilities, s) ? s : '',
  permission: (_s, raw) => {
    const n = phpInt(raw);
    return [0, 1, -1, -1000].includes(n) ? n : 0;
  },
  auth: (s, _raw, site) => (isValidPluginName(s) && known(site.authPlugins, s) ? s : ''),
  lang: (s, _raw, site) => {
    const safe = s.replace(/[^a-zA-Z0-9_-]/g, '');
    return safe !== '' && known(site.languages, safe) ? safe : '';
  },
  theme: (s, _raw, site) => (isValidPluginName(s) && known(site.themes, s) ? s : ''),
  username: (s) =>
    phpTrim(fixUtf8(s))
      .toLowerCase()
      .replace(/ /g, '')
      .replace(/[^-.@_a-z0-9]/g, ''),
  email: (s) => {
    const address = fixUtf8(s);
    return isValidEmail(address) ? address : '';
  },
  stringid: (s) => (/^[a-zA-Z][a-zA-Z0-9.:/_-]*$/.test(s) ? s : ''),
  timezone: (s) => {
    const zone = fixUtf8(s);
    return /^(([+-]?(0?[0-9](\.[5|0])?|1[0-3](\.0)?|1[0-2]\.5))|(99)|[a-zA-Z0-9]+(\/?[a-zA-Z_-])+)$/.test(
      zone,
    )
      ? zone
      : '';
  },
};

/** Every PARAM_ type name Moodle knows, aliases included, with its canonical name. */
const CANONICAL = new Map<string, string>([
  ...Object.keys(CLEANERS).map((name): [string, string] => [name, name]),
  ...Object.entries(ALIASES),
]);

/** The canonical PARAM_ type of a name, or undefined for a type Moodle does not know. */
function canonical(type: string): string | undefined {
  return CANONICAL.get(type);
}

/**
 * Texts that a type's cleaning certainly leaves as they are, recognised without cleaning them: the usual value
 * passes in one test (anything else is cleaned and compared).
 */
const UNCHANGED: Record<string, (s: string) => boolean> = {
  raw: (s) => !/[\0\uFFFE\uFFFF\uD800-\uDFFF]/.test(s),
  raw_trimmed: (s) =>
    /^[^\s\0\uFFFE\uFFFF\uD800-\uDFFF](?:[^\0\uFFFE\uFFFF\uD800-\uDFFF]*[^\s\0\uFFFE\uFFFF\uD800-\uDFFF])?$|^$/.test(
      s,
    ),
  alpha: (s) => /^[a-zA-Z]*$/.test(s),
  alphaext: (s) => /^[a-zA-Z_-]*$/.test(s),
  alphanum: (s) => /^[A-Za-z0-9]*$/.test(s),
  alphanumext: (s) => /^[A-Za-z0-9_-]*$/.test(s),
  notags: (s) => !/[<\0\uFFFE\uFFFF\uD800-\uDFFF]/.test(s),
  text: (s) => !/[<\0\uFFFE\uFFFF\uD800-\uDFFF]/.test(s),
  username: (s) => /^[-.@_a-z0-9]*$/.test(s),
};

/**
 * clean_param() of one scalar for a PARAM_ type, as Moodle 4.5 runs it (a type Moodle does not know is left as it
 * is). Types that look the value up on the site use `site`; what it leaves out passes any well-formed value.
 *
 * @example
 * ```ts
 * cleanParam('alphanum', 'ab-1'); // 'ab1'
 * cleanParam('int', '7'); // 7
 * cleanParam('lang', 'fr', { languages: new Set(['en']) }); // ''
 * ```
 */
export function cleanParam(type: string, value: PhpScalar, site: ParamSite = {}): PhpScalar {
  const name = canonical(type);
  if (name === undefined) return value;
  return (CLEANERS[name] as Cleaner)(phpString(value), value, site);
}

/**
 * Whether validate_param() accepts a value, without building its cleaned form (what the client asks of every
 * scalar it sends).
 */
export function paramAccepts(
  value: PhpScalar,
  type: string,
  allownull: boolean,
  site: ParamSite = {},
): boolean {
  if (typeof value === 'string') {
    if (type === 'int') return isPhpIntString(value);
    if (type === 'bool' && (value === '0' || value === '1')) return true;
    if (UNCHANGED[type]?.(value)) return true;
  }
  return validateParam(value, type, allownull, site).ok;
}

/** validate_param's verdict: the cleaned value, or a refusal. */
export type ParamVerdict = { ok: true; value: PhpScalar } | { ok: false };

/**
 * validate_param(): null is refused unless allowed; otherwise the value must survive cleaning unchanged as text,
 * except floats, which take any plain numeric text (or any number). PARAM_BOOL also takes `0`/`1`/`true`/`false`
 * as they are, as validate_parameters does before calling it.
 *
 * @example
 * ```ts
 * validateParam('12', 'int', false); // { ok: true, value: 12 }
 * validateParam('012', 'int', false); // { ok: false }
 * ```
 */
export function validateParam(
  value: PhpScalar,
  type: string,
  allownull: boolean,
  site: ParamSite = {},
): ParamVerdict {
  if (value === null) return allownull ? { ok: true, value: null } : { ok: false };
  if (typeof value === 'string') {
    if (type === 'int' && isPhpIntString(value)) return { ok: true, value: Number(value) };
    if (UNCHANGED[type]?.(value)) return { ok: true, value };
  }
  if (
    type === 'bool' &&
    (typeof value === 'boolean' || value === 0 || value === 1 || value === '0' || value === '1')
  )
    return { ok: true, value: value === true || value === 1 || value === '1' };
  const cleaned = cleanParam(type, value, site);
  if (canonical(type) === 'float') {
    if (typeof value === 'number' || (typeof value === 'string' && isPhpFloatString(value)))
      return { ok: true, value: cleaned };
    return { ok: false };
  }
  return phpString(value) === phpString(cleaned) ? { ok: true, value: cleaned } : { ok: false };
}
