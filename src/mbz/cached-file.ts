import { close, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import yauzl from 'yauzl';

const BLOCK = 256 * 1024;
const KEEP = 16;
const readAsync = promisify(read);

/**
 * A file for yauzl whose small reads (the central directory: two reads per entry) are served from a few cached
 * 256 KiB blocks, so listing a zip costs a handful of system calls instead of two per entry. Entry contents are
 * streamed straight from the file.
 */
export class CachedFileReader extends yauzl.RandomAccessReader {
  readonly #fd: number;
  readonly #size: number;
  readonly #blocks = new Map<number, Promise<Buffer>>();

  private constructor(fd: number, size: number) {
    super();
    this.#fd = fd;
    this.#size = size;
  }

  static async open(path: string, size: number): Promise<CachedFileReader> {
    const fd = await promisify(open)(path, 'r');
    return new CachedFileReader(fd, size);
  }

  // Not fs.createReadStream({ fd }): yauzl destroys finished streams, and that closes a shared descriptor.
  override _readStreamForRange(start: number, end: number): Readable {
    const fd = this.#fd;
    let position = start;
    return new Readable({
      highWaterMark: BLOCK,
      read() {
        const n = Math.min(BLOCK, end - position);
        if (n <= 0) {
          this.push(null);
          return;
        }
        const buffer = Buffer.allocUnsafe(n);
        read(fd, buffer, 0, n, position, (error, bytesRead) => {
          if (error) return void this.destroy(error);
          if (bytesRead === 0) return void this.push(null);
          position += bytesRead;
          this.push(buffer.subarray(0, bytesRead));
        });
      },
    });
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    this.#fill(buffer, offset, length, position).then(
      (n) => callback(null, n),
      (error: Error) => callback(error),
    );
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.#fd, (error) => callback(error ?? null));
  }

  async #fill(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    let done = 0;
    while (done < length && position + done < this.#size) {
      const at = position + done;
      const index = Math.floor(at / BLOCK);
      const block = await this.#block(index);
      const from = at - index * BLOCK;
      const n = Math.min(length - done, block.length - from);
      if (n <= 0) break;
      block.copy(buffer, offset + done, from, from + n);
      done += n;
    }
    return done;
  }

  #block(index: number): Promise<Buffer> {
    let block = this.#blocks.get(index);
    if (!block) {
      const buffer = Buffer.alloc(Math.min(BLOCK, this.#size - index * BLOCK));
      block = readAsync(this.#fd, buffer, 0, buffer.length, index * BLOCK).then(({ bytesRead }) =>
        buffer.subarray(0, bytesRead),
      );
      this.#blocks.set(index, block);
      if (this.#blocks.size > KEEP) this.#blocks.delete(this.#blocks.keys().next().value as number);
    }
    return block;
  }
}
