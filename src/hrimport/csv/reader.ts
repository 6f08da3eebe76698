import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { HrImportError } from '../errors.js';
import { DELIMITERS, type Delimiter } from '../settings.js';
import { type CsvRecord, FgetcsvParser } from './fgetcsv.js';

export type { CsvQuirk, CsvRecord } from './fgetcsv.js';

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
  /**
   * The file's encoding as Totara's setting names it: UTF-8 (default), ISO-8859-1 or WINDOWS-1252 (what Excel writes
   * in western locales). A UTF-8 byte order mark is dropped under UTF-8 only, as Totara does.
   */
  encoding?: string | undefined;
  /** Aborts reading. */
  signal?: AbortSignal | undefined;
}

/** Turns bytes into text the way Totara's `core_text::convert` does: invalid UTF-8 bytes are dropped. */
interface Decoder {
  decode(chunk?: Buffer): string;
  /** True once bytes that are not valid in the encoding have been seen (each became U+FFFD). */
  readonly invalid: boolean;
}

const REPLACEMENT = '\uFFFD';
const GENUINE_REPLACEMENT = Buffer.from(REPLACEMENT, 'utf8');

function count(text: string, what: string): number {
  let n = 0;
  for (let i = text.indexOf(what); i !== -1; i = text.indexOf(what, i + 1)) n++;
  return n;
}

function countBytes(buffer: Buffer, what: Buffer): number {
  let n = 0;
  for (let i = buffer.indexOf(what); i !== -1; i = buffer.indexOf(what, i + 1)) n++;
  return n;
}

/** The canonical name of an encoding Totara offers for CSV files, or undefined. */
export function canonicalEncoding(value: string): 'UTF-8' | 'ISO-8859-1' | 'WINDOWS-1252' | undefined {
  const text = value.trim().toUpperCase().replace(/_/g, '-');
  if (text === 'UTF-8' || text === 'UTF8') return 'UTF-8';
  if (['ISO-8859-1', 'LATIN1', 'ISO8859-1', 'LATIN-1'].includes(text)) return 'ISO-8859-1';
  if (['WINDOWS-1252', 'CP1252', 'WIN-1252'].includes(text)) return 'WINDOWS-1252';
  return undefined;
}

function decoderFor(encoding: string | undefined): Decoder {
  const canonical = canonicalEncoding(encoding ?? 'UTF-8');
  if (canonical === 'ISO-8859-1')
    return { decode: (chunk) => (chunk ? chunk.toString('latin1') : ''), invalid: false };
  if (canonical === 'WINDOWS-1252') {
    const decoder = new TextDecoder('windows-1252');
    return {
      decode: (chunk) => (chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode()),
      invalid: false,
    };
  }
  if (canonical !== 'UTF-8')
    throw new HrImportError('hrimport.unknown_encoding', `Unknown text encoding "${encoding}".`, {
      hint: 'Use UTF-8, ISO-8859-1 or WINDOWS-1252, as set on the site.',
      details: { encoding },
    });
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const state = {
    invalid: false,
    decode(chunk?: Buffer): string {
      const text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
      if (!state.invalid && text.includes(REPLACEMENT)) {
        const genuine = chunk ? countBytes(chunk, GENUINE_REPLACEMENT) : 0;
        if (count(text, REPLACEMENT) > genuine) state.invalid = true;
      }
      return text;
    },
  };
  return state;
}

/** Drops what invalid bytes became (as Totara does) and notes the fields concerned. */
function dropInvalid(record: CsvRecord): void {
  record.cells.forEach((cell, i) => {
    if (!cell.includes(REPLACEMENT)) return;
    record.cells[i] = cell.replaceAll(REPLACEMENT, '');
    record.quirks ??= [];
    record.quirks.push('invalid_bytes');
    record.quirkFields ??= [];
    record.quirkFields.push(i);
  });
}

/**
 * Reads a CSV file as records, streaming, exactly as Totara's HR Import reads it: bytes converted from the
 * encoding (invalid UTF-8 dropped, a quirk `invalid_bytes` noting where), then split by PHP's `fgetcsv()` rules
 * (`FgetcsvParser`): nothing is refused, and what departs from RFC 4180 is noted in `quirks`.
 *
 * @example
 * ```ts
 * for await (const record of readCsvRecords('csv/ready/user.csv')) console.log(record.row, record.cells);
 * ```
 */
export async function* readCsvRecords(path: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord> {
  const decoder = decoderFor(options.encoding);
  const utf8 = canonicalEncoding(options.encoding ?? 'UTF-8') === 'UTF-8';
  let parser: FgetcsvParser | undefined = options.delimiter
    ? new FgetcsvParser(options.delimiter)
    : undefined;
  let head = '';
  let first = true;
  const stream = createReadStream(path, options.signal ? { signal: options.signal } : {});
  const records = function* (list: CsvRecord[]): Generator<CsvRecord> {
    for (const record of list) {
      if (decoder.invalid) dropInvalid(record);
      yield record;
    }
  };
  const start = (text: string): string => {
    if (!first) return text;
    first = false;
    return utf8 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk);
      if (!parser) {
        head += text;
        if (!/[\r\n]/.test(head) && head.length < 65536) continue;
        head = start(head);
        parser = new FgetcsvParser(requireDelimiter(head, path));
        yield* records(parser.push(head));
        continue;
      }
      yield* records(parser.push(start(text)));
    }
    const rest = decoder.decode();
    if (!parser) {
      head = start(head + rest);
      if (head === '') return;
      parser = new FgetcsvParser(requireDelimiter(head, path));
      yield* records(parser.push(head));
    } else if (rest) {
      yield* records(parser.push(rest));
    }
    yield* records(parser.end());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new HrImportError('hrimport.file_not_found', `${path} does not exist.`, {
        details: { file: path },
        cause: error,
      });
    if (code === 'EISDIR')
      throw new HrImportError('hrimport.not_a_file', `${path} is a directory, not a CSV file.`, {
        hint: 'Give the file itself, or use a command that reads a folder.',
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
      hint: 'Give it with --delimiter or in --settings (, ; : tab |); header names may only hold letters, digits, space, _ - ? !',
      details: { file: path },
    },
  );
}
