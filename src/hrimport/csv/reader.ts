import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { HrImportError } from '../errors.js';
import { DELIMITERS, type Delimiter } from '../settings.js';

/** A CSV that breaks RFC 4180: the error says where (file, row, line, column number). */
export class CsvSyntaxError extends HrImportError {}

/** One record as read: its 1-based record number (header = 1), the line it starts on, and its cells. */
export interface CsvRecord {
  row: number;
  line: number;
  cells: string[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * A strict, incremental RFC 4180 parser: push text in any chunk sizes, get complete records back. Quotes must
 * enclose whole fields, a quote inside a quoted field is doubled, records end in LF or CRLF. Anything else is a
 * {@link CsvSyntaxError} naming the row, line and column.
 *
 * @example
 * ```ts
 * const parser = new CsvParser({ delimiter: ',' });
 * const records = [...parser.push('a,"b\r\nc"\r\n'), ...parser.end()]; // [{ row: 1, line: 1, cells: ['a', 'b\r\nc'] }]
 * ```
 */
export class CsvParser {
  readonly #delimiter: number;
  readonly #file: string;
  #field = '';
  #cells: string[] = [];
  /** 0 start of field, 1 unquoted, 2 quoted, 3 quote seen inside quoted field. */
  #state = 0;
  #pendingCR = false;
  #row = 1;
  #line = 1;
  #recordLine = 1;

  constructor(options: { delimiter: Delimiter; file?: string }) {
    this.#delimiter = options.delimiter.charCodeAt(0);
    this.#file = options.file ?? '(input)';
  }

  #fail(code: string, message: string): never {
    throw new CsvSyntaxError(
      code,
      `${this.#file}: row ${this.#row} (line ${this.#line}), field ${this.#cells.length + 1}: ${message}`,
      {
        hint: 'Quote fields that hold the delimiter, quotes or line breaks, and double the quotes inside them (RFC 4180).',
        details: { file: this.#file, row: this.#row, line: this.#line, field: this.#cells.length + 1 },
      },
    );
  }

  #endRecord(out: CsvRecord[]): void {
    this.#cells.push(this.#field);
    out.push({ row: this.#row, line: this.#recordLine, cells: this.#cells });
    this.#cells = [];
    this.#field = '';
    this.#state = 0;
    this.#row++;
    this.#line++;
    this.#recordLine = this.#line;
  }

  #error: CsvSyntaxError | undefined;

  /**
   * Parses a chunk; returns the records it completed. A syntax error is thrown by the next call to `push()` or
   * `end()`, so the records before it are delivered first.
   */
  push(text: string): CsvRecord[] {
    if (this.#error) throw this.#error;
    const out: CsvRecord[] = [];
    try {
      this.#parse(text, out);
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      this.#error = error;
    }
    return out;
  }

  #parse(text: string, out: CsvRecord[]): void {
    const delimiter = this.#delimiter;
    let start = 0;
    const n = text.length;
    let i = 0;
    if (this.#pendingCR && n > 0) {
      if (text.charCodeAt(0) !== LF)
        this.#fail('hrimport.csv_bare_cr', 'a carriage return not followed by a line feed.');
      this.#pendingCR = false;
      this.#endRecord(out);
      i = 1;
      start = 1;
    }
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      const state = this.#state;
      if (state === 2) {
        // inside quotes: only a quote matters (it closes the field or starts a doubled quote)
        if (ch === QUOTE) {
          this.#field += text.slice(start, i);
          this.#state = 3;
          start = i + 1;
        } else if (ch === LF) {
          this.#line++;
        }
        continue;
      }
      if (state === 3) {
        if (ch === QUOTE) {
          this.#field += '"';
          this.#state = 2;
          start = i + 1;
          continue;
        }
        if (ch !== delimiter && ch !== LF && ch !== CR)
          this.#fail('hrimport.csv_text_after_quote', 'text after the closing quote of a quoted field.');
      }
      if (ch === delimiter) {
        this.#cells.push(this.#field + text.slice(start, i));
        this.#field = '';
        this.#state = 0;
        start = i + 1;
      } else if (ch === LF || ch === CR) {
        this.#field += text.slice(start, i);
        if (ch === CR) {
          if (i + 1 === n) {
            this.#pendingCR = true;
            return;
          }
          if (text.charCodeAt(i + 1) !== LF)
            this.#fail('hrimport.csv_bare_cr', 'a carriage return not followed by a line feed.');
          i++;
        }
        this.#endRecord(out);
        start = i + 1;
      } else if (ch === QUOTE) {
        if (state === 1) this.#fail('hrimport.csv_stray_quote', 'a double quote inside an unquoted field.');
        this.#state = 2;
        start = i + 1;
      } else {
        this.#state = 1;
      }
    }
    if (this.#state !== 3) this.#field += text.slice(start, n);
  }

  /** Ends the input; returns the last record when the file does not end with a line break. */
  end(): CsvRecord[] {
    if (this.#error) throw this.#error;
    const out: CsvRecord[] = [];
    if (this.#pendingCR) {
      this.#pendingCR = false;
      this.#endRecord(out);
      return out;
    }
    if (this.#state === 2) this.#fail('hrimport.csv_unterminated_quote', 'a quoted field is never closed.');
    if (this.#state !== 0 || this.#cells.length > 0 || this.#field !== '') this.#endRecord(out);
    return out;
  }
}

/** The characters Totara accepts in header names. */
export const HEADER_CHARS = /^[ ?!A-Za-z0-9_-]*$/;

/**
 * Guesses the delimiter from the header line: header names may only hold `[ ?!A-Za-z0-9_-]`, so the first other
 * character is the delimiter. Returns undefined when it is not one Totara offers.
 */
export function detectDelimiter(firstLine: string): Delimiter | undefined {
  for (const ch of firstLine.replace(/^\uFEFF/, '')) {
    if (ch === '\r' || ch === '\n') break;
    if (/[ ?!A-Za-z0-9_"-]/.test(ch)) continue;
    return (DELIMITERS as readonly string[]).includes(ch) ? (ch as Delimiter) : undefined;
  }
  return undefined;
}

/** Options of {@link readCsvRecords}. */
export interface ReadCsvOptions {
  /** The delimiter; detected from the header line when omitted. */
  delimiter?: Delimiter | undefined;
  /** Text encoding (any WHATWG label: utf-8, iso-8859-1, windows-1252...). Default UTF-8; a UTF-8 BOM is skipped. */
  encoding?: string | undefined;
  /** Aborts reading. */
  signal?: AbortSignal | undefined;
}

/**
 * Reads a CSV file as records, streaming, strictly (see {@link CsvParser}); bytes that are not valid in the
 * encoding are an error rather than replacement characters.
 *
 * @example
 * ```ts
 * for await (const record of readCsvRecords('csv/ready/user.csv')) console.log(record.row, record.cells);
 * ```
 */
export async function* readCsvRecords(path: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord> {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(options.encoding ?? 'utf-8', { fatal: true });
  } catch (error) {
    throw new HrImportError('hrimport.unknown_encoding', `Unknown text encoding "${options.encoding}".`, {
      hint: 'Use UTF-8, ISO-8859-1 or another WHATWG encoding label.',
      cause: error,
    });
  }
  let parser: CsvParser | undefined = options.delimiter
    ? new CsvParser({ delimiter: options.delimiter, file: path })
    : undefined;
  let head = '';
  const stream = createReadStream(path, options.signal ? { signal: options.signal } : {});
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch (error) {
      throw new HrImportError(
        'hrimport.csv_invalid_encoding',
        `${path} is not valid ${options.encoding ?? 'UTF-8'}.`,
        {
          hint: 'Save the file as UTF-8, or give the encoding it was written in.',
          cause: error,
          details: { file: path },
        },
      );
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decode(chunk);
      if (!parser) {
        head += text;
        if (!/[\r\n]/.test(head) && head.length < 65536) continue;
        parser = new CsvParser({ delimiter: requireDelimiter(head, path), file: path });
        yield* parser.push(head);
        continue;
      }
      yield* parser.push(text);
    }
    const rest = decode();
    if (!parser) {
      head += rest;
      if (head === '') return;
      parser = new CsvParser({ delimiter: requireDelimiter(head, path), file: path });
      yield* parser.push(head);
    } else if (rest) {
      yield* parser.push(rest);
    }
    yield* parser.end();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new HrImportError('hrimport.file_not_found', `${path} does not exist.`, {
        details: { file: path },
        cause: error,
      });
    throw error;
  } finally {
    stream.destroy();
  }
}

function requireDelimiter(head: string, path: string): Delimiter {
  const found = detectDelimiter(head);
  if (found) return found;
  if (!/[^ ?!A-Za-z0-9_"\r\n-]/.test(head.split(/\r?\n/)[0] ?? '')) return ',';
  throw new HrImportError(
    'hrimport.unknown_delimiter',
    `${path}: cannot tell the delimiter from the header line.`,
    {
      hint: 'Give it with --settings (delimiter , ; : tab |); header names may only hold letters, digits, space, _ - ? !',
      details: { file: path },
    },
  );
}
