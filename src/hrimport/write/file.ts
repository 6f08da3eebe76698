import type { ElementName } from '../columns/elements.js';
import type { ElementRecords } from '../columns/records.js';
import { orderColumns } from '../columns/required.js';
import { settingsFrom } from '../settings.js';
import type { WriteElementOptions, WriteElementResult } from './options.js';
import { openElementWriter } from './writer.js';

/**
 * Validates and writes a whole element file from records (an array, an iterable or an async iterable).
 *
 * @example
 * ```ts
 * const result = await writeElementFile('/var/hrimport', 'user', [
 *   { idnumber: 'E1', username: 'jsmith', timemodified: 0, deleted: 0, firstname: 'Jane', lastname: 'Smith', email: 'jane@example.org' },
 * ]);
 * console.log(result.path); // /var/hrimport/csv/ready/user.csv
 * ```
 */
export async function writeElementFile<E extends ElementName>(
  dir: string,
  element: E,
  records: Iterable<ElementRecords[E]> | AsyncIterable<ElementRecords[E]>,
  options: WriteElementOptions = {},
): Promise<WriteElementResult> {
  // With every record at hand, the header can cover the keys of all of them, not only the first.
  const settings = settingsFrom(options.settings);
  const union =
    !options.columns && Array.isArray(records) ? unionOfKeys(records as readonly object[]) : undefined;
  const columns = options.columns ?? (union ? orderColumns(element, settings, union) : undefined);
  const writer = await openElementWriter(dir, element, {
    ...options,
    settings,
    ...(columns ? { columns } : {}),
  });
  try {
    for await (const record of records) await writer.write(record);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.close();
}

function unionOfKeys(records: readonly object[]): string[] | undefined {
  if (records.length === 0) return undefined;
  const keys = new Set<string>();
  for (const record of records)
    for (const [key, value] of Object.entries(record)) if (value !== undefined) keys.add(key);
  return [...keys];
}
