import type { ArchiveEntry } from '../archive/types.js';
import { detach } from '../xml/records.js';
import { ARCHIVE_INDEX_PATH, type ArchiveIndex, type ArchiveIndexEntry } from './archive-index.js';

/** How `.ARCHIVE_INDEX` compares with the entries of the archive. */
export interface IndexCheck {
  /** True when the index lists exactly the archive's entries, with their sizes. */
  matches: boolean;
  declaredCount: number;
  listed: number;
  /** Listed in the index, absent from the archive (the first 1,000; see `counts`). */
  missing: string[];
  /** In the archive, not listed in the index (the first 1,000; see `counts`). */
  unlisted: string[];
  /** Files whose size differs: [name, index size, archive size] (the first 1,000). */
  sizeMismatches: [string, number, number][];
  /** How many of each there are in all. */
  counts: { missing: number; unlisted: number; sizeMismatches: number };
}

/** Most names kept of each kind of difference: enough to show, bounded whatever the archive holds. */
export const INDEX_SAMPLE = 1000;
/** Most entries kept waiting for an index that is not the first entry (Moodle always writes it first). */
const EARLY = 100_000;
/** Most index lines compared; a larger index (a backup of more entries) is left uncompared, with a warning. */
const INDEX_LIMIT = 250_000;

/**
 * Compares Moodle's index with the entries as they are read (directories by name, files by name and size),
 * keeping only the index: Moodle writes it first, so entries are checked off as they come. Entries met before
 * the index (a repacked archive) are kept until it arrives.
 */
export class IndexComparison {
  #declared = -1;
  #listed = 0;
  #read = false;
  /** True when too many entries came before the index to keep them all: it is then not compared. */
  #lost = false;
  /** Index entries not met yet, by name (directories -1). */
  readonly #pending = new Map<string, number>();
  /** Index entries met. */
  readonly #met = new Set<string>();
  #early: ArchiveEntry[] | null = [];
  readonly #check: IndexCheck = {
    matches: true,
    declaredCount: 0,
    listed: 0,
    missing: [],
    unlisted: [],
    sizeMismatches: [],
    counts: { missing: 0, unlisted: 0, sizeMismatches: 0 },
  };

  /** One line of the index, as it is read. */
  list(item: ArchiveIndexEntry): void {
    if (++this.#listed > INDEX_LIMIT) {
      if (!this.#lost) this.#pending.clear();
      this.#lost = true;
      return;
    }
    const name = item.kind === 'directory' && !item.name.endsWith('/') ? `${item.name}/` : item.name;
    this.#pending.set(detach(name), item.kind === 'directory' ? -1 : item.size);
  }

  /** The index was read whole: the entries seen before it are compared now. */
  indexRead(declaredCount: number): void {
    this.#declared = declaredCount;
    this.#read = true;
    const early = this.#early ?? [];
    this.#early = null;
    for (const entry of early) this.add(entry);
  }

  /** Sets a whole parsed index at once. */
  setIndex(index: ArchiveIndex): void {
    for (const item of index.entries) this.list(item);
    this.indexRead(index.declaredCount);
  }

  /** Checks one entry of the archive against the index. */
  add(entry: ArchiveEntry): void {
    if (entry.name === ARCHIVE_INDEX_PATH) return;
    if (this.#lost) return;
    if (this.#early !== null) {
      if (this.#early.length >= EARLY) {
        this.#lost = true;
        this.#early = [];
      } else this.#early.push({ name: entry.name, kind: entry.kind, size: entry.size });
      return;
    }
    const check = this.#check;
    const size = this.#pending.get(entry.name);
    if (size === undefined) {
      if (this.#met.has(entry.name)) return;
      check.counts.unlisted++;
      if (check.unlisted.length < INDEX_SAMPLE) check.unlisted.push(entry.name);
      return;
    }
    this.#pending.delete(entry.name);
    this.#met.add(entry.name);
    if (size >= 0 && entry.kind !== 'directory' && entry.size !== size) {
      check.counts.sizeMismatches++;
      if (check.sizeMismatches.length < INDEX_SAMPLE)
        check.sizeMismatches.push([entry.name, size, entry.size]);
    }
  }

  /**
   * True when the index was not compared: it came after more entries than are kept waiting for it, or it lists
   * more than are compared.
   */
  get lost(): boolean {
    return this.#read && this.#lost;
  }

  /** The comparison, once every entry was added; null when the archive has no index (or it came too late). */
  result(): IndexCheck | null {
    if (!this.#read || this.#lost) return null;
    const check = this.#check;
    check.declaredCount = this.#declared;
    check.listed = this.#listed;
    check.counts.missing = this.#pending.size;
    check.missing = [...this.#pending.keys()].slice(0, INDEX_SAMPLE);
    check.matches =
      check.counts.missing === 0 &&
      check.counts.unlisted === 0 &&
      check.counts.sizeMismatches === 0 &&
      this.#declared === this.#listed;
    return check;
  }
}
