/**
 * A tar.gz written as a sequence of gzip members (one gzip file, as gzip, tar, zlib's gzread, PHP and Node read
 * it), so that each entry can be written, sized and, if need be, replaced on its own:
 *
 * - stored members hold data already compressed: deflate's stored blocks and a CRC-32, no deflate work at all;
 * - deflated members hold text;
 * - filler members decompress to nothing and can be made exactly as long as a gap (a header's extra field takes
 *   the slack), so a member written early can later be blanked in place, or a reserved space filled.
 *
 * Also the tar headers of the entries (POSIX ustar, long names in a prefix or a PAX header).
 */
import { crc32, createGzip } from 'node:zlib';

const BLOCK = 512;
/** Largest stored deflate block. */
const STORED = 0xffff;
/** A gzip member header without options: deflate, no time, "unknown" OS. */
const PLAIN_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** The last stored block of a member: final, empty. */
const LAST_BLOCK = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]);
/** Largest extra field of a member header. */
const MAX_EXTRA = 0xffff;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mtime: Date, type: '0' | '5' | 'x', prefix = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(type === '5' ? 0o755 : 0o644, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(size, 12), 124, 'latin1');
  block.write(octal(Math.max(0, Math.floor(mtime.getTime() / 1000)), 12), 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(type, 156, 'latin1');
  block.write('ustar\x0000', 257, 'latin1');
  if (prefix) block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i] as number;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function paxRecord(key: string, value: string): string {
  const text = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(text);
  let length = bytes + 1;
  while (String(length).length + bytes !== length) length = String(length).length + bytes;
  return `${length}${text}`;
}

/** The tar headers naming an entry: one ustar header, or a PAX header before one with a stand-in name. */
export function tarHeaders(name: string, size: number, mtime: Date, type: '0' | '5'): Buffer {
  if (Buffer.byteLength(name) <= 100) return header(name, size, mtime, type);
  for (let cut = name.indexOf('/'); cut !== -1; cut = name.indexOf('/', cut + 1)) {
    const prefix = name.slice(0, cut);
    const rest = name.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') {
      return header(rest, size, mtime, type, prefix);
    }
  }
  const pax = Buffer.from(paxRecord('path', name));
  return Buffer.concat([
    header('PaxHeader', pax.length, mtime, 'x'),
    pax,
    Buffer.alloc((BLOCK - (pax.length % BLOCK)) % BLOCK),
    header(name.slice(0, 100), size, mtime, type),
  ]);
}

/** Zeros that pad `size` bytes of body to a whole tar block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The end of a tar: two zero blocks. */
export const TAR_END = Buffer.alloc(2 * BLOCK);

/** A member header whose extra field is `extra` bytes long (undefined: no extra field). */
function memberHeader(extra: number | undefined): Buffer {
  if (extra === undefined) return PLAIN_HEADER;
  const out = Buffer.alloc(12 + extra);
  PLAIN_HEADER.copy(out);
  out[3] = 0x04; // FEXTRA
  out.writeUInt16LE(extra, 10);
  if (extra >= 4) {
    // One subfield, "MP" (mts padding), as RFC 1952 lays extra fields out.
    out[12] = 0x4d;
    out[13] = 0x50;
    out.writeUInt16LE(extra - 4, 14);
  }
  return out;
}

/** Bytes of a stored member holding `length` bytes, with an extra field of `extra` bytes (or none). */
export function storedSize(length: number, extra?: number): number {
  return (extra === undefined ? 10 : 12 + extra) + length + 5 * Math.ceil(length / STORED) + 5 + 8;
}

/** A stored member built as its data arrives. */
export class StoredMember {
  #crc = 0;
  #length = 0;

  /** The member's header (with an extra field of `extra` bytes when given). */
  start(extra?: number): Buffer {
    return memberHeader(extra);
  }

  /** `chunk` framed as stored blocks: block headers between views of the chunk, nothing copied. */
  pieces(chunk: Buffer): Buffer[] {
    this.#crc = crc32(chunk, this.#crc);
    this.#length += chunk.length;
    const blocks = Math.ceil(chunk.length / STORED);
    const headers = Buffer.allocUnsafe(5 * blocks);
    const out: Buffer[] = [];
    for (let k = 0, from = 0; from < chunk.length; k++, from += STORED) {
      const length = Math.min(STORED, chunk.length - from);
      headers[5 * k] = 0;
      headers.writeUInt16LE(length, 5 * k + 1);
      headers.writeUInt16LE(~length & 0xffff, 5 * k + 3);
      out.push(headers.subarray(5 * k, 5 * k + 5), chunk.subarray(from, from + length));
    }
    return out;
  }

  /** `chunk` framed as stored blocks. */
  push(chunk: Buffer): Buffer {
    this.#crc = crc32(chunk, this.#crc);
    this.#length += chunk.length;
    const out = Buffer.allocUnsafe(chunk.length + 5 * Math.ceil(chunk.length / STORED));
    let at = 0;
    for (let from = 0; from < chunk.length; from += STORED) {
      const length = Math.min(STORED, chunk.length - from);
      out[at] = 0;
      out.writeUInt16LE(length, at + 1);
      out.writeUInt16LE(~length & 0xffff, at + 3);
      chunk.copy(out, at + 5, from, from + length);
      at += 5 + length;
    }
    return out;
  }

  /** The last block and the trailer (CRC-32 and length). */
  finish(): Buffer {
    const out = Buffer.alloc(13);
    LAST_BLOCK.copy(out);
    out.writeUInt32LE(this.#crc >>> 0, 5);
    out.writeUInt32LE(this.#length % 0x100000000, 9);
    return out;
  }
}

/** A whole stored member of `data`, exactly `size` bytes long when given (its extra field takes the slack). */
export function storedMember(data: Buffer, size?: number): Buffer | undefined {
  let extra: number | undefined;
  if (size !== undefined) {
    const slack = size - storedSize(data.length);
    if (slack === 0) extra = undefined;
    else if (slack === 2 || (slack >= 6 && slack - 2 <= MAX_EXTRA)) extra = slack - 2;
    else return undefined;
  }
  const member = new StoredMember();
  return Buffer.concat([member.start(extra), member.push(data), member.finish()]);
}

/** Members that decompress to nothing and together are exactly `size` bytes; undefined when none can be. */
export function fillerMembers(size: number): Buffer[] | undefined {
  const empty = storedSize(0, 0);
  const largest = storedSize(0, MAX_EXTRA);
  const fits = (n: number) => n === empty || (n >= empty + 4 && n <= largest);
  const out: Buffer[] = [];
  let left = size;
  while (left > 0) {
    if (fits(left)) {
      out.push(storedMember(Buffer.alloc(0), left) as Buffer);
      break;
    }
    if (left < empty + 4 + empty) return undefined;
    // Leave at least a whole small member for the rest.
    const take = Math.min(largest, left - (empty + 4));
    out.push(storedMember(Buffer.alloc(0), take) as Buffer);
    left -= take;
  }
  return out;
}

/** A deflated member of `chunks` (level 6, gzip's default), as it is produced. */
export async function* deflatedMember(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
): AsyncGenerator<Buffer> {
  const gzip = createGzip({ level: 6, chunkSize: 1 << 20 });
  const produced: Buffer[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  gzip.on('data', (chunk: Buffer) => {
    produced.push(chunk);
    wake?.();
  });
  gzip.on('error', (error) => {
    failure = error;
    wake?.();
  });
  let ended = false;
  gzip.on('end', () => {
    ended = true;
    wake?.();
  });
  const feeding = (async () => {
    for await (const chunk of chunks) {
      if (!gzip.write(chunk)) await new Promise<void>((resolve) => gzip.once('drain', resolve));
    }
    gzip.end();
  })();
  feeding.catch((error: unknown) => {
    failure = error as Error;
    gzip.destroy();
    wake?.();
  });
  for (;;) {
    if (failure) throw failure;
    if (produced.length > 0) {
      yield Buffer.concat(produced.splice(0));
      continue;
    }
    if (ended) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  await feeding;
}
