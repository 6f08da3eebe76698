/** Every real backup in ../shared/fixtures, inspected and compared with an independent reading of its XML. */
import { describe, expect, it } from 'vitest';
import { inspectBackup, verifyBackup } from '../../src/mbz/index.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';
import { fixtureBackups } from './helpers/fixture-backups.js';
import {
  filesFacts,
  indexMatches,
  readIndependently,
  readPublicManifest,
  rootSettings,
  tagValues,
} from './helpers/oracle.js';

const backups = fixtureBackups();

describe.skipIf(!hasFixtures)(`inspect on every real backup ${FIXTURES_SKIP_REASON}`.trim(), () => {
  it('reads every folder of real backups', () => {
    expect(backups.length).toBeGreaterThanOrEqual(50);
  });

  it.each(backups)('%s matches its own XML', async (file) => {
    const summary = await inspectBackup(file, { inventory: true });
    const archive = await readIndependently(file);
    const manifestXml = archive.read('moodle_backup.xml') as string;
    expect(summary.format).toBe(archive.format);
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

    const facts = filesFacts(archive.read('files.xml') ?? '<files></files>');
    expect(summary.files.count).toBe(facts.count);
    expect(summary.files.totalBytes).toBe(facts.totalBytes);
    expect(summary.files.blobs).toBe(facts.hashes.size);

    const usersXml = archive.read('users.xml');
    if (summary.settings.users === '1' && usersXml !== undefined) {
      expect(summary.users?.count).toBe((usersXml.match(/<user id="/g) ?? []).length);
    } else {
      expect(summary.users).toBeNull();
    }
    expect(summary.entryCount).toBe(archive.entries.length);
    // .ARCHIVE_INDEX: matches exactly when GNU tar's listing agrees with it (stripped blobs, edited files do not).
    expect(summary.archiveIndex?.matches ?? null).toBe(indexMatches(archive));
    expect(summary.warnings).toEqual([]);

    const names = new Set(archive.entries.map((e) => e.name));
    const inventory = summary.inventory!;
    expect(inventory.sections.length).toBe(
      [...names].filter((e) => /^sections\/[^/]+\/section\.xml$/.test(e)).length,
    );
    const questionsXml = archive.read('questions.xml') ?? '';
    expect(inventory.questions?.questions ?? 0).toBe((questionsXml.match(/<question id="/g) ?? []).length);
    const blocks: Record<string, number> = {};
    for (const entry of [...names].filter((e) => /blocks\/[^/]+\/block\.xml$/.test(e))) {
      const name = (entry.split('/').at(-2) as string).replace(/_\d+$/, '');
      blocks[name] = (blocks[name] ?? 0) + 1;
    }
    expect(inventory.blocks).toEqual(blocks);

    // Visibility of each activity, as its module.xml says.
    expect(inventory.activities.map((a) => a.moduleId)).toEqual(
      summary.manifest.contents.activities
        .filter((a) => archive.read(`${a.directory}/module.xml`) !== undefined)
        .map((a) => a.moduleId),
    );
    for (const activity of summary.manifest.contents.activities) {
      const moduleXml = archive.read(`${activity.directory}/module.xml`);
      if (moduleXml === undefined) continue;
      const info = inventory.activities.find((a) => a.moduleId === activity.moduleId);
      expect(info?.visible, activity.directory).toBe(tagValues(moduleXml, 'visible')[0] === '1');
      const onPage = tagValues(moduleXml, 'visibleoncoursepage')[0];
      expect(info?.visibleOnCoursePage).toBe(onPage === undefined ? null : onPage === '1');
    }
    expect(inventory.hiddenActivities).toBe(inventory.activities.filter((a) => !a.visible).length);
  });

  it.each(backups)('%s verifies with no error a restore would meet', async (file) => {
    const report = await verifyBackup(file);
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => p.code);
    // The one crafted to lie: its cover image is 42 bytes where files.xml says 68.
    expect(errors).toEqual(
      file.endsWith('/oerx-course_with_fake_raster.mbz') ? ['mbz.verify.blob_size_mismatch'] : [],
    );
  });

  it('reads the repacked wild backups as tar and Moodle do: hard links resolved, stale indexes a warning', async () => {
    const quiz = await verifyBackup(fixture('wild/mbz/stack-STACK-syntax-quiz.mbz'));
    expect(quiz.ok).toBe(true);
    expect(quiz.problems).toContainEqual(
      expect.objectContaining({ code: 'mbz.verify.hard_link', path: '.ARCHIVE_INDEX', severity: 'warning' }),
    );
    const svg = await inspectBackup(fixture('wild/mbz/oerx-course_with_evil_svg.mbz'), { inventory: true });
    expect(svg.inventory?.sections).toHaveLength(6);
    for (const name of ['sq-m32-nofiles.mbz', 'sq-m33-nofiles.mbz']) {
      const report = await verifyBackup(fixture(`wild/mbz/${name}`));
      expect(report.ok).toBe(true);
      const stale = report.problems.filter((p) => p.code === 'mbz.verify.index_blobs_missing');
      expect(stale).toHaveLength(1);
      expect(stale[0]).toMatchObject({ severity: 'warning', path: '.ARCHIVE_INDEX' });
      expect(stale[0]?.message).toMatch(/lists 2\d\d blob entries absent/);
    }
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
