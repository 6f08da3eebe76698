import { type FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** Reads at any offset of an archive, from a file or from memory. */
export interface RandomAccess {
  readonly size: number;
  /** Up to `length` bytes from `position` (fewer only at the end of the data). */
  read(position: number, length: number): Promise<Buffer>;
  /** A stream of the bytes in `[start, end)`. */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

const CHUNK = 256 * 1024;

/**
 * A file read with positioned reads through one descriptor, streams included (so they read the file that was
 * opened, even if the path is replaced meanwhile); the caller closes it once its streams are done.
 */
export async function fileAccess(path: string): Promise<RandomAccess> {
  const handle: FileHandle = await open(path, 'r');
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    size,
    async read(position, length) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    },
    stream(start, end) {
      // Not handle.createReadStream: destroying one of those closes the handle, and yauzl destroys every
      // stream it is done with.
      let position = start;
      return new Readable({
        highWaterMark: CHUNK,
        read() {
          const length = Math.min(CHUNK, end - position);
          if (length <= 0) {
            this.push(null);
            return;
          }
          const chunk = Buffer.allocUnsafe(length);
          handle.read(chunk, 0, length, position).then(
            ({ bytesRead }) => {
              if (this.destroyed) return;
              position += bytesRead;
              // A file shorter than the range ends the stream early; the reader counts the bytes it gets.
              this.push(bytesRead === 0 ? null : chunk.subarray(0, bytesRead));
            },
            (error: Error) => this.destroy(error),
          );
        },
      });
    },
    close: () => handle.close(),
  };
}

/** An archive held in memory. */
export function bufferAccess(bytes: Uint8Array): RandomAccess {
  const whole = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: whole.length,
    read: async (position, length) => whole.subarray(position, Math.min(whole.length, position + length)),
    stream(start, end) {
      const slice = whole.subarray(start, end);
      return Readable.from(
        (function* () {
          for (let at = 0; at < slice.length; at += CHUNK) yield slice.subarray(at, at + CHUNK);
        })(),
      );
    },
    close: async () => {},
  };
}
