import { type Readable, Transform } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import { at, MbzAbortError, MbzFormatError, MbzLimitError } from '../errors.js';
import { resolveLink } from './entry-path.js';
import type { ResolvedLimits } from './limits.js';
import { bufferAccess, fileAccess } from './random-access.js';
import { describeSource } from './source.js';
import type {
  ArchiveEntry,
  ArchiveReader,
  ArchiveWarning,
  BackupSource,
  EntrySink,
  EntryVisitor,
  WalkOptions,
} from './types.js';
import { type Entry, yauzl, type ZipFile } from './yauzl.js';
import { listZip, mapZipError, type ZipEntry } from './zip-entries.js';
import { TailBufferedReader } from './zip-tail-reader.js';

const inflateRawAsync = promisify(inflateRaw);

/** An entry of a zip as its central directory records it (see {@link ZipReader.openRaw}). */
export interface RawZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  dosTime: number;
  dosDate: number;
  externalAttributes: number;
}

/** Entries up to this size reach a sink in one piece, inflated in one call; larger ones are streamed. */
const WHOLE = 8 << 20;

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
  entries: readonly ArchiveEntry[];
  /** What listing found odd but harmless (symbolic links inside the archive), reported by each walk. */
  readonly warnings: ArchiveWarning[] = [];
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
    let opened: ZipReader;
    try {
      const { entries, byName } = await listZip(zip, limits, label);
      opened = new ZipReader(zip, reader, entries, byName, limits, label);
    } catch (error) {
      zip.close();
      throw error;
    } finally {
      reader.release();
    }
    try {
      await opened.#settleSymlinks();
    } catch (error) {
      zip.close();
      throw error;
    }
    return opened;
  }

  /**
   * Symbolic links: a link out of the archive is refused; one inside it is dropped with a warning (restore
   * extracts it as a plain file holding the target's name, never as a link).
   */
  async #settleSymlinks(): Promise<void> {
    if (!this.entries.some((entry) => (entry as ZipEntry).symlink)) return;
    const kept: ZipEntry[] = [];
    for (const entry of this.entries as ZipEntry[]) {
      if (!entry.symlink) {
        kept.push(entry);
        continue;
      }
      if (entry.size > 4096) {
        throw new MbzFormatError(
          'mbz.corrupt_zip',
          `${this.#label}: symbolic link ${entry.name} is ${entry.size} bytes long.`,
          {
            ...at(entry.name),
            hint: 'A link holds a path of a few bytes; this archive was crafted.',
          },
        );
      }
      const target = (await this.#read(entry.name)).toString('utf8');
      resolveLink(entry.name, target, 'symbolic link');
      this.#byName.delete(entry.name);
      this.warnings.push({
        code: 'mbz.symlink_skipped',
        path: entry.name,
        message: `${entry.name} is a symbolic link to "${target}": skipped: links are never followed.`,
      });
    }
    this.entries = kept;
  }

  async walk(visitor: EntryVisitor, options: WalkOptions = {}): Promise<void> {
    for (const warning of this.warnings) options.onWarning?.(warning);
    const total = this.entries.length;
    let done = 0;
    for (const entry of this.entries) {
      if (options.signal?.aborted) throw new MbzAbortError('mbz.aborted', 'Reading the backup was aborted.');
      const want = entry.kind === 'file' ? visitor.want(entry) : 'skip';
      let content: Buffer | undefined;
      if (want === 'buffer') content = await this.#read(entry.name);
      else if (want !== 'skip') await this.#toSink(entry, want);
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

  /** An entry's content handed to a sink: in one piece when small, else streamed in bounded memory. */
  async #toSink(entry: ArchiveEntry, sink: EntrySink): Promise<void> {
    if (entry.size <= WHOLE) {
      const content = await this.#read(entry.name, false);
      if (content.length > 0) {
        const written = sink.write(content);
        if (written) await written;
      }
    } else {
      const stream = (await this.openStream(entry.name)) as Readable;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const written = sink.write(chunk);
        if (written) await written;
      }
    }
    const ended = sink.end();
    if (ended) await ended;
  }

  /**
   * An entry as stored: what its central directory record says, and its compressed bytes unread, so that a
   * writer can copy it into another zip without inflating and deflating it again.
   */
  async openRaw(name: string): Promise<{ info: RawZipEntry; stream: Readable } | undefined> {
    const entry = this.#byName.get(name);
    if (!entry) return undefined;
    let stream: Readable;
    try {
      stream = await promised<Readable>((callback) =>
        this.#zip.openReadStream(entry, { decodeFileData: false } as never, callback),
      );
    } catch (error) {
      throw mapZipError(error, this.#label, name);
    }
    return {
      info: {
        name,
        method: entry.compressionMethod,
        crc32: entry.crc32,
        compressedSize: entry.compressedSize,
        size: entry.uncompressedSize,
        dosTime: entry.lastModFileTime,
        dosDate: entry.lastModFileDate,
        externalAttributes: entry.externalFileAttributes,
      },
      stream,
    };
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
  async #read(name: string, bounded = true): Promise<Buffer> {
    const entry = this.#byName.get(name) as Entry;
    if (bounded && entry.uncompressedSize > this.limits.maxXmlBytes) {
      throw new MbzLimitError(
        'mbz.xml_size_limit',
        `${name} is ${entry.uncompressedSize} bytes, more than the ${this.limits.maxXmlBytes} bytes read into memory.`,
        { ...at(name), hint: 'Raise limits.maxXmlBytes if this backup is trusted.' },
      );
    }
    this.#checkRatio(name, entry);
    // The compressed bytes are read whole: bounded like any entry read into memory (yauzl has checked that they
    // lie within the file).
    if (entry.compressedSize > this.limits.maxXmlBytes) {
      throw new MbzLimitError(
        'mbz.xml_size_limit',
        `${name} is ${entry.compressedSize} bytes compressed, more than the ${this.limits.maxXmlBytes} bytes read into memory.`,
        { ...at(name), hint: 'Raise limits.maxXmlBytes if this backup is trusted.' },
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
      // The end records were found, so the file is whole: an entry running past its end has a lying size.
      if (error instanceof Error && /overflows file bounds/.test(error.message)) {
        throw mismatch(
          name,
          this.#label,
          `its compressed size (${entry.compressedSize}) runs past the end of the file`,
          error,
        );
      }
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
        error instanceof RangeError
          ? `it inflates past the ${entry.uncompressedSize} bytes the central directory declares (its uncompressed size is wrong)`
          : 'its compressed data does not inflate',
        error,
      );
    }
    if (content.length !== entry.uncompressedSize) {
      throw mismatch(
        name,
        this.#label,
        `it inflates to ${content.length} bytes, not the ${entry.uncompressedSize} the central directory declares (its uncompressed size is wrong)`,
      );
    }
    if (crc32(content) !== entry.crc32) throw mismatch(name, this.#label, 'its CRC-32 does not match');
    // The data inflated to the declared size and checksum: a compressed size beyond any deflate stream of that
    // size is then the field that lies.
    if (entry.compressedSize > entry.uncompressedSize + (entry.uncompressedSize >> 6) + 1024) {
      throw mismatch(
        name,
        this.#label,
        `its compressed size (${entry.compressedSize}) is larger than any deflate stream of its ${entry.uncompressedSize} bytes`,
      );
    }
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
        callback(
          mismatch(
            name,
            label,
            `it inflates past the ${entry.uncompressedSize} bytes the central directory declares (its uncompressed size is wrong)`,
          ),
        );
        return;
      }
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
    flush(callback) {
      if (count !== entry.uncompressedSize) {
        callback(
          mismatch(
            name,
            label,
            `it inflates to ${count} bytes, not the ${entry.uncompressedSize} the central directory declares (its uncompressed size is wrong)`,
          ),
        );
      } else if (crc !== entry.crc32) callback(mismatch(name, label, 'its CRC-32 does not match'));
      else callback();
    },
  });
}
