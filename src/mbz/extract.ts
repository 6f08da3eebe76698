import type { Readable } from 'node:stream';
import { assertKnownOptions } from '../core/errors.js';
import { normaliseEntryName } from './archive/entry-path.js';
import { openArchive } from './archive/open.js';
import type { ArchiveReader, BackupSource } from './archive/types.js';
import {
  type BackupFileRecord,
  blobPath,
  FILES_XML_PATH,
  isDirectoryRecord,
  originalName,
  parseFilesXml,
} from './backup/files-xml.js';
import { MbzEntryNotFoundError, MbzError, MbzUnsafeEntryError } from './errors.js';
import type { ListOptions } from './list.js';

/**
 * The name a caller asked for, checked as a name inside an archive. A `..` or absolute path here is the caller's
 * typing, not a hostile archive, so it gets its own code and a hint about what to type instead.
 */
function requestedEntryName(name: string): string {
  try {
    return normaliseEntryName(name);
  } catch (error) {
    if (!(error instanceof MbzUnsafeEntryError)) throw error;
    throw new MbzEntryNotFoundError(
      'mbz.bad_entry_name',
      `"${name}" is not a path inside a backup: entry names are relative, with "/" separators and no "..".`,
      {
        hint: 'List the entries with `mts mbz ls FILE` (or listEntries()) and give one of those names.',
        details: { path: name },
      },
    );
  }
}

/**
 * Streams one entry of a backup (`moodle_backup.xml`, `files/1b/1b7a…`) without unpacking anything else. The
 * archive is closed when the stream ends or is destroyed.
 *
 * @example
 * ```ts
 * const stream = await openEntry('backup.mbz', 'moodle_backup.xml');
 * stream.pipe(process.stdout);
 * ```
 */
export async function openEntry(
  source: BackupSource,
  name: string,
  options: ListOptions = {},
): Promise<Readable> {
  assertKnownOptions('openEntry', options, ['limits', 'onProgress', 'signal']);
  const wanted = requestedEntryName(name);
  const reader = await openArchive(source, { limits: options.limits });
  try {
    return await streamFrom(
      reader,
      wanted,
      options,
      () =>
        new MbzEntryNotFoundError('mbz.entry_not_found', `The backup has no file entry "${wanted}".`, {
          hint: 'List the entries with `mts mbz ls FILE`.',
          details: { path: wanted },
        }),
    );
  } catch (error) {
    await reader.close();
    throw error;
  }
}

/** A file of the course, found by its original name in `files.xml`, and its content. */
export interface OriginalFile {
  record: BackupFileRecord;
  stream: Readable;
}

/**
 * Streams a file of the course by its original name, as `files.xml` records it:
 * `component/filearea/itemid/filepath/filename` or `component/filearea/filepath/filename`
 * (e.g. `mod_resource/content/0/notes.pdf` or `mod_resource/content/notes.pdf`).
 *
 * @example
 * ```ts
 * const { record, stream } = await openOriginalFile('backup.mbz', 'mod_resource/content/0/notes.pdf');
 * console.log(record.filesize, record.mimetype);
 * ```
 */
export async function openOriginalFile(
  source: BackupSource,
  name: string,
  options: ListOptions = {},
): Promise<OriginalFile> {
  assertKnownOptions('openOriginalFile', options, ['limits', 'onProgress', 'signal']);
  const reader = await openArchive(source, { limits: options.limits });
  try {
    const filesXml = (await reader.readMany([FILES_XML_PATH], options)).get(FILES_XML_PATH);
    const records = filesXml ? parseFilesXml(filesXml) : [];
    const record = findRecord(records, name);
    const path = blobPath(record.contenthash);
    const stream = await streamFrom(
      reader,
      path,
      options,
      () =>
        new MbzEntryNotFoundError(
          'mbz.blob_missing',
          `files.xml lists "${name}" but its content ${path} is missing.`,
          {
            hint: '`mts mbz verify FILE` lists every missing blob.',
            details: { path },
          },
        ),
    );
    return { record, stream };
  } catch (error) {
    await reader.close();
    throw error;
  }
}

/** The record of `files.xml` that `name` designates; throws when none, or when several differ in content. */
export function findRecord(records: readonly BackupFileRecord[], name: string): BackupFileRecord {
  const matches = records.filter((record) => {
    if (isDirectoryRecord(record)) return false;
    const short = `${record.component}/${record.filearea}${record.filepath}${record.filename}`;
    return originalName(record) === name || short === name;
  });
  const first = matches[0];
  if (!first) {
    throw new MbzEntryNotFoundError('mbz.file_not_found', `No file named "${name}" in files.xml.`, {
      hint: 'Names look like component/filearea/itemid/filepath/filename, e.g. mod_resource/content/0/notes.pdf.',
      details: { path: name },
    });
  }
  if (matches.some((record) => record.contenthash !== first.contenthash)) {
    throw new MbzError('mbz.ambiguous_file', `${matches.length} different files are named "${name}".`, {
      hint: `Name one by its item id: ${matches.map(originalName).slice(0, 5).join(', ')}.`,
      details: { path: name, candidates: matches.map(originalName) },
    });
  }
  return first;
}

async function streamFrom(
  reader: ArchiveReader,
  name: string,
  options: ListOptions,
  notFound: () => MbzError,
): Promise<Readable> {
  const stream = await reader.openStream(name, { onProgress: options.onProgress, signal: options.signal });
  if (!stream) throw notFound();
  stream.once('close', () => void reader.close());
  return stream;
}
