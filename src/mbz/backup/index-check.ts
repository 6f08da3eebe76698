import type { ArchiveEntry } from '../archive/types.js';
import { ARCHIVE_INDEX_PATH, type ArchiveIndex } from './archive-index.js';

/** How `.ARCHIVE_INDEX` compares with the entries of the archive. */
export interface IndexCheck {
  /** True when the index lists exactly the archive's entries, with their sizes. */
  matches: boolean;
  declaredCount: number;
  listed: number;
  /** Listed in the index, absent from the archive. */
  missing: string[];
  /** In the archive, not listed in the index. */
  unlisted: string[];
  /** Files whose size differs: [name, index size, archive size]. */
  sizeMismatches: [string, number, number][];
}

/** Compares Moodle's index with the entries found (directories by name, files by name and size). */
export function compareIndex(index: ArchiveIndex, entries: readonly ArchiveEntry[]): IndexCheck {
  const actual = new Map<string, ArchiveEntry>();
  for (const entry of entries) if (entry.name !== ARCHIVE_INDEX_PATH) actual.set(entry.name, entry);
  const listed = new Set<string>();
  const check: IndexCheck = {
    matches: true,
    declaredCount: index.declaredCount,
    listed: index.entries.length,
    missing: [],
    unlisted: [],
    sizeMismatches: [],
  };
  for (const item of index.entries) {
    const name = item.kind === 'directory' && !item.name.endsWith('/') ? `${item.name}/` : item.name;
    listed.add(name);
    const found = actual.get(name);
    if (!found) check.missing.push(name);
    else if (item.kind === 'file' && found.size !== item.size)
      check.sizeMismatches.push([name, item.size, found.size]);
  }
  for (const name of actual.keys()) if (!listed.has(name)) check.unlisted.push(name);
  check.matches =
    check.missing.length === 0 &&
    check.unlisted.length === 0 &&
    check.sizeMismatches.length === 0 &&
    index.declaredCount === index.entries.length;
  return check;
}
