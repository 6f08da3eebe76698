import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type ElementName, elementOfFileName } from '../columns/elements.js';
import type { RawRecord } from '../columns/records.js';
import { HrImportError } from '../errors.js';
import type { Delimiter } from '../settings.js';
import { type CsvRecord, readCsvRecords } from './reader.js';

/** Options of {@link readElementFile}. */
export interface ReadElementOptions {
  /** The element, when the file name does not tell it. */
  element?: ElementName | undefined;
  /** The delimiter; detected from the header when omitted. */
  delimiter?: Delimiter | undefined;
  /** The encoding (default UTF-8). */
  encoding?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** One record read back from an element file, with its record number (header = 1). */
export interface ReadRecord {
  row: number;
  /** Cells keyed by header name; rows with the wrong number of fields are not turned into records. */
  values: RawRecord;
}

/**
 * Reads an HR Import file (`csv/ready/user.csv`, or Totara's archived `csv/store/1700000000.user.csv`) as records
 * keyed by header name, for diffing or re-validation. Streams; the parse is strict RFC 4180.
 *
 * @example
 * ```ts
 * const file = await readElementFile('csv/store/1700000000.user.csv');
 * console.log(file.element, new Date(file.storedAt! * 1000));
 * for await (const { row, values } of file.records()) console.log(row, values.idnumber);
 * ```
 */
export async function readElementFile(
  path: string,
  options: ReadElementOptions = {},
): Promise<{
  element: ElementName;
  storedAt?: number | undefined;
  path: string;
  header: string[];
  records(): AsyncGenerator<ReadRecord>;
}> {
  const named = elementOfFileName(basename(path));
  const element = options.element ?? named?.element;
  if (!element)
    throw new HrImportError('hrimport.unknown_element_file', `Cannot tell which element ${path} holds.`, {
      hint: 'Name it user.csv, jobassignment.csv, org.csv, pos.csv or comp.csv (or <time>.<name> as in csv/store), or give the element.',
      details: { file: path },
    });
  const iterator = readCsvRecords(path, options);
  const first = await iterator.next();
  if (first.done) {
    await iterator.return(undefined);
    throw new HrImportError('hrimport.empty_file', `${path} is empty: not even a header row.`, {
      details: { file: path },
    });
  }
  const header = (first.value as CsvRecord).cells.map((name, i) =>
    i === 0 ? name.replace(/^\uFEFF/, '') : name,
  );
  let used = false;
  return {
    element,
    storedAt: named?.storedAt,
    path,
    header,
    async *records() {
      if (used) throw new HrImportError('hrimport.records_consumed', 'records() can be read once.');
      used = true;
      for await (const record of iterator) {
        if (record.cells.length !== header.length) continue;
        const values: RawRecord = {};
        header.forEach((name, i) => {
          values[name] = record.cells[i] as string;
        });
        yield { row: record.row, values };
      }
    },
  };
}

/** The element files in a directory: `csv/ready/*.csv` under a Totara files directory, or the directory itself. */
export async function findElementFiles(dir: string): Promise<Array<{ element: ElementName; path: string }>> {
  let base = dir;
  try {
    if ((await stat(join(dir, 'csv', 'ready'))).isDirectory()) base = join(dir, 'csv', 'ready');
  } catch {
    // not a Totara files directory: look in dir itself
  }
  const names = await readdir(base).catch((error: unknown) => {
    throw new HrImportError('hrimport.dir_unreadable', `Cannot read the directory ${dir}.`, {
      cause: error,
      details: { path: dir },
    });
  });
  const out: Array<{ element: ElementName; path: string }> = [];
  for (const name of names.sort()) {
    const found = elementOfFileName(name);
    if (found && found.storedAt === undefined) out.push({ element: found.element, path: join(base, name) });
  }
  return out;
}
