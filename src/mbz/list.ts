import { assertKnownOptions } from '../core/errors.js';
import { openArchive } from './archive/open.js';
import type { ArchiveEntry, BackupSource } from './archive/types.js';
import type { InspectOptions } from './inspect.js';

/** Options of {@link listEntries}. */
export type ListOptions = Omit<InspectOptions, 'inventory'>;

/**
 * Lists the entries of a backup in archive order (zip: from the central directory; tar.gz: one pass that reads
 * no content).
 *
 * @example
 * ```ts
 * for (const entry of await listEntries('backup.mbz')) console.log(entry.size, entry.name);
 * ```
 */
export async function listEntries(source: BackupSource, options: ListOptions = {}): Promise<ArchiveEntry[]> {
  assertKnownOptions('listEntries', options, ['limits', 'onProgress', 'signal']);
  const reader = await openArchive(source, { limits: options.limits });
  try {
    const entries: ArchiveEntry[] = [];
    await reader.walk(
      { want: () => 'skip', visit: (entry) => void entries.push(entry) },
      { onProgress: options.onProgress, signal: options.signal },
    );
    return entries;
  } finally {
    await reader.close();
  }
}
