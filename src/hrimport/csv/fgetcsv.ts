/**
 * An incremental reader that splits text into records exactly as PHP's `fgetcsv()` does with its defaults (quote `"`,
 * escape `\`), which is how Totara's HR Import CSV sources read every file. It knows nothing of HR Import.
 *
 * What PHP does, and RFC 4180 readers (csv-parse among them) do not:
 * - a record ends at LF only; a CR before it is part of the line end, a CR elsewhere is data;
 * - inside quotes, a backslash makes the next character literal but stays in the value: `"a\"b"` reads `a\"b`;
 *   so `"C:\",` does not close the field, which then runs on over the next lines;
 * - text after a closing quote is kept, up to the delimiter: `"ab"cd` reads `abcd`, `"C:"\` reads `C:\`;
 * - a quote inside an unquoted field is data (`Fir"st`); whitespace before an opening quote is dropped;
 * - an unquoted field loses one trailing CR;
 * - an empty line is a record of its own with no field at all (PHP: `[null]`);
 * - a quoted field still open at the end of the input keeps everything to the end, line end included.
 */

/** Something worth telling about how a record was read. */
export type CsvQuirk =
  /** A `\` before a quote inside quotes: PHP keeps both and does not close the field there. */
  | 'escaped_quote'
  /** Text between a closing quote and the next delimiter, which PHP appends to the value. */
  | 'text_after_quote'
  /** A quote inside an unquoted field (data to PHP). */
  | 'bare_quote'
  /** A quoted field ran to the end of the input without its closing quote. */
  | 'unterminated_quote'
  /** Bytes not valid in the file's encoding, which Totara drops (they are dropped from the value too). */
  | 'invalid_bytes';

/** One record as PHP's fgetcsv returns it. */
export interface CsvRecord {
  /** 1-based record number (the header is 1). */
  row: number;
  /** The line it starts on. */
  line: number;
  /** The fields; an empty list for an empty line (PHP's `[null]`). */
  cells: string[];
  /** True for an empty line. */
  blank?: true;
  /** How the record departs from RFC 4180, when it does. */
  quirks?: CsvQuirk[];
  /** The field a quirk concerns (0-based), parallel to `quirks`. */
  quirkFields?: number[];
}

const QUOTE = 34;
const BACKSLASH = 92;
const CR = 13;
const LF = 10;

/** C's isspace() in the C and UTF-8 locales for one UTF-16 unit: space, \t \n \v \f \r. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * Push text in any chunk sizes, get complete records back; `end()` gives the last one.
 *
 * @example
 * ```ts
 * const parser = new FgetcsvParser(',');
 * [...parser.push('a,"b\\"c"\n'), ...parser.end()][0].cells; // ['a', 'b\\"c']
 * ```
 */
export class FgetcsvParser {
  readonly #delimiter: number;
  readonly #delimiterChar: string;
  #pending = '';
  #cells: string[] = [];
  #quirks: CsvQuirk[] | undefined;
  #quirkFields: number[] | undefined;
  /** The value of a quoted field that goes on over the next line. */
  #open: string | undefined;
  /** That open field has had a `\"` so far. */
  #openEscaped = false;
  /** That open field's opening quote ended its line. */
  #openAtLineEnd = false;
  /** Lines the current record has taken so far. */
  #recordLines = 0;
  #row = 1;
  #line = 1;
  #recordLine = 1;

  constructor(delimiter: string) {
    this.#delimiterChar = delimiter;
    this.#delimiter = delimiter.charCodeAt(0);
  }

  /** Parses a chunk; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let start = 0;
    let newline = text.indexOf('\n');
    if (newline === -1) {
      this.#pending += text;
      return out;
    }
    if (this.#pending !== '') {
      this.#takeLine(this.#pending + text.slice(0, newline + 1), out);
      this.#pending = '';
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    while (newline !== -1) {
      this.#takeLine(text.slice(start, newline + 1), out);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.#pending = text.slice(start);
    return out;
  }

  /** Ends the input; returns the last record (a last line without a line end, or a quoted field left open). */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.#pending !== '') {
      this.#takeLine(this.#pending, out);
      this.#pending = '';
    }
    if (this.#open !== undefined) {
      let value = this.#open;
      // PHP repeats the first character of the line end when the opening quote was the last thing on the record's
      // only line (`x,"` + LF reads `x` and LF LF): reproduced so that reading matches it byte for byte.
      if (this.#recordLines === 1 && this.#openAtLineEnd) value += value.charAt(0) || '\u0000';
      if (this.#openEscaped) this.#quirk('escaped_quote', this.#cells.length);
      this.#quirk('unterminated_quote', this.#cells.length);
      this.#cells.push(value);
      this.#open = undefined;
      this.#openEscaped = false;
      out.push(this.#record());
    }
    return out;
  }

  #quirk(quirk: CsvQuirk, field: number): void {
    this.#quirks ??= [];
    this.#quirks.push(quirk);
    this.#quirkFields ??= [];
    this.#quirkFields.push(field);
  }

  #record(): CsvRecord {
    const record: CsvRecord = { row: this.#row, line: this.#recordLine, cells: this.#cells };
    if (this.#quirks) {
      record.quirks = this.#quirks;
      record.quirkFields = this.#quirkFields as number[];
    }
    this.#cells = [];
    this.#quirks = undefined;
    this.#quirkFields = undefined;
    this.#recordLines = 0;
    this.#row++;
    this.#recordLine = this.#line;
    return record;
  }

  /** One line, with its line end when it has one. */
  #takeLine(line: string, out: CsvRecord[]): void {
    let end = line.length;
    const last = end > 0 ? line.charCodeAt(end - 1) : 0;
    if (last === LF) end -= end > 1 && line.charCodeAt(end - 2) === CR ? 2 : 1;
    else if (last === CR) end -= 1;
    const lineEnd = line.slice(end);
    if (lineEnd.includes('\n')) this.#line++;
    this.#recordLines++;
    let pos = 0;
    if (this.#open !== undefined) {
      pos = this.#quoted(line, end, lineEnd, 0);
      if (pos < 0) return;
      if (pos === end) {
        out.push(this.#record());
        return;
      }
      pos++;
    } else if (end === 0) {
      const record = this.#record();
      record.blank = true;
      out.push(record);
      return;
    }
    const delimiter = this.#delimiter;
    for (;;) {
      let quote = pos;
      while (quote < end) {
        const code = line.charCodeAt(quote);
        if (code === delimiter || !isSpace(code)) break;
        quote++;
      }
      if (quote < end && line.charCodeAt(quote) === QUOTE) {
        pos = this.#quoted(line, end, lineEnd, quote + 1);
        if (pos < 0) return;
      } else {
        let stop = line.indexOf(this.#delimiterChar, pos);
        if (stop === -1 || stop > end) stop = end;
        let value = line.slice(pos, stop);
        if (value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
        if (value.includes('"')) this.#quirk('bare_quote', this.#cells.length);
        this.#cells.push(value);
        pos = stop;
      }
      if (pos >= end) {
        out.push(this.#record());
        return;
      }
      pos++;
    }
  }

  /**
   * Reads a quoted field from `from` (just after the opening quote, or the start of a continuation line). Returns
   * where the field ends (a delimiter or `end`), or -1 when it goes on over the next line.
   */
  #quoted(line: string, end: number, lineEnd: string, from: number): number {
    let value = this.#open ?? '';
    this.#open = undefined;
    let hunk = from;
    let i = from;
    let state = 0; // 0 plain, 1 after a backslash, 2 after a quote
    let escapedQuote = this.#openEscaped;
    this.#openEscaped = false;
    for (;;) {
      if (i >= end) {
        if (state === 2) {
          value += line.slice(hunk, i - 1);
          hunk = i;
          break;
        }
        this.#openAtLineEnd = from === end && value === '';
        this.#open = value + line.slice(hunk, i) + lineEnd;
        this.#openEscaped = escapedQuote;
        return -1;
      }
      const code = line.charCodeAt(i);
      if (state === 1) {
        if (code === QUOTE) escapedQuote = true;
        state = 0;
        i++;
      } else if (state === 2) {
        if (code !== QUOTE) {
          value += line.slice(hunk, i - 1);
          hunk = i;
          break;
        }
        value += line.slice(hunk, i);
        i++;
        hunk = i;
        state = 0;
      } else {
        if (code === QUOTE) state = 2;
        else if (code === BACKSLASH) state = 1;
        i++;
      }
    }
    let stop = line.indexOf(this.#delimiterChar, hunk);
    if (stop === -1 || stop > end) stop = end;
    if (stop > hunk) this.#quirk('text_after_quote', this.#cells.length);
    if (escapedQuote) this.#quirk('escaped_quote', this.#cells.length);
    this.#cells.push(value + line.slice(hunk, stop));
    return stop;
  }
}
