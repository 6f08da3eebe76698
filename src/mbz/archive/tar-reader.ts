import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { at, MbzAbortError, MbzError, MbzFormatError, MbzLimitError } from '../errors.js';
import { normaliseEntryName, resolveLink } from './entry-path.js';
import { InflateGuard, type ResolvedLimits } from './limits.js';
import { describeSource } from './source.js';
import { type TarHeader, TarParser } from './tar-parse.js';
import type {
  ArchiveEntry,
  ArchiveReader,
  ArchiveWarning,
  BackupSource,
  EntrySink,
  EntryVisitor,
  WalkOptions,
} from './types.js';

/** Bytes read from the file, and inflated, at a time: large enough that per-chunk costs vanish. */
const CHUNK = 1 << 20;

/** How one pass treats each entry: the sink its body goes to (undefined: skipped), or stop the pass. */
type OnEntry = (
  entry: ArchiveEntry,
) => EntrySink | undefined | 'stop' | Promise<EntrySink | undefined | 'stop'>;

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
    await this.#pass((entry) => {
      if (entry.kind !== 'file') return visitLater(visitor, entry, undefined);
      const want = visitor.want(entry);
      if (want === 'skip') return visitLater(visitor, entry, undefined);
      if (want === 'buffer') return this.#buffer(entry, (content) => visitor.visit(entry, content));
      return {
        write: (chunk) => want.write(chunk),
        async end() {
          await want.end();
          await visitor.visit(entry, undefined);
        },
      };
    }, options);
  }

  async readMany(names: readonly string[], options: WalkOptions = {}): Promise<Map<string, Buffer>> {
    const wanted = new Set(names);
    const out = new Map<string, Buffer>();
    await this.#pass((entry) => {
      if (entry.kind !== 'file' || !wanted.has(entry.name) || out.has(entry.name)) return undefined;
      return this.#buffer(entry, (content) => void out.set(entry.name, content));
    }, options);
    return out;
  }

  async openStream(name: string, options: WalkOptions = {}): Promise<Readable | undefined> {
    const out = new PassThrough({ highWaterMark: CHUNK });
    return new Promise<Readable | undefined>((resolve, reject) => {
      let found = false;
      let done = false;
      this.#pass((entry) => {
        if (done) return 'stop';
        if (entry.kind !== 'file' || entry.name !== name) return undefined;
        found = true;
        resolve(out);
        return {
          async write(chunk) {
            if (!out.write(Buffer.from(chunk))) await Promise.race([once(out, 'drain'), once(out, 'close')]);
          },
          end() {
            done = true;
            out.end();
          },
        };
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

  /** A sink that collects an entry whole (at most `maxXmlBytes`) and hands it to `done`. */
  #buffer(entry: ArchiveEntry, done: (content: Buffer) => void | Promise<void>): EntrySink {
    if (entry.size > this.limits.maxXmlBytes) {
      throw new MbzLimitError(
        'mbz.xml_size_limit',
        `${entry.name} is ${entry.size} bytes, more than the ${this.limits.maxXmlBytes} bytes read into memory.`,
        { ...at(entry.name), hint: 'Raise limits.maxXmlBytes if this backup is trusted.' },
      );
    }
    const parts: Buffer[] = [];
    return {
      write: (chunk) => void parts.push(Buffer.from(chunk)),
      end: () => done(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)),
    };
  }

  /** One pass over the archive, handing each entry to `onEntry` until it says stop. */
  async #pass(onEntry: OnEntry, options: WalkOptions): Promise<void> {
    const { onProgress, signal, onWarning } = options;
    if (signal?.aborted) throw abortError();
    const label = describeSource(this.#source);
    const limits = this.limits;
    const guard = new InflateGuard(limits);
    const total = this.#size;
    const input =
      typeof this.#source === 'string'
        ? createReadStream(this.#source, { highWaterMark: CHUNK })
        : Readable.from(chunksOf(this.#source));
    const gunzip = createGunzip({ chunkSize: CHUNK });
    input.on('error', (error: Error) => gunzip.destroy(error));
    input.pipe(gunzip);
    const onAbort = () => input.destroy(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });

    /** Sizes of the file entries seen so far, by a hash of their names: what a hard link may point to. */
    const files = new NameSizes();
    const warn = (warning: ArchiveWarning) => onWarning?.(warning);
    let count = 0;
    let current: string | undefined;
    let sink: EntrySink | undefined;
    let stopped = false;
    const open = (next: EntrySink | undefined | 'stop'): boolean => {
      if (next === 'stop') {
        stopped = true;
        return false;
      }
      sink = next;
      return sink !== undefined;
    };
    const parser = new TarParser({
      header(header) {
        if (++count > limits.maxEntries) {
          throw new MbzLimitError(
            'mbz.entry_count_limit',
            `The archive has more than ${limits.maxEntries} entries.`,
            { hint: 'Raise limits.maxEntries if this backup is trusted.' },
          );
        }
        const entry = toEntry(header, files, warn);
        if (entry === undefined) return false;
        current = entry.name;
        if (entry.kind === 'file' || entry.kind === 'link') files.set(entry.name, entry.size);
        const next = onEntry(entry);
        return next instanceof Promise ? next.then(open) : open(next);
      },
      body: (chunk) => (sink as EntrySink).write(chunk),
      bodyEnd() {
        const done = sink as EntrySink;
        sink = undefined;
        return done.end();
      },
    });
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        // What inflate has consumed so far: the compressed side of the ratio, and the progress.
        guard.addCompressed(gunzip.bytesWritten - guard.compressed);
        guard.addInflated(chunk.length, current);
        onProgress?.({ phase: 'reading archive', done: guard.compressed, total, unit: 'bytes' });
        const pending = parser.push(chunk);
        if (pending) await pending;
        if (stopped) break;
      }
      if (!stopped && !parser.atBoundary) throw truncated(label, current);
    } catch (error) {
      throw mapTarError(error, label, current);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      input.destroy();
      gunzip.destroy();
    }
    onProgress?.({ phase: 'reading archive', done: total, total, unit: 'bytes' });
  }
}

/** Visits an entry that has no content to hand over; returns the (absent) sink. */
function visitLater(
  visitor: EntryVisitor,
  entry: ArchiveEntry,
  content: undefined,
): Promise<undefined> | undefined {
  const visited = visitor.visit(entry, content);
  return visited ? visited.then(() => undefined) : undefined;
}

/**
 * Sizes by name, for the hard links that may point back: an open-addressing table of two independent 32-bit
 * hashes of each name, in typed arrays, so a million entries cost 16 MB and no objects. Two names sharing both
 * hashes (about 1 in 10^7 at a million names) could only make a link that leads nowhere look resolved, and a
 * link is never extracted.
 */
class NameSizes {
  #a = new Int32Array(1024);
  #b = new Int32Array(1024);
  #sizes = new Float64Array(1024);
  #used = new Uint8Array(1024);
  #count = 0;

  static #hashes(name: string): [number, number] {
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    return [a | 0, b | 0];
  }

  set(name: string, size: number): void {
    if ((this.#count + 1) * 2 > this.#used.length) this.#grow();
    const [a, b] = NameSizes.#hashes(name);
    this.#put(a, b, size);
  }

  get(name: string): number | undefined {
    const [a, b] = NameSizes.#hashes(name);
    const mask = this.#used.length - 1;
    for (let slot = a & mask; this.#used[slot] === 1; slot = (slot + 1) & mask) {
      if (this.#a[slot] === a && this.#b[slot] === b) return this.#sizes[slot];
    }
    return undefined;
  }

  #put(a: number, b: number, size: number): void {
    const mask = this.#used.length - 1;
    let slot = a & mask;
    while (this.#used[slot] === 1 && !(this.#a[slot] === a && this.#b[slot] === b)) slot = (slot + 1) & mask;
    if (this.#used[slot] !== 1) this.#count++;
    this.#used[slot] = 1;
    this.#a[slot] = a;
    this.#b[slot] = b;
    this.#sizes[slot] = size;
  }

  #grow(): void {
    const [a, b, sizes, used] = [this.#a, this.#b, this.#sizes, this.#used];
    const length = used.length * 2;
    this.#a = new Int32Array(length);
    this.#b = new Int32Array(length);
    this.#sizes = new Float64Array(length);
    this.#used = new Uint8Array(length);
    this.#count = 0;
    for (let slot = 0; slot < used.length; slot++) {
      if (used[slot] === 1) this.#put(a[slot] as number, b[slot] as number, sizes[slot] as number);
    }
  }
}

function* chunksOf(buffer: Uint8Array): Generator<Buffer> {
  for (let offset = 0; offset < buffer.byteLength; offset += CHUNK) {
    yield Buffer.from(buffer.buffer, buffer.byteOffset + offset, Math.min(CHUNK, buffer.byteLength - offset));
  }
}

/**
 * An entry as tar extracts it: a hard link becomes a second name for the earlier entry it points to; one that
 * points to no earlier entry, a symbolic link inside the archive (restore ignores both) and the root
 * folder `./` are skipped (undefined, with a warning for the links); a link out of the archive is refused.
 */
function toEntry(
  header: TarHeader,
  files: NameSizes,
  warn: (w: ArchiveWarning) => void,
): ArchiveEntry | undefined {
  const name = normaliseEntryName(header.name);
  if (name === '' || name === '/') return undefined;
  const type = header.type;
  if (type === '1') {
    const target = resolveLink(name, header.linkname, 'hard link');
    const size = files.get(target);
    if (size === undefined) {
      warn({
        code: 'mbz.link_dangling',
        path: name,
        message: `${name} is a hard link to "${header.linkname}", which is no earlier entry of the archive: skipped, as tar would fail to extract it.`,
      });
      return undefined;
    }
    return { name, kind: 'link', size, linkTarget: target, mtime: header.mtime };
  }
  if (type === '2') {
    resolveLink(name, header.linkname, 'symbolic link');
    warn({
      code: 'mbz.symlink_skipped',
      path: name,
      message: `${name} is a symbolic link to "${header.linkname}": skipped: links are never followed.`,
    });
    return undefined;
  }
  const kind = type === '0' || type === '7' ? 'file' : type === '5' ? 'directory' : 'other';
  return {
    name: kind === 'directory' && !name.endsWith('/') ? `${name}/` : name,
    kind,
    size: kind === 'file' ? header.size : 0,
    mtime: header.mtime,
  };
}

function abortError(): MbzAbortError {
  return new MbzAbortError('mbz.aborted', 'Reading the backup was aborted.');
}

function truncated(label: string, entry: string | undefined, cause?: unknown): MbzFormatError {
  const where = entry ? ` (while reading ${entry})` : '';
  return new MbzFormatError('mbz.truncated', `${label} ends too early: the archive is truncated${where}.`, {
    cause,
    hint: 'The copy or download was cut short; fetch the backup again and compare its size.',
    details: { path: entry ?? label },
  });
}

/** Turns zlib and file failures into coded errors that say what is wrong with the file. */
export function mapTarError(error: unknown, label: string, entry: string | undefined): MbzError {
  if (error instanceof MbzError) {
    if (error.code === 'mbz.corrupt_tar' && error.details === undefined) {
      const where = entry ? ` (after ${entry})` : '';
      return new MbzFormatError('mbz.corrupt_tar', `${label}: ${error.message.replace(/\.$/, '')}${where}.`, {
        cause: error,
        hint: error.hint,
        details: { path: entry ?? label },
      });
    }
    return error;
  }
  const err = error as NodeJS.ErrnoException;
  const message = err?.message ?? String(error);
  const where = entry ? ` (while reading ${entry})` : '';
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) return truncated(label, entry, error);
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
