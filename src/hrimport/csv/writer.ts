import type { Writable } from 'node:stream';
import type { Delimiter } from '../settings.js';

/** How rows are written: delimiter and record separator. */
export interface CsvFormat {
  delimiter: Delimiter;
  lineEnding: '\r\n' | '\n';
}

/** Cells a spreadsheet would run as a formula when the file is opened (OWASP "CSV injection"). */
export const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
/** `+` then only digits, spaces, `-`, `(`, `)` and `.`: an international phone number as people write it. */
const PHONE_SHAPED = /^\+[\d ().-]+$/;
const PHONE_MIN_DIGITS = 7;

/**
 * True for a cell that is plainly an international phone number (`+64 4 555 0100`, `+1 (555) 010-0199`): `+`, then
 * only digits, spaces, `-`, brackets and dots, with at least 7 digits. A spreadsheet may parse it as arithmetic on
 * number literals, but it has no function, reference or DDE call, so nothing runs and nothing leaves the sheet.
 */
export function isPhoneNumberLike(cell: string): boolean {
  if (cell.charCodeAt(0) !== 43 || !PHONE_SHAPED.test(cell)) return false;
  let digits = 0;
  for (let i = 1; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code >= 48 && code <= 57 && ++digits >= PHONE_MIN_DIGITS) return true;
  }
  return false;
}

/**
 * True when a spreadsheet could evaluate the cell as a formula. Plain signed numbers (`-5`, `+64`) and plain
 * international phone numbers ({@link isPhoneNumberLike}) are not flagged: E.164 numbers fill phone columns, and
 * flagging each one would drown real findings. `-2+3`, `+SUM(A1)`, `=1+1` and `@cmd` are flagged.
 *
 * @example
 * ```ts
 * isFormulaLike('=HYPERLINK("http://x")'); // true
 * isFormulaLike('+64 4 555 0100');         // false
 * ```
 */
export function isFormulaLike(cell: string): boolean {
  const first = cell.charCodeAt(0);
  // = + - @ tab CR, checked by code for speed (this runs on every cell of every row)
  if (first !== 61 && first !== 43 && first !== 45 && first !== 64 && first !== 9 && first !== 13)
    return false;
  return !PLAIN_NUMBER.test(cell) && !isPhoneNumberLike(cell);
}

/** Prefixes a formula-like cell with `'` so spreadsheets show it as text (changes the data Totara imports). */
export function neutraliseFormula(cell: string): string {
  return isFormulaLike(cell) ? `'${cell}` : cell;
}

/**
 * A cell quoted so that PHP's `fgetcsv()` (Totara's reader) gives it back exactly. Quotes are doubled as in RFC 4180,
 * except a quote right after a backslash that the reader takes as an escape: that quote is written once, because
 * fgetcsv keeps both characters (`"a\"b"` reads `a\"b`). A value whose last backslash would escape the closing
 * quote is closed before that backslash, which follows the quote (`"C:,"\` reads `C:,\`): fgetcsv keeps text
 * after a closing quote. Values without a backslash come out as plain RFC 4180.
 */
function quoteForFgetcsv(cell: string): string {
  if (!cell.includes('\\')) return `"${cell.includes('"') ? cell.replace(/"/g, '""') : cell}"`;
  let out = '"';
  let escaped = false;
  for (let i = 0; i < cell.length; i++) {
    const ch = cell[i] as string;
    if (escaped) {
      out += ch;
      escaped = false;
    } else if (ch === '\\') {
      if (i === cell.length - 1) return `${out}"\\`;
      out += ch;
      escaped = true;
    } else out += ch === '"' ? '""' : ch;
  }
  return `${out}"`;
}

/**
 * Returns a function that turns one row of cells into one record (with its line ending) that Totara's reader, PHP
 * `fgetcsv()`, reads back exactly: a cell is quoted when it holds the delimiter, a double quote, CR or LF (see
 * `quoteForFgetcsv` for backslashes). A row that would be an empty line (one empty cell) is written as `""`,
 * because Totara takes an empty line for an error.
 *
 * @example
 * ```ts
 * const encode = createRowEncoder({ delimiter: ',', lineEnding: '\r\n' });
 * encode(['a', 'b,c', 'say "hi"']); // 'a,"b,c","say ""hi"""\r\n'
 * ```
 */
export function createRowEncoder(format: CsvFormat): (cells: readonly string[]) => string {
  const { delimiter, lineEnding } = format;
  const special = new RegExp(
    `["\\r\\n${delimiter === '|' ? '\\|' : delimiter === '\t' ? '\\t' : delimiter}]`,
  );
  const quote = (cell: string): string => (special.test(cell) ? quoteForFgetcsv(cell) : cell);
  return (cells) => {
    const n = cells.length;
    if (n === 1 && cells[0] === '') return `""${lineEnding}`;
    let line = n > 0 ? quote(cells[0] as string) : '';
    for (let i = 1; i < n; i++) line += delimiter + quote(cells[i] as string);
    return line + lineEnding;
  };
}

/** Windows-1252's characters at 0x80-0x9F (where ISO-8859-1 has control characters), by byte. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const CP1252_BYTES = new Map([...CP1252_HIGH].map((ch, i) => [ch, 0x80 + i]));

/**
 * A function that turns text into the bytes of a file encoding Totara offers (UTF-8, ISO-8859-1, WINDOWS-1252),
 * and one that tells whether a character can be written in it.
 */
export function textEncoding(encoding: string): {
  encode(text: string): Buffer;
  canHold(text: string): boolean;
} {
  if (encoding === 'ISO-8859-1')
    return {
      encode: (text) => Buffer.from(text, 'latin1'),
      canHold: (text) => !/[^\u0000-\u00ff]/.test(text),
    };
  if (encoding === 'WINDOWS-1252')
    return {
      encode(text) {
        if (!/[^\u0000-\u007f\u00a0-\u00ff]/.test(text)) return Buffer.from(text, 'latin1');
        const bytes = Buffer.allocUnsafe(text.length);
        for (let i = 0; i < text.length; i++) {
          const code = text.charCodeAt(i);
          bytes[i] =
            code < 0x80 || (code >= 0xa0 && code <= 0xff)
              ? code
              : (CP1252_BYTES.get(text[i] as string) ?? 0x3f);
        }
        return bytes;
      },
      canHold: (text) =>
        [...text].every((ch) => {
          const code = ch.charCodeAt(0);
          return (
            code < 0x80 ||
            (code >= 0xa0 && code <= 0xff) ||
            (CP1252_BYTES.has(ch) && !/[\u0081\u008d\u008f\u0090\u009d]/.test(ch))
          );
        }),
    };
  return {
    encode: (text) => Buffer.from(text, 'utf8'),
    canHold: (text) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text),
  };
}

/**
 * Collects encoded rows into large chunks and writes them to a stream, waiting for `drain` when the stream asks
 * for it, so memory stays flat however many rows go through.
 */
export class ChunkedSink {
  readonly #stream: Writable;
  readonly #encode: (text: string) => Buffer;
  readonly #chunkChars: number;
  #pending = '';
  #bytes = 0;

  constructor(stream: Writable, options: { encode?: (text: string) => Buffer; chunkChars?: number } = {}) {
    this.#stream = stream;
    this.#encode = options.encode ?? ((text) => Buffer.from(text, 'utf8'));
    this.#chunkChars = options.chunkChars ?? 64 * 1024;
  }

  /** Bytes handed to the stream so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Adds text; returns a promise only when the stream needs time to drain (await it before adding more). */
  add(text: string): Promise<void> | undefined {
    this.#pending += text;
    if (this.#pending.length < this.#chunkChars) return undefined;
    return this.flush();
  }

  /** Writes what is pending; resolves once the stream can take more. */
  flush(): Promise<void> | undefined {
    if (this.#pending === '') return undefined;
    const chunk = this.#encode(this.#pending);
    this.#pending = '';
    this.#bytes += chunk.length;
    if (this.#stream.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.#stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.#stream.off('drain', onDrain);
        reject(error);
      };
      this.#stream.once('drain', onDrain);
      this.#stream.once('error', onError);
    });
  }
}
