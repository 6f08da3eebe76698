/**
 * Listing a zip through yauzl, with what yauzl leaves to us: our entry-name rules (zip slip, absolute paths,
 * backslashes), links and undecodable entries refused, the entry-count and declared-size limits, and yauzl's
 * plain errors turned into coded ones.
 */

import { at, MbzError, MbzFormatError, MbzLimitError, MbzUnsafeEntryError } from '../errors.js';
import { normaliseEntryName } from './entry-path.js';
import type { ResolvedLimits } from './limits.js';
import type { ArchiveEntry } from './types.js';
import { type Entry, yauzl, type ZipFile } from './yauzl.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** An entry as the central directory lists it; its date is computed only when asked for. */
export class ZipEntry implements ArchiveEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory';
  readonly size: number;
  readonly compressedSize: number;
  readonly #raw: Entry;

  constructor(name: string, raw: Entry) {
    const directory = name.endsWith('/');
    this.name = name;
    this.kind = directory ? 'directory' : 'file';
    this.size = directory ? 0 : raw.uncompressedSize;
    this.compressedSize = raw.compressedSize;
    this.#raw = raw;
  }

  /** Modification time (an extended timestamp when present, else the DOS time, which has no zone, read as UTC). */
  get mtime(): Date {
    return this.#raw.getLastModDate({ timezone: 'UTC' });
  }
}

/** The entries of a zip, in directory order, and yauzl's entry for each name (the first one listed). */
export interface ZipListing {
  entries: ZipEntry[];
  byName: Map<string, Entry>;
}

/** Checks one entry yauzl listed (opened with `decodeStrings: false`, so the name rules are ours). */
function admit(raw: Entry): ZipEntry {
  // yauzl's decoding (UTF-8 flag, Info-ZIP Unicode path field, else CP437), backslashes kept for our check.
  const name = normaliseEntryName(
    yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileNameRaw, raw.extraFields, true),
  );
  if (((raw.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    throw new MbzUnsafeEntryError('mbz.link_entry', `Entry "${name}" is a symbolic link.`, {
      ...at(name),
      hint: 'A symbolic link could point outside the folder it is extracted to; this archive was crafted or repacked. Do not extract it.',
    });
  }
  if (!name.endsWith('/') && !raw.canDecodeFileData()) {
    throw new MbzFormatError(
      'mbz.unsupported_entry',
      `Entry "${name}" is encrypted or uses an unknown compression method.`,
      {
        ...at(name),
        hint: 'Only stored or deflated entries are read; re-create the archive without encryption.',
      },
    );
  }
  return new ZipEntry(name, raw);
}

/**
 * Calls `visit` with each entry yauzl lists, asking for the next one only once `visit` has returned. When the
 * reader answers at once (records served from memory), yauzl emits the next entry inside `readEntry()`: the
 * loop below then asks again instead of nesting a call per entry, so a million entries need neither a tick
 * each nor a deep stack.
 */
function eachEntry(zip: ZipFile, visit: (raw: Entry) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let looping = false;
    let again = false;
    let failed = false;
    const next = (): void => {
      if (looping) {
        again = true;
        return;
      }
      looping = true;
      do {
        again = false;
        zip.readEntry();
      } while (again && !failed);
      looping = false;
    };
    const fail = (error: unknown): void => {
      failed = true;
      done();
      reject(error);
    };
    const onEntry = (raw: Entry): void => {
      if (failed) return;
      try {
        visit(raw);
      } catch (error) {
        fail(error);
        return;
      }
      next();
    };
    const onEnd = (): void => {
      done();
      resolve();
    };
    const done = (): void => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', fail);
    };
    zip.on('entry', onEntry).once('end', onEnd).once('error', fail);
    next();
  });
}

/** Reads the whole central directory, enforcing the entry-count and declared total-size limits. */
export async function listZip(zip: ZipFile, limits: ResolvedLimits, label: string): Promise<ZipListing> {
  if (zip.entryCount > limits.maxEntries) {
    throw new MbzLimitError(
      'mbz.entry_count_limit',
      `The zip lists ${zip.entryCount} entries (limit ${limits.maxEntries}).`,
      { hint: 'Raise limits.maxEntries if this backup is trusted.' },
    );
  }
  const entries: ZipEntry[] = [];
  const byName = new Map<string, Entry>();
  let declared = 0;
  try {
    await eachEntry(zip, (raw) => {
      const entry = admit(raw);
      declared += entry.size;
      entries.push(entry);
      if (!byName.has(entry.name)) byName.set(entry.name, raw);
    });
  } catch (error) {
    throw mapZipError(error, label, undefined, `central directory record ${entries.length + 1}`);
  }
  if (declared > limits.maxTotalBytes) {
    throw new MbzLimitError(
      'mbz.total_size_limit',
      `The zip declares ${declared} bytes of content (limit ${limits.maxTotalBytes}).`,
      {
        hint: 'Raise limits.maxTotalBytes if this backup is genuinely that large.',
        details: { limit: limits.maxTotalBytes },
      },
    );
  }
  return { entries, byName };
}

const HINT_DAMAGED = 'The zip is damaged; restore it from another copy.';

/**
 * yauzl's errors carry no codes, only messages; these are the ones worth telling apart (yauzl 3.x wording).
 * Anything else, zlib's errors included, is a damaged zip.
 */
const YAUZL_ERRORS: readonly { match: RegExp; code: string; hint: string }[] = [
  {
    match: /end of central directory record signature not found|unexpected EOF|overflows file bounds/i,
    code: 'mbz.truncated',
    hint: 'The zip is cut short (its end records or an entry are missing); fetch the backup again.',
  },
  {
    match: /encrypt|unsupported compression method/i,
    code: 'mbz.unsupported_entry',
    hint: 'Only stored or deflated entries are read; re-create the archive without encryption.',
  },
];

/**
 * Turns yauzl, zlib and file-system failures into coded errors; `entry` names the entry being read when known,
 * `where` says where in the archive otherwise (yauzl reports a bad record before its name is known).
 */
export function mapZipError(error: unknown, label: string, entry?: string, where?: string): MbzError {
  if (error instanceof MbzError) return error;
  const message = (error as Error)?.message ?? String(error);
  const known = YAUZL_ERRORS.find((e) => e.match.test(message));
  const place = entry ? ` (entry ${entry})` : where ? ` (${where})` : '';
  return new MbzFormatError(
    known?.code ?? 'mbz.corrupt_zip',
    `${label} is not a readable zip${place}: ${message.replace(/\.$/, '')}.`,
    { cause: error, hint: known?.hint ?? HINT_DAMAGED, details: { path: entry ?? label } },
  );
}
