/**
 * A file written at a temporary name beside its target and renamed into place once complete (nothing half-written
 * is ever seen at the target), that takes appends without waiting for each (the disk works while the caller
 * prepares the next chunk) and writes at any earlier position too.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Bytes in flight before an append waits. */
const IN_FLIGHT = 8 << 20;

export class OutputFile {
  readonly #handle: FileHandle;
  readonly #temp: string;
  readonly #target: string;
  readonly #pending: { done: Promise<unknown>; bytes: number }[] = [];
  #inFlight = 0;
  #failure: unknown;
  /** Bytes appended so far: the offset of the next append. */
  size = 0;

  private constructor(handle: FileHandle, temp: string, target: string) {
    this.#handle = handle;
    this.#temp = temp;
    this.#target = target;
  }

  static async open(target: string, mode = 0o644): Promise<OutputFile> {
    await mkdir(dirname(target), { recursive: true });
    const temp = join(
      dirname(target),
      `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
    );
    return new OutputFile(await open(temp, 'wx', mode), temp, target);
  }

  /** Appends `chunk` (kept as it is until written: the caller must not change it). */
  append(chunk: Buffer): Promise<void> | undefined {
    const position = this.size;
    this.size += chunk.length;
    return this.#track(this.#writeAll(chunk, position), chunk.length);
  }

  /** Appends the pieces in one write (no copy into one buffer). */
  appendPieces(pieces: Buffer[]): Promise<void> | undefined {
    const position = this.size;
    let length = 0;
    for (const piece of pieces) length += piece.length;
    this.size += length;
    return this.#track(this.#writeAllPieces(pieces, length, position), length);
  }

  /** Keeps `length` bytes for a later {@link writeAt}; returns where they start. */
  reserve(length: number): number {
    const at = this.size;
    this.size += length;
    return at;
  }

  /** Writes `chunk` at `position` (before the end). */
  async writeAt(position: number, chunk: Buffer): Promise<void> {
    await this.#track(this.#writeAll(chunk, position), chunk.length);
  }

  /** Waits for every write, then renames the file into place. */
  async commit(): Promise<void> {
    await this.#drain(0);
    await this.#handle.datasync();
    await this.#handle.close();
    await rename(this.#temp, this.#target);
  }

  /** Removes the temporary file. */
  async abort(): Promise<void> {
    await Promise.allSettled(this.#pending.map((p) => p.done));
    await this.#handle.close().catch(() => undefined);
    await rm(this.#temp, { force: true });
  }

  async #writeAll(chunk: Buffer, position: number): Promise<void> {
    for (let done = 0; done < chunk.length; ) {
      const { bytesWritten } = await this.#handle.write(chunk, done, chunk.length - done, position + done);
      done += bytesWritten;
    }
  }

  async #writeAllPieces(pieces: Buffer[], length: number, position: number): Promise<void> {
    const { bytesWritten } = await this.#handle.writev(pieces, position);
    if (bytesWritten < length)
      await this.#writeAll(Buffer.concat(pieces).subarray(bytesWritten), position + bytesWritten);
  }

  #track(done: Promise<void>, bytes: number): Promise<void> | undefined {
    const tracked = done.catch((error: unknown) => {
      this.#failure ??= error;
    });
    this.#pending.push({ done: tracked, bytes });
    this.#inFlight += bytes;
    if (this.#failure !== undefined || this.#inFlight > IN_FLIGHT) {
      const drained = this.#drain(IN_FLIGHT / 2);
      // A caller that does not wait meets the failure at the next wait, or at commit.
      drained.catch(() => undefined);
      return drained;
    }
    return undefined;
  }

  /** Waits until at most `limit` bytes are in flight. */
  async #drain(limit: number): Promise<void> {
    while (this.#inFlight > limit && this.#pending.length > 0) {
      const oldest = this.#pending.shift() as { done: Promise<unknown>; bytes: number };
      await oldest.done;
      this.#inFlight -= oldest.bytes;
    }
    if (this.#failure !== undefined) throw this.#failure;
  }
}
