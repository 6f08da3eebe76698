/**
 * The file access yauzl reads a zip through. yauzl asks for each central-directory record with two small reads;
 * served by the file, that is two thread-pool round trips per entry. Here the end of the file (the end records
 * and, for nearly every backup, the whole central directory) is read once into memory while the directory is
 * listed, and those reads are answered from it; entry data is streamed from the file.
 */
import type { Readable } from 'node:stream';
import type { RandomAccess } from './random-access.js';
import { yauzl } from './yauzl.js';

/** Bytes of the tail read at first: the end records and the central directory of a backup of ~10,000 files. */
const FIRST_TAIL = 1 << 20;
/** Most bytes the window may hold; a directory starting further from the end is read record by record. */
const MAX_WINDOW = 64 << 20;

/**
 * A yauzl reader over {@link RandomAccess} that answers reads near the end of the file from one buffered read,
 * until {@link TailBufferedReader.release} (once the directory is listed).
 */
export class TailBufferedReader extends yauzl.RandomAccessReader {
  readonly #file: RandomAccess;
  #window: Buffer | undefined;
  #windowStart: number;
  #extended = false;
  #released = false;

  constructor(file: RandomAccess) {
    super();
    this.#file = file;
    this.#windowStart = file.size;
  }

  /** Drops the buffered tail: later reads (local headers) go to the file. */
  release(): void {
    this.#released = true;
    this.#window = undefined;
  }

  // A read the window answers calls back at once, as yauzl's own reader of a buffer could: listing then costs no
  // tick per record (the listing loop in zip-entries.ts keeps the stack flat). Other reads call back later.
  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    const end = Math.min(position + length, this.#file.size);
    const window = this.#window;
    if (window !== undefined && position >= this.#windowStart && end > position) {
      const from = position - this.#windowStart;
      callback(null, window.copy(buffer, offset, from, from + (end - position)));
      return;
    }
    this.#read(buffer, offset, position, end).then(
      (bytesRead) => callback(null, bytesRead),
      (error: Error) => callback(error),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return this.#file.stream(start, end);
  }

  override close(callback: (err: Error | null) => void): void {
    this.#file.close().then(() => callback(null), callback);
  }

  async #read(buffer: Buffer, offset: number, position: number, end: number): Promise<number> {
    if (end <= position) return 0;
    const size = this.#file.size;
    if (!this.#released) {
      if (this.#window === undefined) await this.#fill(Math.max(0, size - FIRST_TAIL), size);
      // The first read below the window is the start of the central directory: it runs up to the end records,
      // so the window is extended down to it once, bounded by MAX_WINDOW.
      if (position < this.#windowStart && !this.#extended && size - position <= MAX_WINDOW) {
        this.#extended = true;
        await this.#fill(position, this.#windowStart);
      }
      const window = this.#window;
      if (window !== undefined && position >= this.#windowStart) {
        const from = position - this.#windowStart;
        return window.copy(buffer, offset, from, from + (end - position));
      }
    }
    const bytes = await this.#file.read(position, end - position);
    return bytes.copy(buffer, offset);
  }

  /** Reads `[start, end)` and puts it in front of the window (which starts at `end`). */
  async #fill(start: number, end: number): Promise<void> {
    const bytes = await this.#file.read(start, end - start);
    // Worded as yauzl words a short read, so it is reported the same way (the file shrank under us).
    if (bytes.length !== end - start) throw new Error('unexpected EOF');
    this.#window = this.#window === undefined ? bytes : Buffer.concat([bytes, this.#window]);
    this.#windowStart = start;
  }
}
