/**
 * Writes a zip as a stream (APPNOTE 6.3): entries copied as they were stored (their compressed bytes untouched),
 * or deflated as they are written with their sizes and CRC-32 in a data descriptor; the central directory at the
 * end, with Zip64 records when offsets, sizes or the entry count outgrow 32 or 16 bits.
 */
import { once } from 'node:events';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import type { RawZipEntry } from './zip-reader.js';

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
/** General purpose flags: bit 3 (sizes in a data descriptor), bit 11 (UTF-8 name). */
const DESCRIPTOR = 0x08;
const UTF8 = 0x800;

interface Central {
  name: Buffer;
  flags: number;
  method: number;
  dosTime: number;
  dosDate: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  externalAttributes: number;
}

/** DOS date and time of a Date (local time, as zip tools write it; two-second resolution). */
function dos(date: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    dosTime: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    dosDate: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(1, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  for (const [i, v] of values.entries()) extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i);
  return extra;
}

/** Where a writer's bytes go, in order; a promise asks the writer to wait. */
export interface ByteSink {
  append(chunk: Buffer): Promise<void> | undefined;
}

/** A zip written entry by entry to `out`. */
export class ZipWriter {
  readonly #out: ByteSink;
  readonly #central: Central[] = [];
  #offset = 0;

  constructor(out: ByteSink) {
    this.#out = out;
  }

  /** Copies an entry of another zip as it is stored (see `ZipReader.openRaw`). */
  async copyRaw(info: RawZipEntry, compressed: AsyncIterable<Buffer>): Promise<void> {
    const name = Buffer.from(info.name);
    const large = info.size >= MAX32 || info.compressedSize >= MAX32;
    const extra = large ? zip64Extra([info.size, info.compressedSize]) : Buffer.alloc(0);
    const entry: Central = {
      name,
      flags: UTF8,
      method: info.method,
      dosTime: info.dosTime,
      dosDate: info.dosDate,
      crc: info.crc32,
      compressedSize: info.compressedSize,
      size: info.size,
      offset: this.#offset,
      externalAttributes: info.externalAttributes,
    };
    await this.#write(this.#local(entry, extra, large));
    let copied = 0;
    for await (const chunk of compressed) {
      copied += chunk.length;
      await this.#write(chunk);
    }
    if (copied !== info.compressedSize)
      throw new Error(`${info.name}: copied ${copied} of ${info.compressedSize} bytes`);
    this.#central.push(entry);
  }

  async directory(name: string, mtime: Date): Promise<void> {
    const entry: Central = {
      name: Buffer.from(name.endsWith('/') ? name : `${name}/`),
      flags: UTF8,
      method: 0,
      ...dos(mtime),
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: this.#offset,
      externalAttributes: ((0o40755 << 16) | 0x10) >>> 0,
    };
    await this.#write(this.#local(entry, Buffer.alloc(0), false));
    this.#central.push(entry);
  }

  /** A small file given whole: deflated in one call, its sizes and CRC-32 in its local header. */
  async fileWhole(name: string, mtime: Date, content: Buffer): Promise<void> {
    const data = deflateRawSync(content, { level: 6 });
    const entry: Central = {
      name: Buffer.from(name),
      flags: UTF8,
      method: 8,
      ...dos(mtime),
      crc: crc32(content),
      compressedSize: data.length,
      size: content.length,
      offset: this.#offset,
      externalAttributes: (0o100644 << 16) >>> 0,
    };
    await this.#write(Buffer.concat([this.#local(entry, Buffer.alloc(0), false), data]));
    this.#central.push(entry);
  }

  /** A file deflated as it is written; its sizes and CRC-32 follow it in a data descriptor. */
  async file(name: string, mtime: Date, body: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
    const entry: Central = {
      name: Buffer.from(name),
      flags: UTF8 | DESCRIPTOR,
      method: 8,
      ...dos(mtime),
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: this.#offset,
      externalAttributes: (0o100644 << 16) >>> 0,
    };
    // A Zip64 extra field in the local header announces 8-byte sizes in the descriptor, should they be needed.
    await this.#write(this.#local(entry, zip64Extra([0, 0]), true));
    const deflate = createDeflateRaw({ level: 6, chunkSize: 1 << 20 });
    const drained = (async () => {
      for await (const chunk of deflate as AsyncIterable<Buffer>) {
        entry.compressedSize += chunk.length;
        await this.#write(chunk);
      }
    })();
    try {
      for await (const chunk of body) {
        entry.size += chunk.length;
        entry.crc = crc32(chunk, entry.crc);
        if (!deflate.write(chunk)) await once(deflate, 'drain');
      }
      deflate.end();
    } catch (error) {
      deflate.destroy();
      await drained.catch(() => undefined);
      throw error;
    }
    await drained;
    const descriptor = Buffer.alloc(24);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc >>> 0, 4);
    descriptor.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
    descriptor.writeBigUInt64LE(BigInt(entry.size), 16);
    await this.#write(descriptor);
    this.#central.push(entry);
  }

  /** Writes the central directory and the end records. */
  async finish(): Promise<void> {
    const start = this.#offset;
    for (const entry of this.#central) {
      const big = [
        ...(entry.size >= MAX32 || entry.flags & DESCRIPTOR ? [entry.size] : []),
        ...(entry.compressedSize >= MAX32 || entry.flags & DESCRIPTOR ? [entry.compressedSize] : []),
        ...(entry.offset >= MAX32 ? [entry.offset] : []),
      ];
      // Entries written with a descriptor carry Zip64 sizes in the directory too, so a reader finds them
      // consistent with the 8-byte descriptor.
      const extra = big.length > 0 ? zip64Extra(big) : Buffer.alloc(0);
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(0x031e, 4);
      record.writeUInt16LE(big.length > 0 ? 45 : 20, 6);
      record.writeUInt16LE(entry.flags, 8);
      record.writeUInt16LE(entry.method, 10);
      record.writeUInt16LE(entry.dosTime, 12);
      record.writeUInt16LE(entry.dosDate, 14);
      record.writeUInt32LE(entry.crc >>> 0, 16);
      const sizes = entry.flags & DESCRIPTOR;
      record.writeUInt32LE(sizes || entry.compressedSize >= MAX32 ? MAX32 : entry.compressedSize, 20);
      record.writeUInt32LE(sizes || entry.size >= MAX32 ? MAX32 : entry.size, 24);
      record.writeUInt16LE(entry.name.length, 28);
      record.writeUInt16LE(extra.length, 30);
      record.writeUInt32LE(entry.externalAttributes >>> 0, 38);
      record.writeUInt32LE(entry.offset >= MAX32 ? MAX32 : entry.offset, 42);
      await this.#write(Buffer.concat([record, entry.name, extra]));
    }
    const size = this.#offset - start;
    const count = this.#central.length;
    if (count >= MAX16 || start >= MAX32 || size >= MAX32) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(45, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(size), 40);
      record.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.#offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.#write(Buffer.concat([record, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, MAX16), 8);
    end.writeUInt16LE(Math.min(count, MAX16), 10);
    end.writeUInt32LE(Math.min(size, MAX32), 12);
    end.writeUInt32LE(Math.min(start, MAX32), 16);
    await this.#write(end);
  }

  /** A local header; `zip64` gives it the extra field that announces 8-byte sizes. */
  #local(entry: Central, extra: Buffer, zip64: boolean): Buffer {
    const header = Buffer.alloc(30);
    const descriptor = entry.flags & DESCRIPTOR;
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4);
    header.writeUInt16LE(entry.flags, 6);
    header.writeUInt16LE(entry.method, 8);
    header.writeUInt16LE(entry.dosTime, 10);
    header.writeUInt16LE(entry.dosDate, 12);
    header.writeUInt32LE(descriptor ? 0 : entry.crc >>> 0, 14);
    header.writeUInt32LE(descriptor ? 0 : zip64 ? MAX32 : entry.compressedSize, 18);
    header.writeUInt32LE(descriptor ? 0 : zip64 ? MAX32 : entry.size, 22);
    header.writeUInt16LE(entry.name.length, 26);
    header.writeUInt16LE(extra.length, 28);
    return Buffer.concat([header, entry.name, extra]);
  }

  async #write(chunk: Buffer): Promise<void> {
    this.#offset += chunk.length;
    const waiting = this.#out.append(chunk);
    if (waiting) await waiting;
  }
}
