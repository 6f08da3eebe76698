import { stat } from 'node:fs/promises';
import { assertKnownOptions } from '../../core/errors.js';
import { type MbzLimits, resolveLimits } from './limits.js';
import { describeSource, detectFormat, readHead } from './source.js';
import type { ArchiveReader, BackupSource } from './types.js';

/** Options of {@link openArchive}. */
export interface OpenArchiveOptions {
  /** Safety limits (see {@link MbzLimits}). */
  limits?: MbzLimits | undefined;
}

/**
 * Opens a backup archive of either packing, telling zip from tar.gz by the first bytes. A zip's central directory
 * is read at once; a tar.gz is only read when an operation walks it.
 *
 * @example
 * ```ts
 * const archive = await openArchive('course.mbz');
 * try { console.log(archive.format); } finally { await archive.close(); }
 * ```
 */
export async function openArchive(
  source: BackupSource,
  options: OpenArchiveOptions = {},
): Promise<ArchiveReader> {
  assertKnownOptions('openArchive', options, ['limits']);
  const limits = resolveLimits(options.limits);
  const head = await readHead(source, 512);
  const format = detectFormat(head, describeSource(source));
  // Each packing's reader (and its library: yauzl, tar-stream) is loaded only when a backup of that packing is
  // opened: module loading is a large part of a short command like `mts mbz inspect` on a zip.
  if (format === 'zip') return (await import('./zip-reader.js')).ZipReader.open(source, limits);
  const size = typeof source === 'string' ? (await stat(source)).size : source.byteLength;
  return new (await import('./tar-reader.js')).TarGzReader(source, size, limits);
}
