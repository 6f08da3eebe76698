/**
 * The central directory of a zip (APPNOTE 4.3.12-4.3.16, with the Zip64 records of 4.3.14-4.3.15), read in one
 * piece and decoded in one loop: listing a backup of a million entries costs two reads, whatever its size.
 */
import type { ArchiveEntry } from './archive.js';
import { normaliseEntryName } from './entry-path.js';
import { at, MbzFormatError, MbzLimitError, MbzUnsafeEntryError } from './errors.js';
import type { ResolvedLimits } from './limits.js';
import type { RandomAccess } from './random-access.js';

/** Where an entry's data is and how it is stored, as the central directory says. */
export interface ZipEntryLocation {
  localHeaderOffset: number;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflated. */
  method: number;
  crc32: number;
}

/**
 * An entry as the central directory lists it: one object per entry (a directory can list a million), its date
 * turned into a Date and its location into an object only when asked for.
 */
export class ZipEntry implements ArchiveEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory';
  readonly size: number;
  readonly compressedSize: number;
  readonly #uncompressedSize: number;
  readonly #localHeaderOffset: number;
  readonly #method: number;
  readonly #crc32: number;
  readonly #dosDateTime: number;

  constructor(name: string, location: ZipEntryLocation, dosDateTime: number) {
    const directory = name.endsWith('/');
    this.name = name;
    this.kind = directory ? 'directory' : 'file';
    this.size = directory ? 0 : location.uncompressedSize;
    this.compressedSize = location.compressedSize;
    this.#uncompressedSize = location.uncompressedSize;
    this.#localHeaderOffset = location.localHeaderOffset;
    this.#method = location.method;
    this.#crc32 = location.crc32;
    this.#dosDateTime = dosDateTime;
  }

  /** Modification time (zip stores local time without a zone; read as UTC). */
  get mtime(): Date {
    return dosDate(this.#dosDateTime >>> 16, this.#dosDateTime & 0xffff);
  }

  location(): ZipEntryLocation {
    return {
      localHeaderOffset: this.#localHeaderOffset,
      compressedSize: this.compressedSize,
      uncompressedSize: this.#uncompressedSize,
      method: this.#method,
      crc32: this.#crc32,
    };
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const EOCD_SIZE = 22;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function corrupt(label: string, message: string, path?: string): MbzFormatError {
  return new MbzFormatError('mbz.corrupt_zip', `${label} is not a readable zip: ${message}.`, {
    hint: 'The zip is damaged; restore it from another copy.',
    details: { path: path ?? label },
  });
}

function truncated(label: string, message: string): MbzFormatError {
  return new MbzFormatError('mbz.truncated', `${label} is not a readable zip: ${message}.`, {
    hint: 'The zip is cut short (its central directory is missing or incomplete); fetch the backup again.',
    details: { path: label },
  });
}

function uint64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
}

/** Finds the central directory: its offset, size and entry count. */
async function locate(
  file: RandomAccess,
  label: string,
): Promise<{ offset: number; size: number; count: number; end: number }> {
  const tailLength = Math.min(file.size, EOCD_SIZE + 0xffff + 20);
  const tailStart = file.size - tailLength;
  const tail = await file.read(tailStart, tailLength);
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD) continue;
    if (tail.readUInt16LE(i + 20) !== tail.length - i - EOCD_SIZE) continue;
    if (tail.readUInt16LE(i + 4) !== 0 && tail.readUInt16LE(i + 4) !== 0xffff) {
      throw corrupt(label, 'multi-disk zips are not supported');
    }
    let count = tail.readUInt16LE(i + 10);
    let size = tail.readUInt32LE(i + 12);
    let offset = tail.readUInt32LE(i + 16);
    let end = tailStart + i;
    if (i >= 20 && tail.readUInt32LE(i - 20) === ZIP64_LOCATOR) {
      const recordAt = uint64(tail, i - 12);
      const record = await file.read(recordAt, 56);
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) {
        throw corrupt(label, 'the Zip64 end of central directory record is missing');
      }
      count = uint64(record, 32);
      size = uint64(record, 40);
      offset = uint64(record, 48);
      end = recordAt;
    }
    if (offset + size > end) {
      throw truncated(label, `the central directory (${size} bytes at ${offset}) runs past its end record`);
    }
    return { offset, size, count, end };
  }
  throw truncated(
    label,
    'no end of central directory record (unexpected end of file, or not a zip: the file may be truncated)',
  );
}

/**
 * Reads and decodes the central directory, refusing unsafe names, links, encrypted entries and unknown
 * compression methods, and enforcing the entry-count and declared-size limits.
 */
export async function readZipDirectory(
  file: RandomAccess,
  limits: ResolvedLimits,
  label: string,
): Promise<{ entries: ZipEntry[]; byName: Map<string, ZipEntry> }> {
  const where = await locate(file, label);
  if (where.count > limits.maxEntries) {
    throw new MbzLimitError(
      'mbz.entry_count_limit',
      `The zip lists ${where.count} entries (limit ${limits.maxEntries}).`,
      { hint: 'Raise limits.maxEntries if this backup is trusted.' },
    );
  }
  const cd = await file.read(where.offset, where.size);
  if (cd.length < where.size) throw truncated(label, 'the central directory is cut short');
  const entries: ZipEntry[] = [];
  const byName = new Map<string, ZipEntry>();
  // DataView reads are builtins, fast from the first call; this loop runs once per entry, mostly before the JIT.
  const view = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  let declared = 0;
  let p = 0;
  for (let k = 0; k < where.count; k++) {
    if (p + 46 > cd.length || view.getUint32(p, true) !== CENTRAL_HEADER) {
      throw corrupt(label, `central directory record ${k + 1} of ${where.count} is damaged`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const next = p + 46 + nameLength + extraLength + view.getUint16(p + 32, true);
    if (next > cd.length) throw corrupt(label, `central directory record ${k + 1} overruns the directory`);
    const nameStart = p + 46;
    const utf8 = cd.toString('utf8', nameStart, nameStart + nameLength);
    const raw =
      (flags & 0x800) !== 0 || !utf8.includes('\uFFFD')
        ? utf8
        : cd.toString('latin1', nameStart, nameStart + nameLength);
    const name = normaliseEntryName(raw);
    const location: ZipEntryLocation = {
      localHeaderOffset: view.getUint32(p + 42, true),
      compressedSize: view.getUint32(p + 20, true),
      uncompressedSize: view.getUint32(p + 24, true),
      method,
      crc32: view.getUint32(p + 16, true),
    };
    if (
      location.uncompressedSize === 0xffffffff ||
      location.compressedSize === 0xffffffff ||
      location.localHeaderOffset === 0xffffffff
    ) {
      readZip64Extra(cd, nameStart + nameLength, extraLength, location, label, name);
    }
    const mode = (view.getUint32(p + 38, true) >>> 16) & S_IFMT;
    if (mode === S_IFLNK) {
      throw new MbzUnsafeEntryError('mbz.link_entry', `Entry "${name}" is a symbolic link.`, {
        ...at(name),
        hint: 'Moodle backups never contain links; this archive was crafted or repacked. Do not extract it.',
      });
    }
    const directory = name.endsWith('/');
    if (!directory && ((flags & 0x41) !== 0 || (method !== 0 && method !== 8))) {
      throw new MbzFormatError(
        'mbz.unsupported_entry',
        `Entry "${name}" is encrypted or uses an unknown compression method.`,
        { ...at(name), hint: 'Moodle writes plain deflate zips; re-create the archive without encryption.' },
      );
    }
    if (method === 0 && location.compressedSize !== location.uncompressedSize) {
      throw corrupt(label, `stored entry ${name} declares two different sizes`, name);
    }
    declared += directory ? 0 : location.uncompressedSize;
    const entry = new ZipEntry(name, location, view.getUint32(p + 12, true));
    entries.push(entry);
    if (!byName.has(name)) byName.set(name, entry);
    p = next;
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

/** Applies the Zip64 extended information extra field (id 1) to the sizes and offset marked 0xffffffff. */
function readZip64Extra(
  cd: Buffer,
  start: number,
  length: number,
  location: ZipEntryLocation,
  label: string,
  name: string,
): void {
  for (let q = start; q + 4 <= start + length; ) {
    const id = cd.readUInt16LE(q);
    const size = cd.readUInt16LE(q + 2);
    const data = q + 4;
    if (data + size > start + length) break;
    if (id === 1) {
      let r = data;
      const take = (): number => {
        if (r + 8 > data + size) throw corrupt(label, `the Zip64 field of ${name} is too short`, name);
        const value = uint64(cd, r);
        r += 8;
        return value;
      };
      if (location.uncompressedSize === 0xffffffff) location.uncompressedSize = take();
      if (location.compressedSize === 0xffffffff) location.compressedSize = take();
      if (location.localHeaderOffset === 0xffffffff) location.localHeaderOffset = take();
      return;
    }
    q = data + size;
  }
  throw corrupt(label, `${name} needs a Zip64 extra field and has none`, name);
}

/** A DOS date and time (as zip stores them, no time zone) read as UTC. */
function dosDate(date: number, time: number): Date {
  return new Date(
    Date.UTC(
      (date >> 9) + 1980,
      ((date >> 5) & 0xf) - 1,
      date & 0x1f,
      time >> 11,
      (time >> 5) & 0x3f,
      (time & 0x1f) * 2,
    ),
  );
}
