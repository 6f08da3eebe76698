/**
 * REPL history that never keeps a secret: each line is redacted (registered secrets, secret-named keys, password
 * arguments, JWTs, bearer tokens, Moodle-shaped tokens) before it is written, per profile, in the config directory.
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
const LOGIN_CALL = /\b(login|loginWithPassword|authenticate|fromPassword)\s*\(/g;
const URL_LIKE = /^["'`]https?:\/\//i;

function maskLiteral(literal: string): string {
  const quote = literal.charAt(0);
  return quote === '"' || quote === "'" || quote === '`' ? `${quote}${MASK}${quote}` : MASK;
}

/** Masks every string literal after the first non-URL one inside the parentheses of a login-like call. */
function maskLoginArguments(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(LOGIN_CALL)) {
    const start = (match.index ?? 0) + match[0].length;
    if (start < last) continue;
    let depth = 1;
    let i = start;
    let keptFirst = false;
    out += line.slice(last, start);
    const literal = new RegExp(STRING_LITERAL, 'y');
    while (i < line.length && depth > 0) {
      const ch = line.charAt(i);
      literal.lastIndex = i;
      const lit = ch === '"' || ch === "'" || ch === '`' ? literal.exec(line) : null;
      if (lit) {
        const text = lit[0];
        if (URL_LIKE.test(text) || (!keptFirst && depth === 1)) {
          if (!URL_LIKE.test(text)) keptFirst = true;
          out += text;
        } else out += depth === 1 ? maskLiteral(text) : text;
        i += text.length;
        continue;
      }
      if (ch === '(' || ch === '{' || ch === '[') depth++;
      if (ch === ')' || ch === '}' || ch === ']') depth--;
      out += ch;
      i++;
    }
    last = i;
  }
  return out + line.slice(last);
}

/**
 * A copy of one input line that is safe to store: registered secret values, values of secret-named keys
 * (`password: '...'`, `token=...`, `clientSecret`), password arguments of login calls, JWTs, bearer credentials
 * and 32-hex Moodle tokens are replaced with `***`.
 *
 * @example
 * ```ts
 * redactHistoryLine(`await moodle.login('admin', 'S3cret!')`); // "await moodle.login('admin', '***')"
 * ```
 */
export function redactHistoryLine(line: string): string {
  let out = maskSecrets(line);
  out = out.replace(KEY_VALUE, (whole, quote: string, key: string, separator: string, value: string) =>
    isSecretKey(key) && value !== MASK && !/^(true|false|null|undefined)$/.test(value)
      ? `${quote}${key}${quote}${separator}${maskLiteral(value)}`
      : whole,
  );
  out = maskLoginArguments(out);
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
