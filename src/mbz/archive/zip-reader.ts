import { type Readable, Transform } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import { at, MbzAbortError, MbzFormatError, MbzLimitError } from '../errors.js';
import type { ResolvedLimits } from './limits.js';
import { bufferAccess, fileAccess } from './random-access.js';
import { describeSource } from './source.js';
import type { ArchiveEntry, ArchiveReader, BackupSource, EntryVisitor, WalkOptions } from './types.js';
import { type Entry, yauzl, type ZipFile } from './yauzl.js';
import { listZip, mapZipError } from './zip-entries.js';
import { TailBufferedReader } from './zip-tail-reader.js';

const inflateRawAsync = promisify(inflateRaw);

/** How yauzl is asked to read: entries one at a time, names left to us, sizes checked, the file kept open. */
const YAUZL_OPTIONS = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true,
  strictFileNames: true,
} as const;

function openZip(reader: TailBufferedReader, size: number): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(reader, size, YAUZL_OPTIONS, (error, zip) =>
      error ? reject(error) : resolve(zip),
    );
  });
}

function promised<T>(run: (callback: (error: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
}

/**
 * A zip read by yauzl through its central directory: listing costs one buffered read of the end of the file (see
 * {@link TailBufferedReader}), and each entry is then read on its own, so reading one small entry does not depend on
 * the archive's size. Every entry read is checked against the size and CRC-32 the directory declares
 * (yauzl checks sizes, not CRC-32).
 */
export class ZipReader implements ArchiveReader {
  readonly format = 'zip' as const;
  readonly randomAccess = true;
  readonly limits: ResolvedLimits;
  readonly entries: readonly ArchiveEntry[];
  readonly #zip: ZipFile;
  readonly #reader: TailBufferedReader;
  readonly #byName: Map<string, Entry>;
  readonly #label: string;

  private constructor(
    zip: ZipFile,
    reader: TailBufferedReader,
    entries: readonly ArchiveEntry[],
    byName: Map<string, Entry>,
    limits: ResolvedLimits,
    label: string,
  ) {
    this.#zip = zip;
    this.#reader = reader;
    this.limits = limits;
    this.#label = label;
    this.entries = entries;
    this.#byName = byName;
  }

  /** Opens the zip and reads its central directory, enforcing entry-count and total-size limits. */
  static async open(source: BackupSource, limits: ResolvedLimits): Promise<ZipReader> {
    const label = describeSource(source);
    const file = typeof source === 'string' ? await fileAccess(source) : bufferAccess(source);
    const reader = new TailBufferedReader(file);
    let zip: ZipFile;
    try {
      zip = await openZip(reader, file.size);
    } catch (error) {
      await file.close();
      throw mapZipError(error, label);
    }
    // yauzl reports a failure to close the file as an error event; nobody waits for that one.
    zip.on('error', () => {});
    try {
      const { entries, byName } = await listZip(zip, limits, label);
      return new ZipReader(zip, reader, entries, byName, limits, label);
    } catch (error) {
      zip.close();
      throw error;
    } finally {
      reader.release();
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
    const entry = this.#byName.get(name);
    if (!entry || name.endsWith('/')) return undefined;
    this.#checkRatio(name, entry);
    let inflated: Readable;
    try {
      inflated = await promised<Readable>((callback) => this.#zip.openReadStream(entry, callback));
    } catch (error) {
      throw mapZipError(error, this.#label, name);
    }
    const out = checked(name, entry, this.#label);
    inflated.on('error', (error) => out.destroy(mapZipError(error, this.#label, name)));
    inflated.pipe(out);
    // A consumer that stops early (or a failure) releases yauzl's stream, and with it the file.
    out.once('close', () => inflated.destroy());
    return out;
  }

  /** Closes the zip; yauzl closes the file once the last stream opened from it has ended. */
  async close(): Promise<void> {
    this.#zip.close();
  }

  #checkRatio(name: string, entry: Entry): void {
    const limits = this.limits;
    if (entry.uncompressedSize > limits.ratioFloorBytes) {
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
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

  /**
   * An entry's whole content, inflated into memory with its size and CRC-32 checked. The compressed bytes are
   * inflated in one call with large output chunks (a 16 MB entry: ~18 ms instead of ~75 ms through a
   * 16 KiB-chunk inflate stream such as yauzl's).
   */
  async #read(name: string): Promise<Buffer> {
    const entry = this.#byName.get(name) as Entry;
    if (entry.uncompressedSize > this.limits.maxXmlBytes) {
      throw new MbzLimitError(
        'mbz.xml_size_limit',
        `${name} is ${entry.uncompressedSize} bytes, more than the ${this.limits.maxXmlBytes} bytes read into memory.`,
        { ...at(name), hint: 'Raise limits.maxXmlBytes if this backup is trusted.' },
      );
    }
    this.#checkRatio(name, entry);
    // Deflate never grows data by more than a few bytes per 64 KiB block: a larger compressed size is a lie that
    // would otherwise have us read that much into memory.
    if (entry.compressedSize > entry.uncompressedSize + (entry.uncompressedSize >> 6) + 1024) {
      throw mismatch(
        name,
        this.#label,
        `its compressed size (${entry.compressedSize}) exceeds any real deflate stream`,
      );
    }
    let data: Buffer;
    try {
      // yauzl finds the data behind the local header and checks that it lies within the file; the bytes are
      // then taken in one read, as the inflate below wants them whole.
      const { fileDataStart } = await promised<{ fileDataStart: number }>((callback) =>
        this.#zip.readLocalFileHeader(entry, { minimal: true }, callback),
      );
      data = Buffer.allocUnsafe(entry.compressedSize);
      const bytesRead = await promised<number | undefined>((callback) =>
        this.#reader.read(data, 0, data.length, fileDataStart, callback),
      );
      if (bytesRead !== data.length) throw new Error('unexpected EOF');
    } catch (error) {
      throw mapZipError(error, this.#label, name);
    }
    let content: Buffer;
    try {
      // maxOutputLength stops a lying entry as soon as it inflates past its declared size.
      content =
        entry.compressionMethod === 8
          ? await inflateRawAsync(data, {
              maxOutputLength: Math.max(1, entry.uncompressedSize),
              // One output chunk per 4 MiB instead of per 16 KiB: each chunk is a round trip to the thread pool.
              chunkSize: Math.min(Math.max(entry.uncompressedSize, 1024), 4 << 20),
            })
          : data;
    } catch (error) {
      throw mismatch(
        name,
        this.#label,
        `it does not inflate to its declared ${entry.uncompressedSize} bytes`,
        error,
      );
    }
    if (content.length !== entry.uncompressedSize) {
      throw mismatch(
        name,
        this.#label,
        `it holds ${content.length} bytes, not the declared ${entry.uncompressedSize}`,
      );
    }
    if (crc32(content) !== entry.crc32) throw mismatch(name, this.#label, 'its CRC-32 does not match');
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
function checked(name: string, entry: Entry, label: string): Transform {
  let count = 0;
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      count += chunk.length;
      if (count > entry.uncompressedSize) {
        callback(mismatch(name, label, `it inflates past its declared ${entry.uncompressedSize} bytes`));
        return;
      }
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
    flush(callback) {
      if (count !== entry.uncompressedSize) {
        callback(
          mismatch(name, label, `it holds ${count} bytes, not the declared ${entry.uncompressedSize}`),
        );
      } else if (crc !== entry.crc32) callback(mismatch(name, label, 'its CRC-32 does not match'));
      else callback();
    },
  });
}
