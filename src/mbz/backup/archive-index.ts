import { at, MbzFormatError } from '../errors.js';

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
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const lines = text.split('\n');
  const header = HEADER.exec((lines[0] ?? '').trim());
  if (!header) {
    throw new MbzFormatError('mbz.index_malformed', '.ARCHIVE_INDEX does not start with its header line.', {
      ...at(ARCHIVE_INDEX_PATH),
      hint: HINT,
    });
  }
  const entries: ArchiveIndexEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const [name, kind, size, mtime] = line.split('\t');
    if (name === undefined || (kind !== 'd' && kind !== 'f') || size === undefined || !/^\d+$/.test(size)) {
      throw new MbzFormatError(
        'mbz.index_malformed',
        `.ARCHIVE_INDEX line ${i + 1} is not "path, d|f, size, mtime".`,
        { hint: HINT, details: { path: ARCHIVE_INDEX_PATH, line: i + 1 } },
      );
    }
    entries.push({
      name,
      kind: kind === 'd' ? 'directory' : 'file',
      size: Number(size),
      mtime: mtime && /^\d+$/.test(mtime) ? Number(mtime) : null,
    });
  }
  return { declaredCount: Number(header[1]), entries };
}
