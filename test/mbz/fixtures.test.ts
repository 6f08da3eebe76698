/** Every real backup in ../shared/fixtures, inspected and compared with an independent reading of its XML. */
import { describe, expect, it } from 'vitest';
import { inspectBackup } from '../../src/mbz/index.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';
import { fixtureBackups } from './helpers/fixture-backups.js';
import {
  filesFacts,
  listEntriesIndependently,
  readEntryIndependently,
  readPublicManifest,
  rootSettings,
  tagValues,
} from './helpers/oracle.js';

const backups = fixtureBackups();

describe.skipIf(!hasFixtures)(`inspect on real backups ${FIXTURES_SKIP_REASON}`, () => {
  it.each(backups)('%s matches its own XML', async (file) => {
    const summary = await inspectBackup(file, { inventory: true });
    const manifestXml = (await readEntryIndependently(file, 'moodle_backup.xml')) as string;
    expect(summary.format).toBe(file.includes('zip') ? 'zip' : 'tar.gz');
    expect(summary.moodleRelease).toBe(tagValues(manifestXml, 'moodle_release')[0]);
    expect(summary.moodleVersion).toBe(tagValues(manifestXml, 'moodle_version')[0]);
    expect(summary.backupRelease).toBe(tagValues(manifestXml, 'backup_release')[0]);
    expect(summary.backupDate.getTime()).toBe(Number(tagValues(manifestXml, 'backup_date')[0]) * 1000);
    expect(summary.type).toBe(tagValues(manifestXml, 'type')[0]);
    expect(summary.original.wwwroot).toBe(tagValues(manifestXml, 'original_wwwroot')[0]);
    expect(summary.original.courseId).toBe(tagValues(manifestXml, 'original_course_id')[0]);
    expect(summary.activities.map((a) => a.moduleId)).toEqual(tagValues(manifestXml, 'moduleid'));
    expect(summary.activities.map((a) => a.modulename)).toEqual(tagValues(manifestXml, 'modulename'));
    expect(summary.sections.map((s) => s.id)).toEqual(
      tagValues(manifestXml, 'sectionid').slice(summary.activities.length),
    );
    expect(summary.settings).toEqual(rootSettings(manifestXml));

    const filesXml = (await readEntryIndependently(file, 'files.xml')) ?? '<files></files>';
    const facts = filesFacts(filesXml);
    expect(summary.files.count).toBe(facts.count);
    expect(summary.files.totalBytes).toBe(facts.totalBytes);
    expect(summary.files.blobs).toBe(facts.hashes.size);

    const usersXml = await readEntryIndependently(file, 'users.xml');
    if (summary.settings.users === '1' && usersXml !== undefined) {
      expect(summary.users?.count).toBe((usersXml.match(/<user id="/g) ?? []).length);
    } else {
      expect(summary.users).toBeNull();
    }
    const entries = await listEntriesIndependently(file);
    expect(summary.entryCount).toBe(entries.length);
    if (summary.format === 'tar.gz') expect(summary.archiveIndex?.matches).toBe(true);
    else expect(summary.archiveIndex).toBeNull();

    const inventory = summary.inventory!;
    expect(inventory.sections.length).toBe(
      entries.filter((e) => /^sections\/[^/]+\/section\.xml$/.test(e)).length,
    );
    const questionsXml = (await readEntryIndependently(file, 'questions.xml')) ?? '';
    expect(inventory.questions?.questions ?? 0).toBe((questionsXml.match(/<question id="/g) ?? []).length);
    const blocks: Record<string, number> = {};
    for (const entry of entries.filter((e) => /blocks\/[^/]+\/block\.xml$/.test(e))) {
      const name = (entry.split('/').at(-2) as string).replace(/_\d+$/, '');
      blocks[name] = (blocks[name] ?? 0) + 1;
    }
    expect(inventory.blocks).toEqual(blocks);

    // Visibility of each activity, as its module.xml says.
    expect(inventory.activities.map((a) => a.moduleId)).toEqual(summary.activities.map((a) => a.moduleId));
    for (const activity of summary.manifest.contents.activities) {
      const moduleXml = (await readEntryIndependently(file, `${activity.directory}/module.xml`)) as string;
      const info = inventory.activities.find((a) => a.moduleId === activity.moduleId);
      expect(info?.visible, activity.directory).toBe(tagValues(moduleXml, 'visible')[0] === '1');
      const onPage = tagValues(moduleXml, 'visibleoncoursepage')[0];
      expect(info?.visibleOnCoursePage).toBe(onPage === undefined ? null : onPage === '1');
    }
    expect(inventory.hiddenActivities).toBe(inventory.activities.filter((a) => !a.visible).length);
  });

  it('finds the hidden activities of the public backups', async () => {
    const m26 = await inspectBackup(fixture('mbz-public/m26-zip-nousers-files-gapfill.mbz'), {
      inventory: true,
    });
    expect(m26.inventory?.hiddenActivities).toBe(1);
    const m50 = await inspectBackup(fixture('mbz-public/m50-tgz-users-qbank-coderunner.mbz'), {
      inventory: true,
    });
    expect(m50.inventory?.activities.filter((a) => !a.visible)).toEqual([
      expect.objectContaining({ moduleId: '961', modulename: 'qbank', visibleOnCoursePage: false }),
    ]);
  });

  it('agrees with the facts of mbz-public/MANIFEST.txt', async () => {
    const rows = readPublicManifest(fixture('mbz-public/MANIFEST.txt'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const summary = await inspectBackup(fixture(`mbz-public/${row.file}`), { inventory: true });
      expect(summary.format, row.file).toBe(row.container);
      expect(summary.moodleRelease).toBe(row.moodleRelease);
      expect(summary.backupRelease).toBe(row.backupRelease);
      expect(summary.type).toBe(row.type);
      expect(summary.manifest.mode).toBe(row.mode);
      expect(summary.settings.users).toBe(row.users);
      expect(summary.settings.anonymize).toBe(row.anonymize);
      expect(summary.users === null).toBe(row.users === '0');
      expect(summary.entryCount).toBe(row.entries);
      expect(summary.files.blobs).toBe(row.blobs);
      expect(Object.keys(summary.inventory!.activitiesByModule).sort()).toEqual([...row.modules].sort());
    }
  });

  it('reads the same data from both packings of one course', async () => {
    const tgz = await inspectBackup(fixture('moodle-4.5/mbz/course-xs-users.tgz.mbz'), { inventory: true });
    const zip = await inspectBackup(fixture('moodle-4.5/mbz/course-xs-users.zip.mbz'), { inventory: true });
    // Two runs of the backup: same course, different date, backup id and file name.
    const same = (s: typeof tgz) => [
      s.type,
      s.activities,
      s.sections,
      s.files,
      s.users,
      s.inventory,
      s.original,
    ];
    expect(same(zip)).toEqual(same(tgz));
    expect(zip.format).toBe('zip');
    expect(tgz.format).toBe('tar.gz');
  });

  it('tells the question bank models apart: pre-4.0, 4.0+ and 5.0 qbank activities', async () => {
    const m26 = await inspectBackup(fixture('mbz-public/m26-zip-nousers-files-gapfill.mbz'), {
      inventory: true,
    });
    const m45 = await inspectBackup(fixture('mbz-public/m45-tgz-users-studentquiz.mbz'), { inventory: true });
    const m50 = await inspectBackup(fixture('mbz-public/m50-tgz-users-qbank-coderunner.mbz'), {
      inventory: true,
    });
    expect(m26.inventory?.questions).toMatchObject({
      model: 'pre-4.0',
      questions: 23,
      byQtype: { gapfill: 23 },
    });
    expect(m45.inventory?.questions).toMatchObject({ model: '4.0+', bankEntries: 1, questions: 3 });
    expect(m50.inventory?.qbankActivities).toBe(2);
    expect(m50.manifest.modeName).toBe('async');
  });
});
