import { createReadStream } from 'node:fs';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import {
  at,
  MbzAbortError,
  MbzError,
  MbzFormatError,
  MbzLimitError,
  MbzUnsafeEntryError,
} from '../errors.js';
import { normaliseEntryName } from './entry-path.js';
import { InflateGuard, type ResolvedLimits } from './limits.js';
import { describeSource } from './source.js';
import type { ArchiveEntry, ArchiveReader, BackupSource, EntryVisitor, WalkOptions } from './types.js';

const READ_CHUNK = 1 << 20;

type TarEntry = AsyncIterable<Buffer> & Readable;
type OnEntry = (entry: ArchiveEntry, body: TarEntry) => Promise<'next' | 'stop'>;

/** A gzip-compressed tar read as a stream: every operation is one pass, in archive order, in bounded memory. */
export class TarGzReader implements ArchiveReader {
  readonly format = 'tar.gz' as const;
  readonly randomAccess = false;
  readonly limits: ResolvedLimits;
  readonly #source: BackupSource;
  readonly #size: number;

  constructor(source: BackupSource, size: number, limits: ResolvedLimits) {
    this.#source = source;
    this.#size = size;
    this.limits = limits;
  }

  async walk(visitor: EntryVisitor, options: WalkOptions = {}): Promise<void> {
    await this.#pass(async (entry, body) => {
      if (entry.kind === 'file' && visitor.want(entry) === 'buffer') {
        await visitor.visit(entry, await this.#buffer(entry, body));
      } else {
        body.resume();
        await visitor.visit(entry, undefined);
      }
      return 'next';
    }, options);
  }

  async readMany(names: readonly string[], options: WalkOptions = {}): Promise<Map<string, Buffer>> {
    const wanted = new Set(names);
    const out = new Map<string, Buffer>();
    await this.#pass(async (entry, body) => {
      if (entry.kind === 'file' && wanted.has(entry.name) && !out.has(entry.name)) {
        out.set(entry.name, await this.#buffer(entry, body));
      } else body.resume();
      return 'next';
    }, options);
    return out;
  }

  async openStream(name: string, options: WalkOptions = {}): Promise<Readable | undefined> {
    const out = new PassThrough({ highWaterMark: READ_CHUNK });
    return new Promise<Readable | undefined>((resolve, reject) => {
      let found = false;
      this.#pass(async (entry, body) => {
        if (entry.kind !== 'file' || entry.name !== name) {
          body.resume();
          return 'next';
        }
        found = true;
        resolve(out);
        await pipeline(body, out);
        return 'stop';
      }, options).then(
        () => {
          if (!found) resolve(undefined);
        },
        (error: unknown) => {
          if (found) out.destroy(error as Error);
          else reject(error);
        },
      );
    });
  }

  async close(): Promise<void> {}

  async #buffer(entry: ArchiveEntry, body: TarEntry): Promise<Buffer> {
    if (entry.size > this.limits.maxXmlBytes) {
      body.resume();
      throw new MbzLimitError(
        'mbz.xml_size_limit',
        `${entry.name} is ${entry.size} bytes, more than the ${this.limits.maxXmlBytes} bytes read into memory.`,
        { ...at(entry.name), hint: 'Raise limits.maxXmlBytes if this backup is trusted.' },
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** One pass over the archive, handing each entry with its body to `onEntry` until it says stop. */
  async #pass(onEntry: OnEntry, options: WalkOptions): Promise<void> {
    const { onProgress, signal } = options;
    if (signal?.aborted) throw abortError();
    const label = describeSource(this.#source);
    const guard = new InflateGuard(this.limits);
    const input =
      typeof this.#source === 'string'
        ? createReadStream(this.#source, { highWaterMark: READ_CHUNK })
        : Readable.from(chunksOf(this.#source));
    const total = this.#size;
    input.on('data', (chunk: Buffer) => {
      guard.addCompressed(chunk.length);
      onProgress?.({ phase: 'reading archive', done: guard.compressed, total, unit: 'bytes' });
    });
    let current: string | undefined;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        try {
          guard.addInflated(chunk.length, current);
          callback(null, chunk);
        } catch (error) {
          callback(error as Error);
        }
      },
    });
    const extract = tar.extract();
    const onAbort = () => input.destroy(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    let stopped = false;
    const piped = pipeline(input, createGunzip({ chunkSize: 256 * 1024 }), counter, extract).then(
      () => undefined,
      (error: unknown) => error,
    );
    let count = 0;
    try {
      for await (const body of extract as AsyncIterable<TarEntry & { header: tar.Header }>) {
        const entry = toEntry(body.header);
        current = entry.name;
        if (++count > this.limits.maxEntries) {
          throw new MbzLimitError(
            'mbz.entry_count_limit',
            `The archive has more than ${this.limits.maxEntries} entries.`,
            {
              hint: 'Raise limits.maxEntries if this backup is trusted.',
            },
          );
        }
        if ((await onEntry(entry, body)) === 'stop') {
          stopped = true;
          break;
        }
      }
    } catch (error) {
      input.destroy();
      throw mapTarError(error, label, current);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (stopped) input.destroy();
    }
    const failure = await piped;
    if (failure && !stopped) throw mapTarError(failure, label, current);
    onProgress?.({ phase: 'reading archive', done: total, total, unit: 'bytes' });
  }
}

function* chunksOf(buffer: Uint8Array): Generator<Buffer> {
  for (let offset = 0; offset < buffer.byteLength; offset += READ_CHUNK) {
    yield Buffer.from(
      buffer.buffer,
      buffer.byteOffset + offset,
      Math.min(READ_CHUNK, buffer.byteLength - offset),
    );
  }
}

function toEntry(header: tar.Header): ArchiveEntry {
  const name = normaliseEntryName(header.name);
  const type = header.type ?? 'file';
  if (type === 'symlink' || type === 'link') {
    throw new MbzUnsafeEntryError(
      'mbz.link_entry',
      `Entry "${name}" is a ${type} to "${header.linkname ?? ''}".`,
      {
        ...at(name),
        hint: 'A symbolic link could point outside the folder it is extracted to; this archive was crafted or repacked. Do not extract it.',
      },
    );
  }
  const kind =
    type === 'file' || type === 'contiguous-file' ? 'file' : type === 'directory' ? 'directory' : 'other';
  return {
    name: kind === 'directory' && !name.endsWith('/') ? `${name}/` : name,
    kind,
    size: kind === 'file' ? (header.size ?? 0) : 0,
    mtime: header.mtime,
  };
}

function abortError(): MbzAbortError {
  return new MbzAbortError('mbz.aborted', 'Reading the backup was aborted.');
}

/** Turns zlib and tar-stream failures into coded errors that say what is wrong with the file. */
export function mapTarError(error: unknown, label: string, entry: string | undefined): MbzError {
  if (error instanceof MbzError) return error;
  const err = error as NodeJS.ErrnoException;
  const message = err?.message ?? String(error);
  const where = entry ? ` (while reading ${entry})` : '';
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) {
    return new MbzFormatError('mbz.truncated', `${label} ends too early: the archive is truncated${where}.`, {
      cause: error,
      hint: 'The copy or download was cut short; fetch the backup again and compare its size.',
      details: { path: entry ?? label },
    });
  }
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) {
    return new MbzFormatError('mbz.corrupt_gzip', `${label} is not valid gzip data${where}: ${message}.`, {
      cause: error,
      hint: 'The file is damaged; restore it from another copy.',
      details: { path: entry ?? label },
    });
  }
  if (err?.code === 'ENOENT' || err?.code === 'EACCES' || err?.code === 'EISDIR') {
    return new MbzFormatError('mbz.file_unreadable', `Cannot read ${label}: ${message}.`, { cause: error });
  }
  return new MbzFormatError('mbz.corrupt_tar', `${label} holds a damaged tar stream${where}: ${message}.`, {
    cause: error,
    hint: 'The gzip layer is fine but the tar inside is not; the file was damaged or is not a tar archive.',
    details: { path: entry ?? label },
  });
}
