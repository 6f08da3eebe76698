/**
 * A temporary file that holds what a tar.gz pass cannot decide yet: Moodle writes users.xml last, so no entry can
 * be rewritten before the whole archive has gone by. The file is unlinked as soon as it is opened (where the
 * system allows it): the personal data it holds vanishes with the process, even one killed mid-way.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { EntrySink } from '../archive/types.js';

const CHUNK = 1 << 20;
/** Bytes queued for writing before a writer waits: enough for the disk to work while the reader inflates. */
const QUEUE = 16 << 20;

export class Spill {
  readonly #handle: FileHandle;
  /** Set when the file could not be unlinked while open (Windows): removed at close instead. */
  readonly #path: string | undefined;
  readonly #stream: WriteStream;
  /** Bytes written so far: where the next write goes. */
  size = 0;

  private constructor(handle: FileHandle, path: string | undefined) {
    this.#handle = handle;
    this.#path = path;
    this.#stream = handle.createWriteStream({ autoClose: false, highWaterMark: QUEUE, start: 0 });
    this.#stream.on('error', (error) => {
      this.#failure ??= error;
    });
  }

  #failure: Error | undefined;

  /** A spill file beside `target`, already unlinked. */
  static async open(target: string): Promise<Spill> {
    const path = join(
      dirname(target),
      `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.spill`,
    );
    const handle = await open(path, 'wx+', 0o600);
    try {
      await rm(path);
      return new Spill(handle, undefined);
    } catch {
      return new Spill(handle, path);
    }
  }

  /** Appends `chunk` (kept as it is until written: the caller must not change it). Waits only when much is queued. */
  append(chunk: Buffer): Promise<void> | undefined {
    if (this.#failure) return Promise.reject(this.#failure);
    this.size += chunk.length;
    if (this.#stream.write(chunk)) return undefined;
    return once(this.#stream, 'drain').then(() => undefined);
  }

  /** A sink appending whatever it receives. */
  sink(): EntrySink {
    return { write: (chunk) => this.append(chunk), end() {} };
  }

  /** Waits until everything appended is written: reads come after. */
  async seal(): Promise<void> {
    if (this.#stream.writableEnded) return;
    const finished = once(this.#stream, 'finish');
    this.#stream.end();
    await finished;
    if (this.#failure) throw this.#failure;
  }

  /** The bytes `[offset, offset + length)` in chunks of up to 1 MiB, the next one read while this one is used. */
  async *read(offset: number, length: number): AsyncGenerator<Buffer> {
    const next = (at: number) => {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, length - at));
      return this.#handle.read(buffer, 0, buffer.length, offset + at).then(({ bytesRead }) => {
        if (bytesRead === 0) throw new Error('the temporary file ended early');
        return bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      });
    };
    let at = 0;
    let pending = length > 0 ? next(0) : undefined;
    while (pending !== undefined) {
      const chunk = await pending;
      at += chunk.length;
      pending = at < length ? next(at) : undefined;
      yield chunk;
    }
  }

  async close(): Promise<void> {
    this.#stream.destroy();
    await this.#handle.close().catch(() => undefined);
    if (this.#path) await rm(this.#path, { force: true });
  }
}
