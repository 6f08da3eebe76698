/**
 * Minimal tar and zip writers for tests, written from the formats' specifications rather than with the libraries
 * under test, so they can produce every header variant (ustar prefix, GNU long names, pax) and hostile input
 * (zip slip, absolute paths, lying sizes) that no well-behaved library would write.
 */
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  body?: Buffer | string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
}

/** How long names are stored in the tar. */
export type TarVariant = 'ustar' | 'prefix' | 'gnu' | 'pax';

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(
  name: string,
  size: number,
  typeflag: string,
  extra: { prefix?: string; linkname?: string } = {},
) {
  const buf = Buffer.alloc(512);
  buf.write(name, 0, 100, 'utf8');
  buf.write(octal(typeflag === '5' ? 0o755 : 0o644, 8), 100, 'latin1');
  buf.write(octal(0, 8), 108, 'latin1');
  buf.write(octal(0, 8), 116, 'latin1');
  buf.write(octal(size, 12), 124, 'latin1');
  buf.write(octal(1_700_000_000, 12), 136, 'latin1');
  buf.write('        ', 148, 'latin1');
  buf.write(typeflag, 156, 'latin1');
  if (extra.linkname) buf.write(extra.linkname, 157, 100, 'utf8');
  buf.write('ustar\x0000', 257, 'latin1');
  if (extra.prefix) buf.write(extra.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return buf;
}

function padded(body: Buffer): Buffer[] {
  const rest = body.length % 512;
  return rest === 0 ? [body] : [body, Buffer.alloc(512 - rest)];
}

function paxRecord(key: string, value: string): string {
  const text = ` ${key}=${value}\n`;
  let length = text.length + 1;
  while (String(length).length + text.length !== length) length = String(length).length + text.length;
  return `${length}${text}`;
}

/** An uncompressed tar of `entries`, storing names longer than 100 bytes the `variant` way. */
export function tarBytes(entries: Iterable<RawEntry>, variant: TarVariant = 'ustar'): Buffer {
  const out: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const typeflag = { directory: '5', symlink: '2', link: '1', file: '0' }[entry.type ?? 'file'];
    const size = typeflag === '0' ? body.length : 0;
    let name = entry.name;
    const extra: { prefix?: string; linkname?: string } = { linkname: entry.linkname };
    const long = Buffer.byteLength(name) > 100 || variant === 'pax';
    if (long && variant === 'gnu') {
      const longName = Buffer.from(`${name}\0`);
      out.push(header('././@LongLink', longName.length, 'L'), ...padded(longName));
      name = name.slice(0, 100);
    } else if (long && variant === 'pax') {
      const pax = Buffer.from(paxRecord('path', name));
      out.push(header('PaxHeader/entry', pax.length, 'x'), ...padded(pax));
      name = name.slice(0, 100);
    } else if (long && variant === 'prefix') {
      const cut = name.lastIndexOf('/', name.length - 2);
      extra.prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    out.push(header(name, size, typeflag, extra));
    if (size > 0) out.push(...padded(body));
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

/** A tar.gz of `entries`. */
export function tarGzBytes(entries: Iterable<RawEntry>, variant: TarVariant = 'ustar'): Buffer {
  return gzipSync(tarBytes(entries, variant), { level: 1 });
}

/** A zip of `entries` (deflated), written from the APPNOTE layout; `lieSize` overrides declared sizes. With
 * `zip64`, every size and offset is given in Zip64 extra fields and the Zip64 end records are written, as zip
 * tools do past 4 GiB or 65,535 entries. */
export function zipBytes(
  entries: Iterable<RawEntry & { lieSize?: number; symlink?: boolean }>,
  options: { zip64?: boolean } = {},
): Buffer {
  const zip64 = options.zip64 === true;
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  const extra64 = (...values: number[]) => {
    const field = Buffer.alloc(4 + 8 * values.length);
    field.writeUInt16LE(1, 0);
    field.writeUInt16LE(8 * values.length, 2);
    for (const [i, v] of values.entries()) field.writeBigUInt64LE(BigInt(v), 4 + 8 * i);
    return field;
  };
  for (const entry of entries) {
    const name = Buffer.from(
      entry.type === 'directory' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name,
    );
    const body = Buffer.from(entry.body ?? '');
    const data = body.length > 0 ? deflateRawSync(body) : Buffer.alloc(0);
    const method = body.length > 0 ? 8 : 0;
    const crc = crc32(body);
    const size = entry.lieSize ?? body.length;
    const localExtra = zip64 ? extra64(size, data.length) : Buffer.alloc(0);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(zip64 ? 45 : 20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(zip64 ? 0xffffffff : data.length, 18);
    lh.writeUInt32LE(zip64 ? 0xffffffff : size, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(localExtra.length, 28);
    local.push(lh, name, localExtra, data);
    const centralExtra = zip64 ? extra64(size, data.length, offset) : Buffer.alloc(0);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(0x031e, 4);
    ch.writeUInt16LE(zip64 ? 45 : 20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(zip64 ? 0xffffffff : data.length, 20);
    ch.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt16LE(centralExtra.length, 30);
    const mode = entry.symlink ? 0o120777 : entry.type === 'directory' ? 0o40755 : 0o100644;
    ch.writeUInt32LE((mode << 16) >>> 0, 38);
    ch.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    central.push(ch, name, centralExtra);
    offset += lh.length + name.length + localExtra.length + data.length;
    count++;
  }
  const cd = Buffer.concat(central);
  const tail: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : count, 8);
  end.writeUInt16LE(zip64 ? 0xffff : count, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : cd.length, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...local, cd, ...tail, end]);
}
