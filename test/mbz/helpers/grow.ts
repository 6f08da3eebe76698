/**
 * Hostile backups grown to any size without holding them in memory: a tar.gz whose entries are built from
 * repeated text, streamed through gzip to a file, optionally led by incompressible bytes so that the archive
 * passes the compression-ratio limit (as issue 17's case 1 did with 3 MB of random data).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';

/** Text repeated `times` times (once when absent), or `each(i)` for i from 0 to `times` - 1. */
export type Piece = { text: string; times?: number } | { each: (i: number) => string; times: number };

/** One entry of a grown archive: a name, and its content as pieces. */
export interface GrownEntry {
  name: string;
  pieces: Piece[];
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(size, 12), 124, 'latin1');
  block.write(octal(1_700_000_000, 12), 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write('0', 156, 'latin1');
  block.write('ustar\x0000', 257, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += block[i] as number;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function size(pieces: Piece[]): number {
  let n = 0;
  for (const piece of pieces) {
    if ('text' in piece) n += Buffer.byteLength(piece.text) * (piece.times ?? 1);
    else for (let i = 0; i < piece.times; i++) n += Buffer.byteLength(piece.each(i));
  }
  return n;
}

/** A tar header for a file of `size` bytes (exported for archives of many small entries). */
export { header as tarHeader };

/**
 * Writes a tar.gz of `entries` to `path`, after `randomPrefix` bytes of random data in a first entry. Pieces are
 * written in batches of about 1 MiB, so a file of hundreds of megabytes costs a few megabytes of memory.
 */
export async function writeGrownTarGz(
  path: string,
  entries: Iterable<GrownEntry>,
  randomPrefix = 0,
): Promise<void> {
  const gzip = createGzip({ level: 1 });
  const file = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    gzip.pipe(file).on('finish', resolve).on('error', reject);
    gzip.on('error', reject);
  });
  // Small pieces (headers, padding) are gathered and handed to gzip a megabyte at a time.
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  const flush = async () => {
    if (gatheredBytes === 0) return;
    const chunk = Buffer.concat(gathered);
    gathered = [];
    gatheredBytes = 0;
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  };
  const write = async (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    gathered.push(bytes);
    gatheredBytes += bytes.length;
    if (gatheredBytes >= 1 << 20) await flush();
  };
  const all = function* (): Generator<GrownEntry> {
    if (randomPrefix > 0) yield { name: 'files/00/noise', pieces: [] };
    yield* entries;
  };
  for (const entry of all()) {
    const noise = entry.name === 'files/00/noise' && randomPrefix > 0;
    const length = noise ? randomPrefix : size(entry.pieces);
    await write(header(entry.name, length));
    if (noise) {
      for (let left = randomPrefix; left > 0; left -= 1 << 20)
        await write(randomBytes(Math.min(left, 1 << 20)));
    } else {
      for (const piece of entry.pieces) {
        if ('each' in piece) {
          let batch = '';
          for (let i = 0; i < piece.times; i++) {
            batch += piece.each(i);
            if (batch.length >= 1 << 20) {
              await write(batch);
              batch = '';
            }
          }
          if (batch !== '') await write(batch);
          continue;
        }
        const times = piece.times ?? 1;
        const batch = Math.max(1, Math.floor((1 << 20) / Math.max(1, Buffer.byteLength(piece.text))));
        const block = piece.text.repeat(Math.min(batch, times));
        for (let left = times; left > 0; left -= batch) {
          await write(left >= batch ? block : piece.text.repeat(left));
        }
      }
    }
    const pad = (512 - (length % 512)) % 512;
    if (pad > 0) await write(Buffer.alloc(pad));
  }
  await write(Buffer.alloc(1024));
  await flush();
  gzip.end();
  await done;
}
