/** Extracting entries and course files as streams, and comparing two backups. */
import { buffer, text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { diffBackups, openEntry, openOriginalFile } from '../../src/mbz/index.js';
import { blobContent, buildBackup } from './helpers/generate-backup.js';

describe('extract', () => {
  it.each(['zip', 'tar.gz'] as const)(
    'streams one entry and a course file by its original name (%s)',
    async (format) => {
      const bytes = buildBackup({ blobs: 3, blobSize: 70_000 }, format);
      const manifest = await text(await openEntry(bytes, './moodle_backup.xml'));
      expect(manifest).toContain('<moodle_backup>');
      const { record, stream } = await openOriginalFile(bytes, 'mod_resource/content/0/file1.bin');
      expect(record.filesize).toBe(70_000);
      expect((await buffer(stream)).equals(blobContent(1, 70_000))).toBe(true);
      const short = await openOriginalFile(bytes, 'mod_resource/content/file2.bin');
      expect(short.record.filename).toBe('file2.bin');
      short.stream.destroy();
    },
  );

  it('says which entry or file is missing', async () => {
    const bytes = buildBackup({}, 'tar.gz');
    await expect(openEntry(bytes, 'nope.xml')).rejects.toMatchObject({
      code: 'mbz.entry_not_found',
      details: { path: 'nope.xml' },
    });
    await expect(openOriginalFile(bytes, 'mod_resource/content/0/absent.pdf')).rejects.toMatchObject({
      code: 'mbz.file_not_found',
      details: { path: 'mod_resource/content/0/absent.pdf' },
    });
    await expect(openEntry(bytes, '../moodle_backup.xml')).rejects.toMatchObject({
      code: 'mbz.bad_entry_name',
    });
  });
});

describe('diff', () => {
  it('reports what a restore of A would bring back that B lost, and what changed', async () => {
    const a = buildBackup({ activities: 4, users: 3, blobs: 2 }, 'tar.gz');
    const b = buildBackup(
      {
        activities: 3,
        users: 2,
        blobs: 2,
        blobSize: 500,
        title: (i) => (i === 0 ? 'Renamed' : `Activity ${i}`),
      },
      'zip',
    );
    const diff = await diffBackups(a, b);
    expect(diff.sameCourse).toBe(true);
    expect(diff.activities.onlyInA.map((x) => x.moduleId)).toEqual(['1003']);
    expect(diff.activities.changed).toEqual([expect.objectContaining({ key: '1000', fields: ['title'] })]);
    expect(diff.users.onlyInA.map((u) => u.username)).toEqual(['user2']);
    expect(diff.users.countA).toBe(3);
    expect(diff.files.changed.map((c) => c.fields)).toEqual([
      ['contenthash', 'filesize'],
      ['contenthash', 'filesize'],
    ]);
    expect(diff.settings.onlyInA.map((s) => s.name)).toEqual(['quiz_1003_included']);
    expect(diff.identical).toBe(false);
  });

  it('finds two packings of the same backup identical', async () => {
    const spec = { activities: 5, blobs: 3 };
    const diff = await diffBackups(buildBackup(spec, 'zip'), buildBackup(spec, 'tar.gz'));
    expect(diff.identical).toBe(true);
  });

  it('matches by name, not id, across sites', async () => {
    const a = buildBackup({ siteHash: 'b'.repeat(32) }, 'zip');
    const b = buildBackup({ siteHash: 'c'.repeat(32) }, 'zip');
    const diff = await diffBackups(a, b);
    expect(diff.sameCourse).toBe(false);
    expect(diff.identical).toBe(true);
  });
});
