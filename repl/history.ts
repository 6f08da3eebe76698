/**
 * REPL history that never keeps a secret: each line is redacted (registered secrets in any encoding, string
 * literals assigned to or keyed by a secret-like name, password arguments, JWTs, bearer tokens, Moodle-shaped
 * tokens) before it is written, per profile, in the config directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/core/atomic.js';
import { isSecretKey, MASK, maskSecrets } from '../src/core/redact.js';

/** Most lines kept in one profile's history file. */
export const HISTORY_LIMIT = 1000;

const STRING_LITERAL = String.raw`'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?|\`(?:[^\`\\]|\\.)*\`?`;
// A key (bare, quoted, or a form field such as users[0][password]) followed by `:` or `=` and a value.
const KEY_VALUE = new RegExp(
  String.raw`(["'\`]?)([A-Za-z_$][\w$\-.]*(?:\[[^\]\s]*\])*)\1(\s*(?::(?!\/\/)|={1,3})\s*)(${STRING_LITERAL}|[^\s,;)}\]&'"\`]+)`,
  'g',
);
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[\w\-.~+/]+=*/gi;
const MOODLE_TOKEN = /\b[0-9a-f]{32}\b/gi;
const LOGIN_CALL = /^(login|loginWithPassword|authenticate|fromPassword)$/;
const URL_LIKE = /^["'`]https?:\/\//i;

/** Words that make a name secret-like wherever they sit in it (`adminPwd`, `my_token`, `apiKey`, `creds`). */
const SECRET_WORDS = new Set([
  'token',
  'tokens',
  'tok',
  'pw',
  'pwd',
  'pass',
  'passwd',
  'password',
  'passwords',
  'passphrase',
  'secret',
  'secrets',
  'apikey',
  'auth',
  'authorization',
  'credential',
  'credentials',
  'cred',
  'creds',
  'bearer',
  'jwt',
  'cookie',
  'assertion',
  'otp',
  'privatekey',
]);
const SECRET_KEY_NAME = /(api|private|secret|access|signing|client|session|auth|encryption)[_-]?key/i;

/**
 * True when a variable, property or parameter name is secret-like: what {@link isSecretKey} says, or a name with
 * a secret word in it (`adminPwd`, `opts.token`, `api_key`, `myCreds`).
 */
export function isSecretName(name: string): boolean {
  if (isSecretKey(name) || SECRET_KEY_NAME.test(name)) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => SECRET_WORDS.has(word));
}

function maskLiteral(literal: string): string {
  const quote = literal.charAt(0);
  return quote === '"' || quote === "'" || quote === '`' ? `${quote}${MASK}${quote}` : MASK;
}

/** One piece of a line of JavaScript, as far as redaction cares. */
interface Token {
  kind: 'string' | 'name' | 'punct' | 'space';
  text: string;
}

const TOKEN = new RegExp(
  String.raw`(${STRING_LITERAL})|([A-Za-z_$][\w$]*)|(\s+)|(\?\?=|\|\|=|&&=|\+=|===?|!==?|=>|[^\s])`,
  'gy',
);

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(line); match; match = TOKEN.exec(line)) {
    const kind = match[1] ? 'string' : match[2] ? 'name' : match[3] ? 'space' : 'punct';
    tokens.push({ kind, text: match[0] });
  }
  return tokens;
}

const ASSIGN = new Set(['=', '+=', '??=', '||=', '&&=']);
const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/** The text of a name token, or the contents of a string literal used as a key. */
function nameOf(token: Token | undefined): string | undefined {
  if (!token) return undefined;
  if (token.kind === 'name') return token.text;
  if (token.kind === 'string') return token.text.slice(1, -1);
  return undefined;
}

/** What {@link maskSecretValues} masks after a trigger: one value, or the arguments of a call. */
type Span = 'value' | 'arguments' | 'login-arguments';

/**
 * Masks, in JavaScript, the string literals of every value given to a secret-like name: `password = '…'`,
 * `{ pwd: '…' }`, `opts['token'] = '…'`, `const apiKey = '…' + '…'`, `headers.set('Authorization', '…')`,
 * `setToken('…')`, and the password argument of a login call (`login('admin', '…')`).
 */
function maskSecretValues(line: string): string {
  const tokens = tokenize(line);
  const next = (i: number): number => {
    let j = i + 1;
    while (tokens[j]?.kind === 'space') j++;
    return j;
  };
  /** Masks the literals of the span that starts after token `from`; returns the index of its last token. */
  const mask = (from: number, span: Span): number => {
    let depth = 0;
    let keptUsername = span !== 'login-arguments';
    let i = from + 1;
    for (; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (token.kind === 'punct') {
        if (OPEN.has(token.text)) depth++;
        else if (CLOSE.has(token.text) && depth-- === 0) break;
        else if (span === 'value' && depth === 0 && (token.text === ',' || token.text === ';')) break;
      } else if (token.kind === 'string' && !URL_LIKE.test(token.text)) {
        if (span !== 'login-arguments') token.text = maskLiteral(token.text);
        else if (depth === 0 && !keptUsername) keptUsername = true;
        else if (depth === 0) token.text = maskLiteral(token.text);
      }
    }
    return i - 1;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const name = nameOf(token);
    if (name === undefined) continue;
    let after = next(i);
    // opts['token'] = …, { ['token']: … }
    if (token.kind === 'string' && tokens[after]?.text === ']') after = next(after);
    const follower = tokens[after]?.text ?? '';
    if (token.kind === 'name' && follower === '(' && LOGIN_CALL.test(name)) mask(after, 'login-arguments');
    else if (!isSecretName(name)) continue;
    else if (ASSIGN.has(follower) || follower === ':') i = mask(after, 'value');
    else if (token.kind === 'string' && follower === ',') i = mask(after, 'value');
    else if (token.kind === 'name' && follower === '(') mask(after, 'arguments');
  }
  return tokens.map((t) => t.text).join('');
}

/**
 * A copy of one input line that is safe to store: registered secret values (in any encoding), string literals
 * assigned to or keyed by a secret-like name (`password: '...'`, `opts['token'] = '...'`, `const apiKey = '...'`,
 * `token=...` in a URL or form), password arguments of login calls, JWTs, bearer credentials and 32-hex Moodle
 * tokens are replaced with `***`.
 *
 * @example
 * ```ts
 * redactHistoryLine(`await moodle.login('admin', 'S3cret!')`); // "await moodle.login('admin', '***')"
 * ```
 */
export function redactHistoryLine(line: string): string {
  let out = maskSecrets(line);
  out = maskSecretValues(out);
  out = out.replace(KEY_VALUE, (whole, quote: string, key: string, separator: string, value: string) =>
    isSecretKey(key) && value !== MASK && !/^(true|false|null|undefined)$/.test(value)
      ? `${quote}${key}${quote}${separator}${maskLiteral(value)}`
      : whole,
  );
  out = out.replace(JWT, MASK).replace(BEARER, (_m, scheme: string) => `${scheme} ${MASK}`);
  return out.replace(MOODLE_TOKEN, MASK);
}

/** The history file of a profile: `<configDir>/repl-history/<profile>.txt`, oldest line first. */
export function historyPath(configDir: string, profile: string): string {
  return join(configDir, 'repl-history', `${profile.replace(/[^A-Za-z0-9._-]/g, '_')}.txt`);
}

/** One profile's persisted history: lines are redacted on the way in and written atomically (mode 0600). */
export class HistoryFile {
  readonly path: string;
  readonly #lines: string[];
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // no history yet
    }
    this.#lines = text.split('\n').filter((line) => line.trim() !== '');
  }

  /** The stored lines, oldest first (already redacted). */
  lines(): readonly string[] {
    return this.#lines;
  }

  /** Redacts and appends a line, then rewrites the file in the background. Returns the stored form. */
  add(line: string): string | undefined {
    const trimmed = line.trimEnd();
    if (trimmed.trim() === '') return undefined;
    const safe = redactHistoryLine(trimmed).replace(/\r?\n/g, ' ');
    if (this.#lines.at(-1) !== safe) this.#lines.push(safe);
    if (this.#lines.length > HISTORY_LIMIT) this.#lines.splice(0, this.#lines.length - HISTORY_LIMIT);
    const text = `${this.#lines.join('\n')}\n`;
    this.#writing = this.#writing
      .then(() => writeFileAtomic(this.path, text, { mode: 0o600 }))
      .catch(() => undefined);
    return safe;
  }

  /** Resolves when every pending write has reached the disk. */
  flush(): Promise<void> {
    return this.#writing;
  }
}
