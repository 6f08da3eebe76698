import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { type AtomicFile, openAtomic } from '../../core/atomic.js';
import { assertKnownOptions } from '../../core/errors.js';
import { ELEMENTS, type ElementName, isElementName } from '../columns/elements.js';
import { cellText, type ElementRecords } from '../columns/records.js';
import { orderColumns } from '../columns/required.js';
import { ChunkedSink, createRowEncoder, neutraliseFormula } from '../csv/writer.js';
import { HrImportError, HrImportValidationError, type MassRemovalCounts } from '../errors.js';
import { assertRemovalAllowed, countRemovals } from '../plan/removal-guard.js';
import { fileFormat, type HrImportSettings, settingsFrom } from '../settings.js';
import { ElementValidator } from '../validate/validator.js';
import {
  assertFileMode,
  DEFAULT_FILE_MODE,
  OPTION_KEYS,
  type WriteElementOptions,
  type WriteElementResult,
} from './options.js';

/** Where HR Import picks up an element's file: `<dir>/csv/ready/<element>.csv`. */
export function readyPath(dir: string, element: ElementName): string {
  return join(dir, 'csv', 'ready', ELEMENTS[element].file);
}

/**
 * A file being written: rows are validated and streamed to a temporary name; `close()` checks what needs every
 * row, then renames the file into `csv/ready/` only when there are no errors. Totara never sees half a file.
 */
export class ElementWriter<E extends ElementName = ElementName> {
  readonly element: E;
  readonly path: string;
  readonly #settings: HrImportSettings;
  readonly #options: WriteElementOptions;
  readonly #encode: (cells: readonly string[]) => string;
  readonly #latin1: boolean;
  #file: AtomicFile | undefined;
  #sink: ChunkedSink | undefined;
  #columns: string[] | undefined;
  #validator: ElementValidator | undefined;
  #rows = 0;
  #done = false;
  #cells: string[] = [];

  /** Use {@link openElementWriter}. */
  constructor(dir: string, element: E, settings: HrImportSettings, options: WriteElementOptions) {
    this.element = element;
    this.path = readyPath(dir, element);
    this.#settings = settings;
    this.#options = options;
    const format = fileFormat(settings, element);
    this.#encode = createRowEncoder({ delimiter: format.delimiter, lineEnding: settings.lineEnding });
    this.#latin1 = format.encoding === 'ISO-8859-1';
    if (options.columns) this.#start([...options.columns]);
  }

  #start(columns: string[]): void {
    this.#columns = columns;
    this.#cells = new Array<string>(columns.length);
    this.#validator = new ElementValidator({
      element: this.element,
      settings: this.#settings,
      file: ELEMENTS[this.element].file,
      known: this.#options.known,
      maxIssues: this.#options.maxIssues,
      // The removal guard needs the keys of the file, which only full checks keep.
      checks: this.#options.removalGuard ? 'full' : this.#options.checks,
      unknownColumns: 'error',
      duplicates: this.#options.removalGuard ? 'memory' : (this.#options.duplicates ?? 'disk'),
    });
    this.#validator.header(columns);
    this.#pendingHeader = this.#encode(columns);
  }

  #pendingHeader: string | undefined;

  /** Opens the temporary file (called by {@link openElementWriter}). */
  async open(): Promise<void> {
    const mode = this.#options.mode;
    this.#file = await openAtomic(this.path, { mode: mode ?? DEFAULT_FILE_MODE });
    if (mode !== undefined) {
      try {
        await chmod(this.#file.tempPath, mode);
      } catch (error) {
        await this.#file.abort();
        throw error;
      }
    }
    this.#sink = new ChunkedSink(this.#file.stream, { encoding: this.#latin1 ? 'latin1' : 'utf8' });
  }

  /** Validates and writes one record; resolves when the file can take more (backpressure). */
  async write(record: ElementRecords[E]): Promise<void> {
    if (this.#done) throw new HrImportError('hrimport.writer_closed', 'This writer is closed.');
    if (this.#options.signal?.aborted) {
      await this.abort();
      throw this.#options.signal.reason ?? new Error('aborted');
    }
    if (!this.#columns) this.#start(orderColumns(this.element, this.#settings, Object.keys(record)));
    const columns = this.#columns as string[];
    const validator = this.#validator as ElementValidator;
    const row = ++this.#rows + 1;
    const source = record as unknown as Record<string, unknown>;
    let present = 0;
    const cells = this.#cells;
    for (let i = 0; i < columns.length; i++) {
      const value = source[columns[i] as string];
      if (value !== undefined) present++;
      if (typeof value === 'object' && value !== null && !(value instanceof Date))
        this.#notACell(columns[i] as string, value, row);
      let text = cellText(value as never);
      if (this.#options.neutraliseFormulas) text = neutraliseFormula(text);
      cells[i] = text;
    }
    if (present !== Object.keys(source).length) this.#unknownKeys(source, row);
    if (this.#latin1) this.#checkLatin1(cells, row);
    validator.row(cells, row);
    let text = this.#encode(cells);
    if (this.#pendingHeader !== undefined) {
      text = this.#pendingHeader + text;
      this.#pendingHeader = undefined;
    }
    if (this.#rows % 10000 === 0)
      this.#options.onProgress?.({
        phase: `writing ${ELEMENTS[this.element].file}`,
        done: this.#rows,
        unit: 'rows',
      });
    const wait = (this.#sink as ChunkedSink).add(text);
    if (wait) await wait;
  }

  #unknownKeys(source: Record<string, unknown>, row: number): void {
    const columns = this.#columns as string[];
    for (const key of Object.keys(source)) {
      if (source[key] !== undefined && !columns.includes(key))
        this.#validator?.report(
          'error',
          'record.unknown_column',
          row,
          `The record has "${key}", which is not a column of this file.`,
          {
            column: key,
            hint: `Columns: ${columns.join(', ')}. Pass them all in \`columns\`, or give every record the same keys.`,
          },
        );
    }
  }

  /** JSON objects and arrays would be written as `[object Object]` or joined with commas: refuse them. */
  #notACell(column: string, value: object, row: number): void {
    this.#validator?.report(
      'error',
      'record.not_a_cell',
      row,
      `${column} is ${Array.isArray(value) ? 'an array' : 'an object'}; a cell takes text, a number, a boolean or a date.`,
      {
        column,
        hint: 'Flatten the record first (one column per value; custom fields as customfield_<shortname>).',
      },
    );
  }

  #checkLatin1(cells: string[], row: number): void {
    cells.forEach((cell, i) => {
      if (/[^\u0000-\u00ff]/.test(cell))
        this.#validator?.report(
          'error',
          'value.not_encodable',
          row,
          `${this.#columns?.[i]} has characters ISO-8859-1 cannot hold.`,
          {
            column: this.#columns?.[i],
            hint: 'Use UTF-8 (the encoding setting of the source) or remove those characters.',
          },
        );
    });
  }

  /**
   * Finishes: cross-row checks, then the removal guard, then the rename into `csv/ready/`. On errors the temporary
   * file is removed and {@link HrImportValidationError} (or {@link HrImportMassRemovalError}) is thrown.
   */
  async close(): Promise<WriteElementResult> {
    if (this.#done) throw new HrImportError('hrimport.writer_closed', 'This writer is closed.');
    try {
      if (!this.#columns) this.#start(orderColumns(this.element, this.#settings, []));
      const validator = this.#validator as ElementValidator;
      const sink = this.#sink as ChunkedSink;
      if (this.#pendingHeader !== undefined) {
        sink.add(this.#pendingHeader);
        this.#pendingHeader = undefined;
      }
      const flushed = sink.flush();
      if (flushed) await flushed;
      validator.finish();
      if (validator.errorCount > 0)
        throw new HrImportValidationError(
          `${ELEMENTS[this.element].file}: ${validator.errorCount} error(s) in ${this.#rows} row(s); nothing was written.`,
          validator.issues,
        );
      let removal: MassRemovalCounts | undefined;
      const guard = this.#options.removalGuard;
      if (guard) {
        removal = await countRemovals(
          this.element,
          this.#settings.elements[this.element],
          (key) => validator.keeps(key),
          guard,
        );
        assertRemovalAllowed(removal, guard.allowMassRemoval);
      }
      await (this.#file as AtomicFile).commit();
      this.#done = true;
      this.#options.onProgress?.({
        phase: `writing ${ELEMENTS[this.element].file}`,
        done: this.#rows,
        total: this.#rows,
        unit: 'rows',
      });
      return {
        element: this.element,
        path: this.path,
        columns: this.#columns as string[],
        rows: this.#rows,
        bytes: sink.bytes,
        issues: validator.issues,
        warnings: validator.warningCount,
        removal,
      };
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Drops the temporary file; nothing appears in `csv/ready/`. */
  async abort(): Promise<void> {
    this.#done = true;
    this.#validator?.dispose();
    await this.#file?.abort();
  }
}

/**
 * Opens a streaming writer for `<dir>/csv/ready/<element>.csv`.
 *
 * @example
 * ```ts
 * const writer = await openElementWriter('/var/hrimport', 'user', { settings });
 * for await (const person of people) await writer.write({ idnumber: person.id, username: person.login, ... });
 * const result = await writer.close(); // renamed into csv/ready/user.csv only if valid
 * ```
 */
export async function openElementWriter<E extends ElementName>(
  dir: string,
  element: E,
  options: WriteElementOptions = {},
): Promise<ElementWriter<E>> {
  assertKnownOptions('openElementWriter', options, OPTION_KEYS);
  if (!isElementName(element))
    throw new HrImportError('hrimport.unknown_element', `Unknown element "${String(element)}".`, {
      hint: `Elements: ${Object.keys(ELEMENTS).join(', ')}.`,
      details: { element },
    });
  assertFileMode(options.mode);
  const settings = settingsFrom(options.settings);
  const writer = new ElementWriter(dir, element, settings, options);
  await writer.open();
  return writer;
}
