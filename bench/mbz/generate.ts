/**
 * Writes a 1 GB course backup in both packings into bench/.tmp (reused when present): 300 activities, 4 sections,
 * 50 users, 400 blobs of 2.5 MB (three in four incompressible like media, one in four text-like), in the order
 * Moodle writes them: `.ARCHIVE_INDEX` first in the tar.gz, then the activities and course folders, then `files/`
 * with each hash folder followed by its blobs, then `files.xml`, the other XML files and `moodle_backup.xml`, as
 * the real backups of ../shared/fixtures are laid out. Blob bytes come from AES-CTR so they are fast,
 * deterministic and hashable in a first pass (the index, written first, names every blob by its hash).
 */
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { crc32, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { type RawEntry, zipBytes } from '../../test/mbz/helpers/archive-writers.js';
import { generateBackup } from '../../test/mbz/helpers/generate-backup.js';

export const BLOBS = 400;
export const BLOB_SIZE = 2.5 * 1024 * 1024;

function blob(i: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(i, 0);
  const bytes = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), iv).update(Buffer.alloc(BLOB_SIZE));
  if (i % 4 === 3) for (let k = 0; k < bytes.length; k++) bytes[k] = 0x40 + ((bytes[k] as number) & 0x1f);
  return bytes;
}

interface Plan {
  head: RawEntry[];
  /** Hash folders (index -1) and blobs, in archive order. */
  blobs: { name: string; index: number }[];
  tail: RawEntry[];
}

function plan(): Plan {
  const hashes = Array.from({ length: BLOBS }, (_, i) => createHash('sha1').update(blob(i)).digest('hex'));
  const records = hashes
    .map(
      (hash, i) =>
        `<file id="${i + 1}"><contenthash>${hash}</contenthash><contextid>60</contextid><component>mod_resource</component><filearea>content</filearea><itemid>0</itemid><filepath>/</filepath><filename>media${i}.bin</filename><userid>$@NULL@$</userid><filesize>${BLOB_SIZE}</filesize><mimetype>application/octet-stream</mimetype><status>0</status><timecreated>0</timecreated><timemodified>0</timemodified><source>$@NULL@$</source><author>$@NULL@$</author><license>$@NULL@$</license><sortorder>0</sortorder><repositorytype>$@NULL@$</repositorytype><repositoryid>$@NULL@$</repositoryid><reference>$@NULL@$</reference></file>`,
    )
    .join('');
  const { entries } = generateBackup({
    activities: 300,
    sections: 4,
    blobs: 0,
    users: 50,
    archiveIndex: false,
    replace: { 'files.xml': `<?xml version="1.0" encoding="UTF-8"?>\n<files>${records}</files>` },
  });
  const split = entries.findIndex((e) => e.name === 'files.xml');
  // Each hash folder, then its blobs, as Moodle writes them.
  const byFolder = new Map<string, { name: string; index: number }[]>();
  hashes.forEach((h, index) => {
    const folder = `files/${h.slice(0, 2)}/`;
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), { name: `${folder}${h}`, index }]);
  });
  const blobs: Plan['blobs'] = [];
  for (const [folder, inside] of byFolder) blobs.push({ name: folder, index: -1 }, ...inside);
  return { head: entries.slice(0, split), blobs, tail: entries.slice(split) };
}

function archiveIndex(p: Plan): RawEntry {
  const line = (name: string, dir: boolean, size: number) =>
    `${name}\t${dir ? 'd' : 'f'}\t${size}\t${dir ? '?' : 0}`;
  const lines = [
    ...p.head.map((e) => line(e.name, e.type === 'directory', Buffer.byteLength(e.body ?? ''))),
    ...p.blobs.map((b) => line(b.name, b.index < 0, b.index < 0 ? 0 : BLOB_SIZE)),
    ...p.tail.map((e) => line(e.name, e.type === 'directory', Buffer.byteLength(e.body ?? ''))),
  ];
  return {
    name: '.ARCHIVE_INDEX',
    body: `Moodle archive file index. Count: ${lines.length}\n${lines.join('\n')}\n`,
  };
}

async function write(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function writeTarGz(path: string, p: Plan): Promise<void> {
  const pack = tar.pack();
  const file = createWriteStream(`${path}.part`);
  const done = new Promise<void>((resolve, reject) => {
    pack
      .pipe(createGzip({ level: 6 }))
      .pipe(file)
      .on('finish', resolve)
      .on('error', reject);
  });
  const add = (name: string, body: Buffer, directory: boolean) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (directory) pack.entry({ name, type: 'directory', size: 0 }, done);
      else pack.entry({ name, type: 'file', size: body.length }, body, done);
    });
  for (const e of [archiveIndex(p), ...p.head])
    await add(e.name, Buffer.from(e.body ?? ''), e.type === 'directory');
  for (const b of p.blobs) await add(b.name, b.index < 0 ? Buffer.alloc(0) : blob(b.index), b.index < 0);
  for (const e of p.tail) await add(e.name, Buffer.from(e.body ?? ''), e.type === 'directory');
  pack.finalize();
  await done;
  await rename(`${path}.part`, path);
}

async function writeZip(path: string, p: Plan): Promise<void> {
  const file = createWriteStream(`${path}.part`);
  const central: Buffer[] = [];
  let offset = 0;
  const add = async (nameText: string, body: Buffer) => {
    const name = Buffer.from(nameText);
    const crc = crc32(body);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(body.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(0x031e, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(body.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    await write(file, Buffer.concat([lh, name]));
    await write(file, body);
    offset += 30 + name.length + body.length;
  };
  for (const e of p.head) await add(e.name, Buffer.from(e.body ?? ''));
  for (const b of p.blobs) await add(b.name, b.index < 0 ? Buffer.alloc(0) : blob(b.index));
  for (const e of p.tail) await add(e.name, Buffer.from(e.body ?? ''));
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  await write(file, Buffer.concat([cd, end]));
  file.end();
  await once(file, 'finish');
  await rename(`${path}.part`, path);
}

/** Paths of the two 1 GB backups, generating whichever is missing. */
export async function benchBackups(dir: string): Promise<{ tgz: string; zip: string }> {
  await mkdir(dir, { recursive: true });
  // v2: Moodle's layout (hash folders interleaved with their blobs).
  const tgz = `${dir}/mbz-1g-v2.tgz.mbz`;
  const zip = `${dir}/mbz-1g-v2.zip.mbz`;
  if (!existsSync(tgz) || !existsSync(zip)) {
    const p = plan();
    if (!existsSync(tgz)) await writeTarGz(tgz, p);
    if (!existsSync(zip)) await writeZip(zip, p);
  }
  return { tgz, zip };
}

/** Files in the many-files backup: its files.xml, not its size, is what inspect's time grows with. */
export const MANY_FILES = 20_000;

/** A zip course backup of {@link MANY_FILES} small files (files.xml ~15 MB), generated once into `dir`. */
export async function manyFilesBackup(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = `${dir}/mbz-many-files.zip.mbz`;
  if (!existsSync(path)) {
    const { entries } = generateBackup({
      activities: 50,
      blobs: MANY_FILES,
      blobSize: 200,
      archiveIndex: false,
    });
    await writeFile(`${path}.part`, zipBytes(entries));
    await rename(`${path}.part`, path);
  }
  return path;
}
