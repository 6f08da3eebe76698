import { at, MbzFormatError } from '../errors.js';
import { tooManyRecords } from '../xml/records.js';

/** One line of Moodle's `.ARCHIVE_INDEX`. */
export interface ArchiveIndexEntry {
  name: string;
  kind: 'file' | 'directory';
  size: number;
  /** Unix time in seconds, or null when Moodle wrote `?`. */
  mtime: number | null;
}

/** Moodle's `.ARCHIVE_INDEX`: the first entry of the tar.gz backups it writes, listing every other entry. */
export interface ArchiveIndex {
  /** The count announced on the first line. */
  declaredCount: number;
  entries: ArchiveIndexEntry[];
}

export const ARCHIVE_INDEX_PATH = '.ARCHIVE_INDEX';
const HEADER = /^Moodle archive file index\. Count: (\d+)$/;
const PIECE = 48 << 10;
const HINT = 'The index is damaged; `mts mbz verify` checks the archive without it.';

/**
 * Parses `.ARCHIVE_INDEX` (a header line, then `path TAB d|f TAB size TAB mtime` per entry).
 *
 * @example
 * ```ts
 * const index = parseArchiveIndex(buffer);
 * console.log(index.declaredCount === index.entries.length);
 * ```
 */
export function parseArchiveIndex(content: Buffer | string): ArchiveIndex {
  const reader = new ArchiveIndexReader(Number.POSITIVE_INFINITY);
  reader.write(typeof content === 'string' ? Buffer.from(content) : content);
  return reader.end();
}

/**
 * {@link parseArchiveIndex} for an index read in chunks, keeping at most `maxRecords` lines, or none when each
 * is handed to `onEntry`.
 */
export class ArchiveIndexReader {
  readonly #maxRecords: number;
  readonly #onEntry: ((entry: ArchiveIndexEntry) => void) | undefined;
  #count = 0;
  readonly #decoder = new TextDecoder('utf-8');
  #rest = '';
  #line = 0;
  #declared = -1;
  readonly #entries: ArchiveIndexEntry[] = [];

  constructor(maxRecords: number, onEntry?: (entry: ArchiveIndexEntry) => void) {
    this.#maxRecords = maxRecords;
    this.#onEntry = onEntry;
  }

  write(chunk: Buffer): void {
    // In pieces small enough for their strings to die young (see XmlScanner.write).
    for (let at = 0; at < chunk.length; at += PIECE) this.#write(chunk.subarray(at, at + PIECE));
  }

  #write(chunk: Buffer): void {
    const text = this.#rest + this.#decoder.decode(chunk, { stream: true });
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.#take(text.slice(from, nl));
      from = nl + 1;
    }
    this.#rest = text.slice(from);
  }

  end(): ArchiveIndex {
    const last = this.#rest + this.#decoder.decode();
    if (last !== '' || this.#line === 0) this.#take(last);
    return { declaredCount: this.#declared, entries: this.#entries };
  }

  #take(line: string): void {
    this.#line++;
    if (this.#line === 1) {
      const header = HEADER.exec(line.trim());
      if (!header) {
        throw new MbzFormatError(
          'mbz.index_malformed',
          '.ARCHIVE_INDEX does not start with its header line.',
          {
            ...at(ARCHIVE_INDEX_PATH),
            hint: HINT,
          },
        );
      }
      this.#declared = Number(header[1]);
      return;
    }
    if (line === '') return;
    const [name, kind, size, mtime] = line.split('\t');
    if (name === undefined || (kind !== 'd' && kind !== 'f') || size === undefined || !/^\d+$/.test(size)) {
      throw new MbzFormatError(
        'mbz.index_malformed',
        `.ARCHIVE_INDEX line ${this.#line} is not "path, d|f, size, mtime".`,
        { hint: HINT, details: { path: ARCHIVE_INDEX_PATH, line: this.#line } },
      );
    }
    if (++this.#count > this.#maxRecords) throw tooManyRecords(ARCHIVE_INDEX_PATH, this.#maxRecords);
    const entry: ArchiveIndexEntry = {
      name,
      kind: kind === 'd' ? 'directory' : 'file',
      size: Number(size),
      mtime: mtime && /^\d+$/.test(mtime) ? Number(mtime) : null,
    };
    if (this.#onEntry) this.#onEntry(entry);
    else this.#entries.push(entry);
  }
}
