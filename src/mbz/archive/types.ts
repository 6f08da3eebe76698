import type { Readable } from 'node:stream';
import type { ProgressListener } from '../../core/progress.js';
import type { ResolvedLimits } from './limits.js';

/** How an archive is packed: a zip, or a gzip-compressed tar. */
export type BackupFormat = 'zip' | 'tar.gz';

/** Where a backup is read from: a file path, or the whole archive in memory. */
export type BackupSource = string | Uint8Array;

/** One entry of the archive, as its container lists it. */
export interface ArchiveEntry {
  /** Normalised path inside the archive (`files/1b/1b7a…`, directories end with `/`). */
  name: string;
  kind: 'file' | 'directory' | 'link' | 'other';
  /** Uncompressed size in bytes (0 for directories). */
  size: number;
  /** Compressed size in bytes (zip only). */
  compressedSize?: number | undefined;
  /** Modification time, when the container records one. */
  mtime?: Date | undefined;
}

/** What a visitor wants done with an entry's content. */
export type EntryWant = 'skip' | 'buffer';

/** Options of one pass over an archive. */
export interface WalkOptions {
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
}

/** A visitor of entries: `want` says which entries it needs in memory, `visit` sees every entry in order. */
export interface EntryVisitor {
  want(entry: ArchiveEntry): EntryWant;
  visit(entry: ArchiveEntry, content: Buffer | undefined): void | Promise<void>;
}

/** An open archive of either packing. */
export interface ArchiveReader {
  readonly format: BackupFormat;
  readonly limits: ResolvedLimits;
  /** True when entries can be read in any order without a pass over the whole archive (zip). */
  readonly randomAccess: boolean;
  /** Visits every entry in archive order, reading into memory those the visitor wants. */
  walk(visitor: EntryVisitor, options?: WalkOptions): Promise<void>;
  /** Reads the named entries into memory (zip: directly; tar.gz: one pass). Missing names are absent. */
  readMany(names: readonly string[], options?: WalkOptions): Promise<Map<string, Buffer>>;
  /** A stream of one entry's content, or undefined when there is no such file entry. */
  openStream(name: string, options?: WalkOptions): Promise<Readable | undefined>;
  close(): Promise<void>;
}
