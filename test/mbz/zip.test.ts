/** The zip reader: Zip64 records, archive comments, and entries whose bytes do not match their CRC-32. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { inspectBackup, listEntries, MbzFormatError, openEntry } from '../../src/mbz/index.js';
import { zipBytes } from './helpers/archive-writers.js';
import { generateBackup } from './helpers/generate-backup.js';

const backup = () => generateBackup({ archiveIndex: false, blobs: 3 });

/** Offset of the central directory header of `name` (the last occurrence of the name is in the directory). */
function centralHeaderOf(zip: Buffer, name: string): number {
  const at = zip.lastIndexOf(Buffer.from(name)) - 46;
  expect(zip.readUInt32LE(at)).toBe(0x02014b50);
  return at;
}

describe('zip reader', () => {
  it('reads Zip64 records the same as the classic ones, as an independent reader does', async () => {
    const { entries, blobs } = backup();
    const classic = zipBytes(entries);
    const zip64 = zipBytes(entries, { zip64: true });
    expect(zip64.readUInt32LE(zip64.length - 22 - 20 - 56)).toBe(0x06064b50);
    const a = await inspectBackup(classic);
    const b = await inspectBackup(zip64);
    expect({ ...b, manifest: undefined }).toEqual({ ...a, manifest: undefined });
    const names = (await listEntries(zip64)).map((e) => e.name);
    expect(names).toEqual(Object.keys((await JSZip.loadAsync(zip64)).files));
    const blob = blobs[1] as { hash: string; size: number };
    const content = await buffer(await openEntry(zip64, `files/${blob.hash.slice(0, 2)}/${blob.hash}`));
    expect(content.length).toBe(blob.size);
  });

  it('lists a central directory larger than the first buffered read of the file, from a file', async () => {
    const { entries } = backup();
    const many = Array.from({ length: 12_000 }, (_, i) => ({
      name: `files/${(i % 256).toString(16).padStart(2, '0')}/${String(i).padStart(40, '0')}`,
      body: '',
    }));
    const zip = zipBytes([...entries, ...many]);
    const dir = await mkdtemp(join(tmpdir(), 'mts-zip-'));
    try {
      const file = join(dir, 'many.mbz');
      await writeFile(file, zip);
      const listed = await listEntries(file);
      expect(listed).toHaveLength(entries.length + many.length);
      expect(listed.at(-1)?.name).toBe(many.at(-1)?.name);
      expect((await inspectBackup(file)).activities).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a zip that ends with an archive comment', async () => {
    const zip = zipBytes(backup().entries);
    const comment = Buffer.from('made by a hand-rolled tool');
    zip.writeUInt16LE(comment.length, zip.length - 2);
    const summary = await inspectBackup(Buffer.concat([zip, comment]));
    expect(summary.activities).toHaveLength(3);
  });

  it('refuses an entry whose bytes do not match its CRC-32, read whole or streamed', async () => {
    const { entries, blobs } = backup();
    const zip = zipBytes(entries);
    const manifestHeader = centralHeaderOf(zip, 'moodle_backup.xml');
    zip.writeUInt32LE((zip.readUInt32LE(manifestHeader + 16) ^ 1) >>> 0, manifestHeader + 16);
    const error = await inspectBackup(zip).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MbzFormatError);
    expect(error).toMatchObject({ code: 'mbz.corrupt_zip', details: { path: 'moodle_backup.xml' } });
    expect((error as Error).message).toContain('CRC-32');

    const blob = blobs[0] as { hash: string };
    const path = `files/${blob.hash.slice(0, 2)}/${blob.hash}`;
    const blobHeader = centralHeaderOf(zip, path);
    zip.writeUInt32LE((zip.readUInt32LE(blobHeader + 16) ^ 1) >>> 0, blobHeader + 16);
    const streamed = await buffer(await openEntry(zip, path)).catch((e: unknown) => e);
    expect(streamed).toMatchObject({ code: 'mbz.corrupt_zip', details: { path } });
  });

  it('refuses to read into memory a compressed size no deflate stream could have', async () => {
    const zip = zipBytes(generateBackup({ archiveIndex: false, manifestFirst: true, blobs: 3 }).entries);
    const header = centralHeaderOf(zip, 'moodle_backup.xml');
    zip.writeUInt32LE(zip.readUInt32LE(header + 24) * 2 + 5000, header + 20);
    const error = await inspectBackup(zip).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'mbz.corrupt_zip', details: { path: 'moodle_backup.xml' } });
    expect((error as Error).message).toContain('compressed size');
  });

  it('blames the uncompressed size when the central directory lies about it, in both directions', async () => {
    for (const lie of [(size: number) => Math.floor(size / 3), (size: number) => size * 2 + 10]) {
      const zip = zipBytes(generateBackup({ archiveIndex: false, manifestFirst: true }).entries);
      const header = centralHeaderOf(zip, 'moodle_backup.xml');
      zip.writeUInt32LE(lie(zip.readUInt32LE(header + 24)), header + 24);
      const error = await inspectBackup(zip).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'mbz.corrupt_zip', details: { path: 'moodle_backup.xml' } });
      expect((error as Error).message).toContain('its uncompressed size is wrong');
      expect((error as Error).message).not.toContain('compressed size (');
    }
  });

  it('gives coded errors for damaged or undecodable directory records', async () => {
    const codeOf = async (edit: (zip: Buffer, header: number) => void) => {
      const zip = zipBytes(backup().entries);
      edit(zip, centralHeaderOf(zip, 'files.xml'));
      return inspectBackup(zip).catch((e: unknown) => e);
    };
    // Stored, yet two different sizes: yauzl refuses the record before its name is known.
    const stored = await codeOf((zip, at) => zip.writeUInt16LE(0, at + 10));
    expect(stored).toMatchObject({ code: 'mbz.corrupt_zip' });
    expect((stored as Error).message).toMatch(/central directory record \d+/);
    const encrypted = await codeOf((zip, at) => zip.writeUInt16LE(zip.readUInt16LE(at + 8) | 1, at + 8));
    expect(encrypted).toMatchObject({ code: 'mbz.unsupported_entry', details: { path: 'files.xml' } });
    const strong = await codeOf((zip, at) => zip.writeUInt16LE(zip.readUInt16LE(at + 8) | 0x41, at + 8));
    expect(strong).toMatchObject({ code: 'mbz.unsupported_entry' });
    const signature = await codeOf((zip, at) => zip.writeUInt32LE(0x12345678, at));
    expect(signature).toMatchObject({ code: 'mbz.corrupt_zip' });
  });

  it('says which entry is cut short when its data runs past the end of the file', async () => {
    const zip = zipBytes(backup().entries);
    const header = centralHeaderOf(zip, 'files.xml');
    zip.writeUInt32LE(zip.length - 40, header + 42);
    const error = await inspectBackup(zip).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MbzFormatError);
    expect(error).toMatchObject({ details: { path: 'files.xml' } });
  });
});
