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
  /**
   * `link` is a tar hard link to an earlier entry: a second name for its content, as tar extracts it. Links that
   * lead nowhere are skipped with a warning, links that leave the archive are refused.
   */
  kind: 'file' | 'directory' | 'link' | 'other';
  /** Uncompressed size in bytes (0 for directories; a link's is its target's). */
  size: number;
  /** For a link: the normalised name of the earlier entry it shares its content with. */
  linkTarget?: string | undefined;
  /** Compressed size in bytes (zip only). */
  compressedSize?: number | undefined;
  /** Modification time, when the container records one. */
  mtime?: Date | undefined;
}

/** Receives one entry's content in pieces, as it is inflated: what a reader of a file of any size wants. */
export interface EntrySink {
  /** The next piece (a view into the reader's buffer: copy it to keep it). */
  write(chunk: Buffer): void | Promise<void>;
  /** The content is complete (its size and checksum checked where the packing has them). */
  end(): void | Promise<void>;
}

/**
 * What a visitor wants done with a file entry's content: nothing, all of it in memory (at most
 * `limits.maxXmlBytes`), or streamed to a sink.
 */
export type EntryWant = 'skip' | 'buffer' | EntrySink;

/** Something odd but harmless met while reading: a hard link that leads nowhere, a symbolic link... */
export interface ArchiveWarning {
  /** Stable code, e.g. `mbz.link_dangling`. */
  code: string;
  /** The entry concerned. */
  path: string;
  message: string;
}

/** Options of one pass over an archive. */
export interface WalkOptions {
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
  /** Called with each warning (default: none are reported). */
  onWarning?: ((warning: ArchiveWarning) => void) | undefined;
}

/**
 * A visitor of entries: `want` says what it needs of each file entry's content, `visit` then sees every entry in
 * order (after a sink's `end`; with the content when it asked for `buffer`).
 */
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
