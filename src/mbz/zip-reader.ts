import { type Readable, Transform } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, createInflateRaw, inflateRaw } from 'node:zlib';
import type { ArchiveEntry, ArchiveReader, BackupSource, EntryVisitor, WalkOptions } from './archive.js';
import { at, MbzAbortError, MbzError, MbzFormatError, MbzLimitError } from './errors.js';
import type { ResolvedLimits } from './limits.js';
import { bufferAccess, fileAccess, type RandomAccess } from './random-access.js';
import { describeSource } from './source.js';
import { readZipDirectory, type ZipEntry, type ZipEntryLocation } from './zip-directory.js';

const inflateRawAsync = promisify(inflateRaw);
const LOCAL_HEADER = 0x04034b50;

/**
 * A zip read through its central directory: listing costs one read of the directory at the end of the file, and
 * each entry is then read on its own, so looking at `moodle_backup.xml` does not depend on the archive's size.
 * Every entry read is checked against the size and CRC-32 the directory declares.
 */
export class ZipReader implements ArchiveReader {
  readonly format = 'zip' as const;
  readonly randomAccess = true;
  readonly limits: ResolvedLimits;
  readonly entries: readonly ArchiveEntry[];
  readonly #file: RandomAccess;
  readonly #byName: Map<string, ZipEntry>;
  readonly #label: string;

  private constructor(
    file: RandomAccess,
    entries: ZipEntry[],
    byName: Map<string, ZipEntry>,
    limits: ResolvedLimits,
    label: string,
  ) {
    this.#file = file;
    this.limits = limits;
    this.#label = label;
    this.entries = entries;
    this.#byName = byName;
  }

  /** Opens the zip and reads its central directory, enforcing entry-count and total-size limits. */
  static async open(source: BackupSource, limits: ResolvedLimits): Promise<ZipReader> {
    const label = describeSource(source);
    const file = typeof source === 'string' ? await fileAccess(source) : bufferAccess(source);
    try {
      const { entries, byName } = await readZipDirectory(file, limits, label);
      return new ZipReader(file, entries, byName, limits, label);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async walk(visitor: EntryVisitor, options: WalkOptions = {}): Promise<void> {
    const total = this.entries.length;
    let done = 0;
    for (const entry of this.entries) {
      if (options.signal?.aborted) throw new MbzAbortError('mbz.aborted', 'Reading the backup was aborted.');
      const wanted = entry.kind === 'file' && visitor.want(entry) === 'buffer';
      const content = wanted ? await this.#read(entry.name) : undefined;
      // Awaited only when the visitor is asynchronous: a tick per entry adds up over a million entries.
      const visited = visitor.visit(entry, content);
      if (visited) await visited;
      options.onProgress?.({ phase: 'reading archive', done: ++done, total, unit: 'entries' });
    }
  }

  async readMany(names: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const name of names) {
      if (this.#byName.has(name) && !name.endsWith('/') && !out.has(name)) {
        out.set(name, await this.#read(name));
      }
    }
    return out;
  }

  async openStream(name: string): Promise<Readable | undefined> {
    const location = this.#byName.get(name)?.location();
    if (!location || name.endsWith('/')) return undefined;
    this.#checkRatio(name, location);
    const start = await this.#dataStart(name, location);
    const stages: Readable[] = [this.#file.stream(start, start + location.compressedSize)];
    if (location.method === 8) stages.push(createInflateRaw());
    const out = checked(name, location, this.#label);
    stages.push(out);
    for (let i = 0; i < stages.length - 1; i++) {
      const stage = stages[i] as Readable;
      stage.on('error', (error) => out.destroy(mapZipError(error, this.#label, name)));
      stage.pipe(stages[i + 1] as Transform);
    }
    // A consumer that stops early (or a failure) releases the file stream and the inflater too.
    out.once('close', () => {
      for (const stage of stages) stage.destroy();
    });
    return out;
  }

  async close(): Promise<void> {
    await this.#file.close();
  }

  #checkRatio(name: string, location: ZipEntryLocation): void {
    const limits = this.limits;
    if (location.uncompressedSize > limits.ratioFloorBytes) {
      const ratio = location.uncompressedSize / Math.max(1, location.compressedSize);
      if (ratio > limits.maxCompressionRatio) {
        throw new MbzLimitError(
          'mbz.compression_ratio_limit',
          `${name} inflates ${Math.round(ratio)}x (limit ${limits.maxCompressionRatio}x): it looks like a zip bomb.`,
          {
            ...at(name),
            hint: 'Raise limits.maxCompressionRatio only if you trust where this file came from.',
          },
        );
      }
    }
  }

  /** Where the entry's data starts, after its local header. */
  async #dataStart(name: string, location: ZipEntryLocation): Promise<number> {
    const header = await this.#file.read(location.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) {
      throw new MbzFormatError(
        header.length < 30 ? 'mbz.truncated' : 'mbz.corrupt_zip',
        `${this.#label}: the local header of ${name} is ${header.length < 30 ? 'cut short' : 'damaged'}.`,
        { ...at(name), hint: 'The zip is damaged; restore it from another copy.' },
      );
    }
    const start = location.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + location.compressedSize > this.#file.size) {
      throw new MbzFormatError(
        'mbz.truncated',
        `${this.#label}: the data of ${name} runs past the end of the file.`,
        {
          ...at(name),
          hint: 'The zip is cut short; fetch the backup again.',
        },
      );
    }
    return start;
  }

  /** An entry's whole content, inflated into memory with its size and CRC-32 checked. */
  async #read(name: string): Promise<Buffer> {
    const location = (this.#byName.get(name) as ZipEntry).location();
    if (location.uncompressedSize > this.limits.maxXmlBytes) {
      throw new MbzLimitError(
        'mbz.xml_size_limit',
        `${name} is ${location.uncompressedSize} bytes, more than the ${this.limits.maxXmlBytes} bytes read into memory.`,
        { ...at(name), hint: 'Raise limits.maxXmlBytes if this backup is trusted.' },
      );
    }
    this.#checkRatio(name, location);
    // Deflate never grows data by more than a few bytes per 64 KiB block: a larger compressed size is a lie that
    // would otherwise have us read that much into memory.
    if (location.compressedSize > location.uncompressedSize + (location.uncompressedSize >> 6) + 1024) {
      throw mismatch(
        name,
        this.#label,
        `its compressed size (${location.compressedSize}) exceeds any real deflate stream`,
      );
    }
    const start = await this.#dataStart(name, location);
    const data = await this.#file.read(start, location.compressedSize);
    let content: Buffer;
    try {
      // maxOutputLength stops a lying entry as soon as it inflates past its declared size.
      content =
        location.method === 8
          ? await inflateRawAsync(data, {
              maxOutputLength: Math.max(1, location.uncompressedSize),
              // One output chunk per 4 MiB instead of per 16 KiB: each chunk is a round trip to the thread pool.
              chunkSize: Math.min(Math.max(location.uncompressedSize, 1024), 4 << 20),
            })
          : data;
    } catch (error) {
      throw mismatch(
        name,
        this.#label,
        `it does not inflate to its declared ${location.uncompressedSize} bytes`,
        error,
      );
    }
    if (content.length !== location.uncompressedSize) {
      throw mismatch(
        name,
        this.#label,
        `it holds ${content.length} bytes, not the declared ${location.uncompressedSize}`,
      );
    }
    if (crc32(content) !== location.crc32) throw mismatch(name, this.#label, 'its CRC-32 does not match');
    return content;
  }
}

function mismatch(name: string, label: string, what: string, cause?: unknown): MbzFormatError {
  const zlibMessage = cause instanceof Error && !(cause instanceof RangeError) ? ` (${cause.message})` : '';
  return new MbzFormatError('mbz.corrupt_zip', `${label}: entry ${name} is damaged: ${what}${zlibMessage}.`, {
    cause,
    hint: 'The zip is damaged; restore it from another copy.',
    details: { path: name },
  });
}

/** Passes an entry's inflated bytes through, failing when their count or CRC-32 differs from the directory's. */
function checked(name: string, location: ZipEntryLocation, label: string): Transform {
  let count = 0;
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      count += chunk.length;
      if (count > location.uncompressedSize) {
        callback(mismatch(name, label, `it inflates past its declared ${location.uncompressedSize} bytes`));
        return;
      }
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
    flush(callback) {
      if (count !== location.uncompressedSize) {
        callback(
          mismatch(name, label, `it holds ${count} bytes, not the declared ${location.uncompressedSize}`),
        );
      } else if (crc !== location.crc32) callback(mismatch(name, label, 'its CRC-32 does not match'));
      else callback();
    },
  });
}

/** Turns zlib and file-system failures met while streaming an entry into coded errors. */
export function mapZipError(error: unknown, label: string, entry?: string): MbzError {
  if (error instanceof MbzError) return error;
  const message = (error as Error)?.message ?? String(error);
  return new MbzFormatError(
    'mbz.corrupt_zip',
    `${label} is not a readable zip${entry ? ` (entry ${entry})` : ''}: ${message}.`,
    {
      cause: error,
      hint: 'The zip is damaged; restore it from another copy.',
      details: { path: entry ?? label },
    },
  );
}
