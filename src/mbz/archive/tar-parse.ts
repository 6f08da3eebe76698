/**
 * A tar stream read block by block as it is inflated: POSIX ustar and GNU headers, PAX extended headers (`path`,
 * `linkpath`, `size`) and GNU long names, base-256 sizes. Bodies are handed over as slices of the inflated chunks,
 * never copied, and skipped bodies cost nothing but arithmetic.
 */
import { MbzFormatError } from '../errors.js';

const BLOCK = 512;
/** Largest PAX or GNU long-name record read: names are short; a larger one was crafted to fill memory. */
const MAX_META = 1 << 20;

/** One header as tar means it, with PAX and GNU long names applied. */
export interface TarHeader {
  /** The name as written (not normalised). */
  name: string;
  /** `0` file, `1` hard link, `2` symbolic link, `5` directory, ... (`\0` is read as `0`). */
  type: string;
  size: number;
  mtime: Date;
  linkname: string;
}

/** What the reader does with a header's body. */
export interface TarEvents {
  /** A header; return true to receive its body through `body`, false to skip it. */
  header(header: TarHeader): boolean | Promise<boolean>;
  /** A piece of the current body (a view into the inflated chunk: copy it to keep it). */
  body(chunk: Buffer): void | Promise<void>;
  /** The current body is complete. */
  bodyEnd(): void | Promise<void>;
}

function corrupt(message: string): MbzFormatError {
  return new MbzFormatError('mbz.corrupt_tar', message, {
    hint: 'The gzip layer is fine but the tar inside is not; the file was damaged or is not a tar archive.',
  });
}

function cString(block: Buffer, from: number, length: number): string {
  const end = block.indexOf(0, from);
  return block.toString('utf8', from, end === -1 || end > from + length ? from + length : end);
}

function octal(block: Buffer, from: number, length: number, field: string): number {
  if ((block[from] as number) & 0x80) {
    // GNU base-256: big-endian, top bit of the first byte set (negative numbers are refused below).
    let value = (block[from] as number) & 0x7f;
    for (let i = from + 1; i < from + length; i++) value = value * 256 + (block[i] as number);
    if (!Number.isSafeInteger(value)) throw corrupt(`A tar header has a ${field} too large to read.`);
    return value;
  }
  // Octal digits, with leading spaces and trailing NULs or spaces as tar writers leave them.
  let i = from;
  const end = from + length;
  while (i < end && block[i] === 0x20) i++;
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = block[i] as number;
    if (c >= 0x30 && c <= 0x37) {
      value = value * 8 + (c - 0x30);
      digits++;
    } else break;
  }
  for (; i < end; i++) {
    const c = block[i] as number;
    if (c !== 0 && c !== 0x20) {
      const text = block.toString('latin1', from, end);
      throw corrupt(`A tar header has a malformed ${field} (${JSON.stringify(text)}).`);
    }
  }
  return digits === 0 ? 0 : value;
}

function checksumOk(block: Buffer): boolean {
  const stored = octal(block, 148, 8, 'checksum');
  // The checksum field itself counts as eight spaces.
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += block[i] as number;
  for (let i = 156; i < BLOCK; i++) sum += block[i] as number;
  return sum === stored;
}

/** "ustar\0" (POSIX), "ustar " (GNU), or neither (0). */
function magic(block: Buffer): 'posix' | 'gnu' | undefined {
  if (
    block[257] !== 0x75 ||
    block[258] !== 0x73 ||
    block[259] !== 0x74 ||
    block[260] !== 0x61 ||
    block[261] !== 0x72
  ) {
    return undefined;
  }
  const last = block[262];
  return last === 0 ? 'posix' : last === 0x20 ? 'gnu' : undefined;
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** PAX records (`LEN key=value\n`) into `into`. */
function paxRecords(data: Buffer, into: Map<string, string>): void {
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(data.toString('latin1', at, space));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.length) {
      throw corrupt('A PAX extended header is malformed.');
    }
    const record = data.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) into.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
}

/**
 * Parses a tar stream pushed in chunks of any size. Events may be asynchronous: `push` waits for them, so the
 * caller's reading waits too.
 */
export class TarParser {
  readonly #events: TarEvents;
  /** A header block being assembled across chunks. */
  readonly #block = Buffer.alloc(BLOCK);
  #blockFill = 0;
  /** Body bytes left in the current entry, then padding left. */
  #left = 0;
  #padding = 0;
  #wanted = false;
  /** The body of a PAX or GNU long-name entry, collected to apply to the next header. */
  #meta: { kind: string; parts: Buffer[]; size: number } | undefined;
  readonly #pax = new Map<string, string>();
  readonly #global = new Map<string, string>();
  #longName: string | undefined;
  #longLink: string | undefined;
  #inBody = false;
  /** The body just ended (or is empty): its end is reported before anything else is read. */
  #ending = false;

  constructor(events: TarEvents) {
    this.#events = events;
  }

  /** True when the stream stopped at an entry boundary (a tar may end without its two zero blocks). */
  get atBoundary(): boolean {
    return !this.#inBody && !this.#ending && this.#blockFill === 0 && this.#padding === 0;
  }

  /**
   * Reads a chunk. Runs synchronously while the events do; returns a promise only when an event returned one,
   * and the rest of the chunk is read once it settles (a promise per entry would cost more than the entry).
   */
  push(chunk: Buffer): Promise<void> | undefined {
    return this.#run(chunk, 0);
  }

  #run(chunk: Buffer, from: number): Promise<void> | undefined {
    let at = from;
    const n = chunk.length;
    while (at < n || this.#ending) {
      if (this.#ending) {
        this.#ending = false;
        const pending = this.#endBody();
        if (pending) return pending.then(() => this.#run(chunk, at));
        continue;
      }
      if (this.#inBody) {
        const take = Math.min(this.#left, n - at);
        const piece = chunk.subarray(at, at + take);
        this.#left -= take;
        at += take;
        if (this.#left === 0) this.#ending = true;
        if (this.#meta !== undefined) this.#meta.parts.push(Buffer.from(piece));
        else if (this.#wanted) {
          const pending = this.#events.body(piece);
          if (pending) return pending.then(() => this.#run(chunk, at));
        }
        continue;
      }
      if (this.#padding > 0) {
        const skip = Math.min(this.#padding, n - at);
        this.#padding -= skip;
        at += skip;
        continue;
      }
      // A header: whole in this chunk (nearly always), or assembled across two.
      let block: Buffer;
      if (this.#blockFill === 0 && n - at >= BLOCK) {
        block = chunk.subarray(at, at + BLOCK);
        at += BLOCK;
      } else {
        const take = Math.min(BLOCK - this.#blockFill, n - at);
        chunk.copy(this.#block, this.#blockFill, at, at + take);
        this.#blockFill += take;
        at += take;
        if (this.#blockFill < BLOCK) continue;
        this.#blockFill = 0;
        block = this.#block;
      }
      const pending = this.#header(block);
      if (pending) return pending.then(() => this.#run(chunk, at));
    }
    return undefined;
  }

  #endBody(): Promise<void> | undefined {
    this.#inBody = false;
    const meta = this.#meta;
    if (meta !== undefined) {
      this.#meta = undefined;
      const data = Buffer.concat(meta.parts);
      if (meta.kind === 'x') paxRecords(data, this.#pax);
      else if (meta.kind === 'g') paxRecords(data, this.#global);
      else if (meta.kind === 'L') this.#longName = cString(data, 0, data.length);
      else if (meta.kind === 'K') this.#longLink = cString(data, 0, data.length);
      return undefined;
    }
    if (!this.#wanted) return undefined;
    this.#wanted = false;
    const pending = this.#events.bodyEnd();
    return pending ? pending : undefined;
  }

  #header(block: Buffer): Promise<void> | undefined {
    if (isZero(block)) return undefined;
    if (!checksumOk(block)) throw corrupt('A tar header fails its checksum: the archive is damaged.');
    const kind = magic(block);
    if (kind === undefined) throw corrupt('A tar header lacks the ustar magic string.');
    const posix = kind === 'posix';
    const flag = block[156] as number;
    const type = flag === 0 ? '0' : String.fromCharCode(flag);
    const size = octal(block, 124, 12, 'size');
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_META) throw corrupt(`A tar ${type} header of ${size} bytes is larger than any name.`);
      this.#meta = { kind: type, parts: [], size };
      this.#begin(size);
      return size === 0 ? this.#endBody() : undefined;
    }
    const prefix = posix ? cString(block, 345, 155) : '';
    const short = cString(block, 0, 100);
    const pax = this.#pax;
    const global = this.#global;
    const name =
      pax.get('path') ?? this.#longName ?? global.get('path') ?? (prefix ? `${prefix}/${short}` : short);
    const linkname =
      pax.get('linkpath') ?? this.#longLink ?? global.get('linkpath') ?? cString(block, 157, 100);
    const paxSize = pax.get('size') ?? global.get('size');
    const bodySize = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : size;
    const header: TarHeader = {
      name,
      type,
      size: bodySize,
      mtime: new Date(octal(block, 136, 12, 'mtime') * 1000),
      linkname,
    };
    if (pax.size > 0) pax.clear();
    this.#longName = undefined;
    this.#longLink = undefined;
    const length =
      type === '0' || type === '7' || (bodySize > 0 && type !== '1' && type !== '5') ? bodySize : 0;
    const wanted = this.#events.header(header);
    if (wanted instanceof Promise) return wanted.then((w) => this.#open(w, length));
    return this.#open(wanted, length);
  }

  /** Starts the body of the header just read (`length` bytes, handed over when `wanted`). */
  #open(wanted: boolean, length: number): Promise<void> | undefined {
    this.#wanted = wanted;
    this.#begin(length);
    return length === 0 && this.#wanted ? this.#endBody() : undefined;
  }

  #begin(size: number): void {
    this.#left = size;
    this.#padding = (BLOCK - (size % BLOCK)) % BLOCK;
    this.#inBody = size > 0;
  }
}
