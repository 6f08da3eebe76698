/** Hostile and damaged archives: each gives a typed error with a stable code naming what is wrong. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  inspectBackup,
  listEntries,
  MbzError,
  MbzFormatError,
  MbzLimitError,
  MbzNotBackupError,
  MbzUnsafeEntryError,
  MbzXmlError,
  openEntry,
  verifyBackup,
} from '../../src/mbz/index.js';
import { tarBytes, tarGzBytes, zipBytes } from './helpers/archive-writers.js';
import { buildBackup, generateBackup } from './helpers/generate-backup.js';

async function failure(promise: Promise<unknown>): Promise<MbzError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MbzError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const backupEntries = () => generateBackup({ archiveIndex: false }).entries;

describe('hostile archives', () => {
  it.each([
    ['zip slip', '../../../etc/cron.d/evil'],
    ['nested zip slip', 'activities/../../evil'],
    ['absolute path', '/etc/passwd'],
    ['drive letter', 'C:/Windows/evil.dll'],
  ])('refuses a %s entry in both packings, naming it', async (_label, name) => {
    const entries = [...backupEntries(), { name, body: 'pwned' }];
    for (const bytes of [zipBytes(entries), tarGzBytes(entries)]) {
      const error = await failure(inspectBackup(bytes));
      expect(error).toBeInstanceOf(MbzUnsafeEntryError);
      expect(error.code).toBe('mbz.unsafe_path');
      expect(error.details?.path).toBe(name);
      expect(error.hint).toBeTruthy();
    }
  });

  it('refuses links out of the archive in both packings', async () => {
    for (const [type, linkname] of [
      ['symlink', '/etc/shadow'],
      ['symlink', '../../../etc/shadow'],
      ['link', '/etc/passwd'],
      ['link', '../outside'],
    ] as const) {
      const tar = tarGzBytes([...backupEntries(), { name: 'files/ab/link', type, linkname }]);
      const error = await failure(listEntries(tar));
      expect(error.code, `${type} to ${linkname}`).toBe('mbz.link_entry');
      expect(error.details?.path).toBe('files/ab/link');
    }
    for (const target of ['/etc/shadow', '../../../x']) {
      const zip = zipBytes([...backupEntries(), { name: 'files/ab/link', body: target, symlink: true }]);
      expect((await failure(listEntries(zip))).code).toBe('mbz.link_entry');
    }
  });

  it('resolves a hard link to an earlier entry as tar does, and skips one that leads nowhere with a warning', async () => {
    const entries = backupEntries();
    const users = entries.find((e) => e.name === 'users.xml');
    const linked = [
      ...entries.filter((e) => e.name !== 'users.xml'),
      { name: 'copy/users.xml', body: users?.body },
      { name: 'users.xml', type: 'link' as const, linkname: 'copy/users.xml' },
      { name: 'roles.xml', type: 'link' as const, linkname: './roles.xml' },
      { name: 'ghost.xml', type: 'link' as const, linkname: 'never-there.xml' },
      { name: 'files/ab/inside', type: 'symlink' as const, linkname: '../cd/blob' },
    ];
    const bytes = tarGzBytes(linked);
    const list = await listEntries(bytes);
    expect(list.find((e) => e.name === 'users.xml')).toMatchObject({
      kind: 'link',
      linkTarget: 'copy/users.xml',
      size: Buffer.byteLength(String(users?.body)),
    });
    expect(list.filter((e) => e.name === 'roles.xml').map((e) => e.kind)).toEqual(['file', 'link']);
    expect(list.some((e) => e.name === 'ghost.xml' || e.name === 'files/ab/inside')).toBe(false);
    const summary = await inspectBackup(bytes);
    expect(summary.warnings.map((w) => [w.code, w.path])).toEqual([
      ['mbz.link_dangling', 'ghost.xml'],
      ['mbz.symlink_skipped', 'files/ab/inside'],
    ]);
    const report = await verifyBackup(bytes);
    expect(report.problems.filter((p) => p.severity === 'warning').map((p) => p.code)).toEqual(
      expect.arrayContaining([
        'mbz.verify.link_dangling',
        'mbz.verify.symlink_skipped',
        'mbz.verify.hard_link',
      ]),
    );
  });

  it('stops a gzip bomb on the compression ratio before inflating it all', async () => {
    // Well-formed so far: the XML is read as it inflates, so only the ratio can stop it early.
    const body = Buffer.concat([Buffer.from('<moodle_backup>'), Buffer.alloc(40 * 1024 * 1024, 0x20)]);
    const bomb = gzipSync(tarBytes([{ name: 'moodle_backup.xml', body }]));
    const error = await failure(inspectBackup(bomb, { limits: { ratioFloorBytes: 4 * 1024 * 1024 } }));
    expect(error).toBeInstanceOf(MbzLimitError);
    expect(error.code).toBe('mbz.compression_ratio_limit');
  });

  it('stops a zip bomb on the compression ratio and on declared total size', async () => {
    const bomb = zipBytes([
      ...backupEntries(),
      { name: 'files/00/bomb', body: Buffer.alloc(20 * 1024 * 1024) },
    ]);
    const entry = await failure(
      openEntry(bomb, 'files/00/bomb', { limits: { ratioFloorBytes: 1024 * 1024 } }),
    );
    expect(entry.code).toBe('mbz.compression_ratio_limit');
    const total = await failure(inspectBackup(bomb, { limits: { maxTotalBytes: 10 * 1024 * 1024 } }));
    expect(total.code).toBe('mbz.total_size_limit');
  });

  it('refuses a zip entry that inflates past its declared size', async () => {
    const entries = backupEntries().map((e) => (e.name === 'moodle_backup.xml' ? { ...e, lieSize: 10 } : e));
    const error = await failure(inspectBackup(zipBytes(entries)));
    expect(error).toBeInstanceOf(MbzFormatError);
    expect(error.details?.path).toBe('moodle_backup.xml');
  });

  it('refuses an XML file larger than maxXmlBytes', async () => {
    const error = await failure(inspectBackup(buildBackup({}, 'tar.gz'), { limits: { maxXmlBytes: 1000 } }));
    expect(error.code).toBe('mbz.xml_size_limit');
  });

  it('refuses a DOCTYPE entity bomb without expanding it', async () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<moodle_backup><information><moodle_release>&lol3;</moodle_release></information></moodle_backup>`;
    for (const format of ['zip', 'tar.gz'] as const) {
      const error = await failure(
        inspectBackup(buildBackup({ replace: { 'moodle_backup.xml': lol } }, format)),
      );
      expect(error).toBeInstanceOf(MbzXmlError);
      expect(error.code).toBe('mbz.xml_doctype');
      expect(error.details?.path).toBe('moodle_backup.xml');
    }
  });

  it('names the file and line of corrupt XML', async () => {
    const error = await failure(
      inspectBackup(
        buildBackup(
          { replace: { 'moodle_backup.xml': '<moodle_backup>\n<information>\n</moodle_backup>' } },
          'tar.gz',
        ),
      ),
    );
    expect(error.code).toBe('mbz.xml_malformed');
    expect(error.details).toMatchObject({ path: 'moodle_backup.xml', line: expect.any(Number) });
    const missing = await failure(
      inspectBackup(buildBackup({ replace: { 'moodle_backup.xml': '<moodle_backup/>' } }, 'zip')),
    );
    expect(missing.code).toBe('mbz.manifest_invalid');
  });

  it('says a truncated gzip is truncated, and a truncated zip too', async () => {
    const tgz = buildBackup({ blobs: 5, blobSize: 20_000 }, 'tar.gz');
    for (const cut of [0.3, 0.6, 0.95]) {
      const error = await failure(inspectBackup(tgz.subarray(0, Math.floor(tgz.length * cut))));
      expect(error).toBeInstanceOf(MbzFormatError);
      expect(error.code).toBe('mbz.truncated');
    }
    const zip = buildBackup({}, 'zip');
    const error = await failure(inspectBackup(zip.subarray(0, zip.length - 30)));
    expect(error.code).toBe('mbz.truncated');
  });

  it('tells a non-archive, an empty file, a plain tar and a gzip of something else apart', async () => {
    expect((await failure(inspectBackup(Buffer.from('just some text, not an archive')))).code).toBe(
      'mbz.not_an_archive',
    );
    expect((await failure(inspectBackup(Buffer.alloc(0)))).code).toBe('mbz.not_an_archive');
    const plain = await failure(inspectBackup(tarBytes(backupEntries())));
    expect(plain.code).toBe('mbz.not_an_archive');
    expect(plain.hint).toMatch(/gzip/);
    expect((await failure(inspectBackup(gzipSync(Buffer.from('hello world'.repeat(100)))))).code).toBe(
      'mbz.corrupt_tar',
    );
    const corrupt = buildBackup({}, 'tar.gz');
    corrupt[20] = (corrupt[20] as number) ^ 0xff;
    corrupt[21] = (corrupt[21] as number) ^ 0xff;
    expect((await failure(inspectBackup(corrupt))).code).toMatch(
      /^mbz\.(corrupt_gzip|corrupt_tar|truncated)$/,
    );
  });

  it('says an archive without moodle_backup.xml is not a backup, and where a nested one is', async () => {
    const none = await failure(inspectBackup(zipBytes([{ name: 'readme.txt', body: 'hi' }])));
    expect(none).toBeInstanceOf(MbzNotBackupError);
    expect(none.code).toBe('mbz.not_a_backup');
    const nested = backupEntries().map((e) => ({ ...e, name: `backup-folder/${e.name}` }));
    const error = await failure(inspectBackup(tarGzBytes(nested)));
    expect(error.hint).toContain('backup-folder/moodle_backup.xml');
  });

  it('reports a missing file as a typed input error', async () => {
    const error = await inspectBackup('/nonexistent/backup.mbz').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      code: 'mbz.file_not_found',
      details: { path: '/nonexistent/backup.mbz' },
    });
  });

  it('honours an AbortSignal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(inspectBackup(buildBackup({}, 'tar.gz'), { signal: controller.signal }));
    expect(error.code).toBe('mbz.aborted');
  });

  it('rejects unknown options and limits', async () => {
    await expect(inspectBackup(Buffer.alloc(0), { limit: 1 } as never)).rejects.toMatchObject({
      code: 'options.unknown_key',
    });
    await expect(inspectBackup(Buffer.alloc(0), { limits: { maxXmlBytes: -1 } })).rejects.toMatchObject({
      code: 'options.invalid_value',
    });
  });

  it('verify lists damage as problems with paths instead of failing', async () => {
    const spec = { blobs: 3, groups: 1 };
    const good = generateBackup(spec);
    const [b0, b1] = good.blobs;
    const bytes = buildBackup(
      {
        ...spec,
        omit: [`files/${b0?.hash.slice(0, 2)}/${b0?.hash}`, 'activities/page_1001/module.xml'],
        replace: { [`files/${b1?.hash.slice(0, 2)}/${b1?.hash}`]: 'short', 'groups.xml': '<groups><group>' },
        extra: [{ name: 'files/ff/ffffffffffffffffffffffffffffffffffffffff', body: 'stray' }],
      },
      'tar.gz',
    );
    const report = await verifyBackup(bytes);
    expect(report.ok).toBe(false);
    const found = report.problems.map((p) => [p.code, p.path]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['mbz.verify.blob_missing', `files/${b0?.hash.slice(0, 2)}/${b0?.hash}`],
        ['mbz.verify.blob_size_mismatch', `files/${b1?.hash.slice(0, 2)}/${b1?.hash}`],
        ['mbz.verify.blob_unreferenced', 'files/ff/ffffffffffffffffffffffffffffffffffffffff'],
        ['mbz.verify.activity_incomplete', 'activities/page_1001/module.xml'],
        ['mbz.xml_malformed', 'groups.xml'],
      ]),
    );
  });

  it('verify cross-checks .ARCHIVE_INDEX with the entries, as warnings since restore does not read it', async () => {
    const { entries } = generateBackup({});
    const tampered = entries.filter((e) => e.name !== 'roles.xml');
    tampered.push({ name: 'extra.xml', body: '<x/>' });
    const report = await verifyBackup(tarGzBytes(tampered));
    const index = report.problems.filter((p) => p.path === '.ARCHIVE_INDEX');
    expect(index.map((p) => [p.code, p.severity])).toEqual([
      ['mbz.verify.index_missing', 'warning'],
      ['mbz.verify.index_unlisted', 'warning'],
    ]);
    expect(index[0]?.message).toContain('roles.xml');
    expect(index[1]?.message).toContain('extra.xml');
    expect(report.ok).toBe(true);
    const summary = await inspectBackup(tarGzBytes(tampered));
    expect(summary.archiveIndex).toMatchObject({
      matches: false,
      missing: ['roles.xml'],
      unlisted: ['extra.xml'],
      counts: { missing: 1, unlisted: 1, sizeMismatches: 0 },
    });
  });
});
