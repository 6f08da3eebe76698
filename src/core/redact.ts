/**
 * Secret handling shared by every module: which keys hold secrets, masking of known secret values in free text
 * (in every encoding a server may echo them back in), and redacted copies of URLs, headers and parameter objects.
 */

/** What a masked secret is replaced with. */
export const MASK = '***';

const SECRET_KEY =
  /(^|[_\-.[\]])(w?s?token|password|passwd|pass|pwd|secret|client_?secret|access_?token|refresh_?token|id_?token|private_?key|privatekey|authorization|cookie|set-cookie|assertion|client_?assertion|api_?key|apikey|jwt|credentials?)($|[_\-.[\]])/i;
const SECRET_KEY_CAMEL =
  /(token|password|passwd|pwd|secret|privatekey|authorization|assertion|apikey|credentials?)$/i;

/**
 * True when a parameter, header or property name holds a secret (`wstoken`, `password`, `client_secret`,
 * `Authorization`, `users[0][password]`, `clientSecret`...).
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_KEY_CAMEL.test(key);
}

/** Shortest value {@link registerSecret} accepts: shorter ones are too likely to match ordinary text. */
const MIN_SECRET_LENGTH = 6;
/** Longer secrets (a PEM key) are matched in their usual encodings only, not character by character. */
const MAX_PATTERN_LENGTH = 512;

/** How one registered secret is found in text. */
interface SecretMatcher {
  readonly value: string;
  /** Every spelling of the value: literal, percent-encoded, JSON-escaped or HTML-escaped, char by char. */
  readonly spellings: RegExp | undefined;
  /** Fixed strings: the encodings of a long value, and the base64 runs that carry it. */
  readonly literals: readonly string[];
}

/** A registered secret, and when it stops being worth masking (ms since epoch), for a token that expires. */
interface Registered {
  readonly matcher: SecretMatcher;
  expiresAt: number;
}

const knownSecrets = new Map<string, Registered>();
let longestFirst: SecretMatcher[] = [];
/** How long an expired secret is still masked: the errors and output of a request that used it come later. */
const EXPIRY_GRACE_MS = 10 * 60_000;

/** Options of {@link registerSecret}. */
export interface RegisterSecretOptions {
  /**
   * When the secret stops working (an access token's expiry), in ms since epoch or as a Date. It is forgotten
   * 10 minutes later, so that a long-running process that fetches a token every hour does not collect them all.
   * Without it the secret is masked for the life of the process.
   */
  expiresAt?: number | Date | undefined;
}

/**
 * Registers a secret value (a password, a token, a client secret, a signed assertion) so that {@link maskSecrets}
 * removes it from any text: error messages, debug output, CLI output, REPL history. What is registered is the
 * value in every form a server may echo back: as sent in a form body or a URL (`P%40ss+w0rd%21`, upper- or
 * lower-case hex, nested percent-encoding), JSON- or JavaScript-escaped (`\"`, `\\`, `\/`, `\u00e9`),
 * HTML-escaped (`&quot;`, `&#39;`), and base64 or base64url at any alignment (an HTTP Basic `client_id:secret`
 * header, raw or form-encoded first as OAuth2 asks). Values shorter than 6 characters are ignored.
 *
 * @example
 * ```ts
 * registerSecret('P@ss w0rd!');
 * maskSecrets('password=P%40ss+w0rd%21'); // "password=***"
 * registerSecret(token.accessToken, { expiresAt: token.expiresAt });
 * ```
 */
export function registerSecret(value: string | undefined | null, options: RegisterSecretOptions = {}): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  const expiresAt = options.expiresAt === undefined ? Number.POSITIVE_INFINITY : Number(options.expiresAt);
  const known = knownSecrets.get(value);
  if (known) {
    known.expiresAt = Math.max(known.expiresAt, expiresAt);
    return;
  }
  const now = Date.now();
  for (const [secret, entry] of knownSecrets)
    if (entry.expiresAt + EXPIRY_GRACE_MS < now) knownSecrets.delete(secret);
  knownSecrets.set(value, { matcher: matcherFor(value), expiresAt });
  // Longer secrets first, so that a secret containing another is masked whole.
  longestFirst = [...knownSecrets.values()]
    .map((entry) => entry.matcher)
    .sort((a, b) => b.value.length - a.value.length);
}

/** Characters without which no encoded spelling can occur: text free of them needs only the literal search. */
const ENCODED_TEXT = /[%\\&+]/;

/** Replaces every registered secret, in any of its encodings, in `text` with {@link MASK}. */
export function maskSecrets(text: string): string {
  return maskWith(longestFirst, text);
}

/**
 * A function that masks `values` in text, in every spelling {@link registerSecret} knows, without registering
 * them: for the secrets of one request (a new user's password in a call's parameters) that must not outlive it.
 */
export function maskerOf(values: Iterable<string>): (text: string) => string {
  const matchers = [...new Set(values)]
    .filter((value) => value.length >= MIN_SCOPED_LENGTH)
    .sort((a, b) => b.length - a.length)
    .map(matcherFor);
  return (text) => maskWith(matchers, text);
}

/** Shortest value {@link maskerOf} masks: it only ever masks one request's own values, so 3 characters is enough. */
const MIN_SCOPED_LENGTH = 3;

function maskWith(matchers: readonly SecretMatcher[], text: string): string {
  if (matchers.length === 0 || text.length < MIN_SCOPED_LENGTH) return text;
  let out = text;
  const encoded = ENCODED_TEXT.test(text);
  for (const secret of matchers) {
    if (encoded && secret.spellings) {
      secret.spellings.lastIndex = 0;
      out = out.replace(secret.spellings, MASK);
    } else if (out.includes(secret.value)) {
      out = out.split(secret.value).join(MASK);
    }
    for (const literal of secret.literals) {
      if (out.includes(literal)) out = out.split(literal).join(MASK);
    }
  }
  return out;
}

/**
 * A copy of `value` with `mask` (by default: every registered secret) applied to every string it holds (arrays and
 * plain objects are walked; other objects are kept as they are). Returns `value` itself when nothing changed.
 */
export function maskDeep<T>(value: T, mask: (text: string) => string = maskSecrets): T {
  return walk(value, mask, false, 0);
}

/**
 * Like {@link maskDeep}, and the value of every secret-named property (`password`, `token`...) is replaced with
 * {@link MASK} whatever it holds: for structured detail that should never carry a secret at all.
 */
export function redactDeep<T>(value: T): T {
  return walk(value, maskSecrets, true, 0);
}

function walk<T>(value: T, mask: (text: string) => string, byKey: boolean, depth: number): T {
  if (typeof value === 'string') return mask(value) as T;
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const masked = walk(item, mask, byKey, depth + 1);
      if (masked !== item) changed = true;
      return masked;
    });
    return (changed ? out : value) as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const masked =
      byKey && inner != null && typeof inner !== 'boolean' && isSecretKey(key)
        ? MASK
        : walk(inner, mask, byKey, depth + 1);
    if (masked !== inner) changed = true;
    out[key] = masked;
  }
  return (changed ? out : value) as T;
}

/** The values of the secret-named fields of a form body (`users[0][password]=…`), decoded. */
export function formSecretValues(body: string): string[] {
  const out: string[] = [];
  for (const [key, value] of new URLSearchParams(body)) if (isSecretKey(key) && value !== '') out.push(value);
  return out;
}

/** A copy of a URL with secret query parameters (and any user info) masked. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return maskSecrets(String(url));
  }
  if (parsed.username) parsed.username = MASK;
  if (parsed.password) parsed.password = MASK;
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretKey(key)) parsed.searchParams.set(key, MASK);
  }
  return maskSecrets(parsed.toString());
}

/** A copy of headers with secret headers masked; names are lower-cased. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[name.toLowerCase()] = isSecretKey(name) ? MASK : maskSecrets(text);
  }
  return out;
}

/** A deep copy of a parameter object with every secret-named property masked. */
export function redactParams(value: unknown, depth = 0): unknown {
  if (depth > 32) return '[…]';
  if (Array.isArray(value)) return value.map((item) => redactParams(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      out[key] = isSecretKey(key) ? MASK : redactParams(inner, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string') return maskSecrets(value);
  return value;
}

/**
 * A redacted form body (`a=1&wstoken=***`): secret-named fields masked, registered secrets removed.
 */
export function redactFormBody(body: string): string {
  const params = new URLSearchParams(body);
  const parts: string[] = [];
  for (const [key, value] of params) {
    parts.push(`${key}=${isSecretKey(key) ? MASK : maskSecrets(value)}`);
  }
  return parts.join('&');
}

// ---------------------------------------------------------------------------------------------------------------
// The spellings of one secret

function matcherFor(value: string): SecretMatcher {
  const formEncoded = new URLSearchParams({ v: value }).toString().slice(2);
  const literals = new Set<string>();
  let spellings: RegExp | undefined;
  if (value.length <= MAX_PATTERN_LENGTH) {
    spellings = new RegExp([...value].map(spellingsOfChar).join(''), 'g');
  } else {
    // Too long for a pattern: the encodings our own code and common servers produce, as fixed strings.
    for (const form of [
      encodeURIComponent(value),
      formEncoded,
      JSON.stringify(value).slice(1, -1),
      jsonEscapedAscii(value),
      htmlEscaped(value),
    ])
      if (form !== value) literals.add(form);
  }
  // Base64 of what our code sends (raw in a JSON body, percent- or form-encoded in a form body), and of the
  // stricter RFC 3986 percent-encoding PHP's rawurlencode writes.
  const rfc3986 = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  for (const form of new Set([value, formEncoded, encodeURIComponent(value), rfc3986])) {
    for (const run of base64Runs(Buffer.from(form, 'utf8'))) {
      literals.add(run);
      literals.add(run.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return { value, spellings, literals: [...literals].sort((a, b) => b.length - a.length) };
}

/** A regular-expression alternation matching one character as written, percent-, JSON- or HTML-escaped. */
function spellingsOfChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const alternatives = [escapeRegExp(char)];
  // Percent-encoding of the UTF-8 bytes, any hex case, possibly encoded again (%2540).
  alternatives.push([...Buffer.from(char, 'utf8')].map((byte) => `%(?:25)*${hexPattern(byte, 2)}`).join(''));
  // A space in a form body is `+`, which may itself be percent-encoded when the body is echoed in a URL.
  if (char === ' ') alternatives.push(String.raw`\+`, '%(?:25)*2[bB]');
  // JSON and JavaScript string escapes: \uXXXX per UTF-16 unit (surrogate pairs for astral characters),
  // \u{X}, \xXX, and the short escapes, with any number of backslashes for a string inside a string.
  alternatives.push(
    Array.from({ length: char.length }, (_, i) => String.raw`\\+u${hexPattern(char.charCodeAt(i), 4)}`).join(
      '',
    ),
    String.raw`\\+u\{0*${hexPattern(code, 1)}\}`,
  );
  if (code < 0x100) alternatives.push(String.raw`\\+x${hexPattern(code, 2)}`);
  const short = JSON_SHORT_ESCAPES[char];
  if (short) alternatives.push(String.raw`\\+${short}`);
  if ('"\'`/\\'.includes(char)) alternatives.push(String.raw`\\+${escapeRegExp(char)}`);
  // HTML: numeric references, and the named ones htmlspecialchars produces.
  alternatives.push(`&#0*${code};`, `&#[xX]0*${hexPattern(code, 1)};`);
  const named = HTML_NAMED[char];
  if (named) alternatives.push(named);
  return `(?:${alternatives.join('|')})`;
}

const JSON_SHORT_ESCAPES: Record<string, string> = { '\n': 'n', '\r': 'r', '\t': 't', '\b': 'b', '\f': 'f' };
const HTML_NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&(?:apos|#0*39);',
};

/** Hex digits of `n` (at least `width` of them), each letter matching either case. */
function hexPattern(n: number, width: number): string {
  return n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function jsonEscapedAscii(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function htmlEscaped(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#039;');
}

/**
 * The base64 characters that `bytes` alone determine, wherever they sit in a longer base64 text: one run for each
 * of the three alignments (the bytes starting 0, 1 or 2 bytes into a 3-byte group). Characters that also depend
 * on neighbouring bytes are left out; runs shorter than 6 characters are too common to mask.
 */
function base64Runs(bytes: Buffer): string[] {
  const runs: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.alloc(Math.ceil((offset + bytes.length) / 3) * 3);
    bytes.copy(padded, offset);
    const encoded = padded.toString('base64');
    const run = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (run.length >= 6) runs.push(run);
  }
  return runs;
}
