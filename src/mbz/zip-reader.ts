import { stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { ArchiveEntry, ArchiveReader, BackupSource, EntryVisitor, WalkOptions } from './archive.js';
import { CachedFileReader } from './cached-file.js';
import { normaliseEntryName } from './entry-path.js';
import { at, MbzAbortError, MbzError, MbzFormatError, MbzLimitError, MbzUnsafeEntryError } from './errors.js';
import type { ResolvedLimits } from './limits.js';
import { describeSource } from './source.js';

const OPEN_OPTIONS = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * A zip read through its central directory: listing costs one read of the directory at the end of the file, and
 * each entry is then read on its own, so looking at `moodle_backup.xml` does not depend on the archive's size.
 */
export class ZipReader implements ArchiveReader {
  readonly format = 'zip' as const;
  readonly randomAccess = true;
  readonly limits: ResolvedLimits;
  readonly entries: readonly ArchiveEntry[];
  readonly #zip: yauzl.ZipFile;
  readonly #raw: Map<string, yauzl.Entry>;
  readonly #label: string;

  private constructor(
    zip: yauzl.ZipFile,
    entries: [ArchiveEntry, yauzl.Entry][],
    limits: ResolvedLimits,
    label: string,
  ) {
    this.#zip = zip;
    this.limits = limits;
    this.#label = label;
    this.entries = entries.map(([entry]) => entry);
    this.#raw = new Map(entries.map(([entry, raw]) => [entry.name, raw]));
  }

  /** Opens the zip and reads its central directory, enforcing entry-count and total-size limits. */
  static async open(source: BackupSource, limits: ResolvedLimits): Promise<ZipReader> {
    const label = describeSource(source);
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      const done = (error: Error | null, file?: yauzl.ZipFile) =>
        error || !file ? reject(mapZipError(error, label)) : resolve(file);
      if (typeof source === 'string') {
        stat(source)
          .then(async ({ size }) => {
            const file = await CachedFileReader.open(source, size);
            yauzl.fromRandomAccessReader(file, size, OPEN_OPTIONS, done);
          })
          .catch((error: Error) => done(error));
      } else
        yauzl.fromBuffer(
          Buffer.from(source.buffer, source.byteOffset, source.byteLength),
          OPEN_OPTIONS,
          done,
        );
    });
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw new MbzLimitError(
          'mbz.entry_count_limit',
          `The zip lists ${zip.entryCount} entries (limit ${limits.maxEntries}).`,
          {
            hint: 'Raise limits.maxEntries if this backup is trusted.',
          },
        );
      }
      const entries = await readCentralDirectory(zip, label);
      const declared = entries.reduce((sum, [entry]) => sum + entry.size, 0);
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
      return new ZipReader(zip, entries, limits, label);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  async walk(visitor: EntryVisitor, options: WalkOptions = {}): Promise<void> {
    const total = this.entries.length;
    let done = 0;
    for (const entry of this.entries) {
      if (options.signal?.aborted) throw new MbzAbortError('mbz.aborted', 'Reading the backup was aborted.');
      const wanted = entry.kind === 'file' && visitor.want(entry) === 'buffer';
      const content = wanted
        ? await this.#read(entry.name, this.#raw.get(entry.name) as yauzl.Entry)
        : undefined;
      await visitor.visit(entry, content);
      options.onProgress?.({ phase: 'reading archive', done: ++done, total, unit: 'entries' });
    }
  }

  async readMany(names: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const name of names) {
      const raw = this.#raw.get(name);
      if (raw && !name.endsWith('/') && !out.has(name)) out.set(name, await this.#read(name, raw));
    }
    return out;
  }

  async openStream(name: string): Promise<Readable | undefined> {
    const raw = this.#raw.get(name);
    if (!raw || name.endsWith('/')) return undefined;
    this.#checkRatio(name, raw);
    let stream: Readable;
    try {
      stream = await this.#zip.openReadStreamPromise(raw);
    } catch (error) {
      throw mapZipError(error, this.#label, name);
    }
    const out = new PassThrough();
    stream.on('error', (error) => out.destroy(mapZipError(error, this.#label, name)));
    out.on('close', () => stream.destroy());
    return stream.pipe(out);
  }

  async close(): Promise<void> {
    this.#zip.close();
  }

  #checkRatio(name: string, raw: yauzl.Entry): void {
    const limits = this.limits;
    if (raw.uncompressedSize > limits.ratioFloorBytes) {
      const ratio = raw.uncompressedSize / Math.max(1, raw.compressedSize);
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

  async #read(name: string, raw: yauzl.Entry): Promise<Buffer> {
    if (raw.uncompressedSize > this.limits.maxXmlBytes) {
      throw new MbzLimitError(
        'mbz.xml_size_limit',
        `${name} is ${raw.uncompressedSize} bytes, more than the ${this.limits.maxXmlBytes} bytes read into memory.`,
        { ...at(name), hint: 'Raise limits.maxXmlBytes if this backup is trusted.' },
      );
    }
    this.#checkRatio(name, raw);
    try {
      const stream = await this.#zip.openReadStreamPromise(raw);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (error) {
      throw mapZipError(error, this.#label, name);
    }
  }
}

function decodeName(raw: yauzl.Entry): string {
  const bytes = raw.fileNameRaw;
  const utf8 = bytes.toString('utf8');
  if ((raw.generalPurposeBitFlag & 0x800) !== 0 || !utf8.includes('\uFFFD')) return utf8;
  return bytes.toString('latin1');
}

async function readCentralDirectory(
  zip: yauzl.ZipFile,
  label: string,
): Promise<[ArchiveEntry, yauzl.Entry][]> {
  const entries: [ArchiveEntry, yauzl.Entry][] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (raw: yauzl.Entry) => {
      try {
        entries.push([toEntry(raw), raw]);
        zip.readEntry();
      } catch (error) {
        reject(error);
      }
    });
    zip.once('end', () => resolve());
    zip.once('error', (error: Error) => reject(mapZipError(error, label)));
    zip.readEntry();
  });
  return entries;
}

function toEntry(raw: yauzl.Entry): ArchiveEntry {
  const original = decodeName(raw);
  const name = normaliseEntryName(original);
  const mode = (raw.externalFileAttributes >>> 16) & S_IFMT;
  if (mode === S_IFLNK) {
    throw new MbzUnsafeEntryError('mbz.link_entry', `Entry "${name}" is a symbolic link.`, {
      ...at(name),
      hint: 'Moodle backups never contain links; this archive was crafted or repacked. Do not extract it.',
    });
  }
  if (!name.endsWith('/') && !raw.canDecodeFileData()) {
    throw new MbzFormatError(
      'mbz.unsupported_entry',
      `Entry "${name}" is encrypted or uses an unknown compression method.`,
      {
        ...at(name),
        hint: 'Moodle writes plain deflate zips; re-create the archive without encryption.',
      },
    );
  }
  const directory = name.endsWith('/');
  return {
    name,
    kind: directory ? 'directory' : 'file',
    size: directory ? 0 : raw.uncompressedSize,
    compressedSize: raw.compressedSize,
    mtime: raw.getLastModDate({ timezone: 'UTC' }),
  };
}

/** Turns yauzl and zlib failures into coded errors. */
export function mapZipError(error: unknown, label: string, entry?: string): MbzError {
  if (error instanceof MbzError) return error;
  const message = (error as Error)?.message ?? String(error);
  const truncated = /end of central directory|unexpected EOF|not enough bytes|unexpected end/i.test(message);
  return new MbzFormatError(
    truncated ? 'mbz.truncated' : 'mbz.corrupt_zip',
    `${label} is not a readable zip${entry ? ` (entry ${entry})` : ''}: ${message}.`,
    {
      cause: error,
      hint: truncated
        ? 'The zip is cut short (its central directory is missing or incomplete); fetch the backup again.'
        : 'The zip is damaged; restore it from another copy.',
      details: { path: entry ?? label },
    },
  );
}
