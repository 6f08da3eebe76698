/** `mts mbz ...` as a user runs it: exit codes, --json shapes, atomic extraction. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';
import { buildBackup, generateBackup } from './helpers/generate-backup.js';

let dir: string;
let tgz: string;
let zip: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-mbz-cli-'));
  tgz = join(dir, 'a.mbz');
  zip = join(dir, 'b.mbz');
  await writeFile(tgz, buildBackup({ activities: 4, users: 2, visible: (i) => i !== 2 }, 'tar.gz'));
  await writeFile(zip, buildBackup({ activities: 3, users: null }, 'zip'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('mts mbz', () => {
  it('inspect --json prints the documented fields', async () => {
    const run = await runCli(['mbz', 'inspect', tgz, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      format: 'tar.gz',
      type: 'course',
      moodleRelease: '4.5.6 (Build: 20250811)',
      moodleVersion: '2024100706',
      backupRelease: '4.5',
      backupDate: '2023-11-14T22:13:20.000Z',
      original: {
        wwwroot: 'https://lms.example.org',
        courseId: '7',
        fullname: 'Generated & tested',
        shortname: 'GEN',
      },
      settings: { users: '1', anonymize: '0' },
      sections: [
        { id: '100', title: '0' },
        { id: '101', title: '1' },
      ],
      files: { count: 2, totalBytes: 201 },
      users: { count: 2 },
    });
    expect(out.activities[0]).toEqual({
      moduleId: '1000',
      modulename: 'forum',
      title: 'Activity 0',
      sectionId: '100',
    });
    const noUsers = JSON.parse((await runCli(['mbz', 'inspect', zip, '--json'])).stdout);
    expect(noUsers.format).toBe('zip');
    expect(noUsers.users).toBeNull();
  });

  it('inspect prints a readable summary', async () => {
    const run = await runCli(['mbz', 'inspect', tgz, '--inventory']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Generated & tested (GEN, course 7)');
    expect(run.stdout).toContain('users: 2');
    expect(run.stdout).toMatch(/resource +Activity 2 \(cm 1002\) hidden/);
    expect(run.stdout).toContain('hidden from students: 1');
    const json = JSON.parse((await runCli(['mbz', 'inspect', tgz, '--inventory', '--json'])).stdout);
    expect(json.inventory.activities[2]).toMatchObject({ moduleId: '1002', visible: false });
  });

  it('verify exits 0 on a sound backup and 1 with problems listed on a damaged one', async () => {
    expect((await runCli(['mbz', 'verify', tgz])).code).toBe(0);
    const { blobs } = generateBackup({});
    const damaged = join(dir, 'damaged.mbz');
    const blob = `files/${blobs[0]?.hash.slice(0, 2)}/${blobs[0]?.hash}`;
    await writeFile(damaged, buildBackup({ omit: [blob] }, 'zip'));
    const run = await runCli(['mbz', 'verify', damaged, '--json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.ok).toBe(false);
    expect(out.problems).toContainEqual(
      expect.objectContaining({ code: 'mbz.verify.blob_missing', path: blob }),
    );
  });

  it('ls, and diff exiting as diff does: 0 same, 1 different, 2 trouble', async () => {
    const ls = JSON.parse((await runCli(['mbz', 'ls', zip, '--json'])).stdout);
    expect(ls).toContainEqual({ name: 'moodle_backup.xml', kind: 'file', size: expect.any(Number) });
    const diff = await runCli(['mbz', 'diff', tgz, zip, '--json']);
    expect(diff.code).toBe(1);
    expect(JSON.parse(diff.stdout).activities.onlyInA).toEqual([
      { moduleId: '1003', modulename: 'quiz', title: 'Activity 3', sectionId: '101' },
    ]);
    const same = await runCli(['mbz', 'diff', tgz, tgz]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no differences');
    const trouble = await runCli(['mbz', 'diff', tgz, join(dir, 'missing.mbz'), '--json']);
    expect(trouble.code).toBe(2);
    expect(JSON.parse(trouble.stdout).error.code).toBe('mbz.file_not_found');
    expect((await runCli(['mbz', 'diff', tgz])).code).toBe(2);
  });

  it('keeps one line per item whatever the labels hold: line breaks and escape sequences are shown escaped', async () => {
    const file = join(dir, 'labels.mbz');
    await writeFile(
      file,
      buildBackup(
        {
          activities: 2,
          title: (i) => (i === 0 ? 'Line one\nLine two' : 'Red \u001b[31malert\u001b[0m'),
          fullname: 'Course\nname',
        },
        'tar.gz',
      ),
    );
    const run = await runCli(['mbz', 'inspect', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Line one\\nLine two');
    expect(run.stdout).toContain('Red \\u001b[31malert\\u001b[0m');
    expect(run.stdout).toContain('Course\\nname');
    expect(run.stdout).not.toContain('\u001b');
    const activityLines = run.stdout.split('\n').filter((line) => line.includes('(cm '));
    expect(activityLines).toHaveLength(2);
  });

  it('extract writes an entry or a course file atomically, and leaves nothing on failure', async () => {
    const out = join(dir, 'out', 'manifest.xml');
    const run = await runCli(['mbz', 'extract', tgz, 'moodle_backup.xml', '-o', out]);
    expect(run.code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('<moodle_backup>');
    const file = join(dir, 'out', 'file0.bin');
    expect((await runCli(['mbz', 'extract', zip, 'mod_resource/content/0/file0.bin', '-o', file])).code).toBe(
      0,
    );
    expect((await readFile(file)).length).toBe(100);
    const missing = await runCli([
      'mbz',
      'extract',
      tgz,
      'nope.xml',
      '-o',
      join(dir, 'out', 'nope.xml'),
      '--json',
    ]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('mbz.entry_not_found');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['file0.bin', 'manifest.xml']);
    expect((await runCli(['mbz', 'extract', tgz, 'moodle_backup.xml'])).code).toBe(2);
  });

  it("names the backup mode in --json, with Moodle's code beside it", async () => {
    const out = JSON.parse((await runCli(['mbz', 'inspect', zip, '--json'])).stdout);
    expect(out).toMatchObject({ mode: 'general', modeCode: '10' });
  });

  it('tells a mistyped ENTRY apart from a hostile archive', async () => {
    const run = await runCli(['mbz', 'extract', tgz, '../../etc/passwd', '-o', join(dir, 'x'), '--json']);
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stdout);
    expect(error.code).toBe('mbz.bad_entry_name');
    expect(error.hint).toContain('mts mbz ls');
    expect(run.stdout).not.toMatch(/zip-slip|Do not extract/);
  });

  it('turns a hostile archive into exit 1 with a coded error', async () => {
    const bad = join(dir, 'bad.mbz');
    await writeFile(bad, 'not a backup at all');
    const run = await runCli(['mbz', 'inspect', bad, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error).toMatchObject({
      code: 'mbz.not_an_archive',
      hint: expect.any(String),
    });
  });
});

describe.skipIf(!hasFixtures)(`mts mbz on real backups ${FIXTURES_SKIP_REASON}`, () => {
  it('verifies every fixture clean', async () => {
    for (const file of [
      'moodle-4.5/mbz/course-xs-users.tgz.mbz',
      'moodle-4.5/mbz/course-xs-users.zip.mbz',
      'moodle-4.5/mbz/activity-assign-users.tgz.mbz',
      'moodle-4.5/mbz/course-rest-users.tgz.mbz',
      'mbz-public/m26-zip-nousers-files-gapfill.mbz',
      'mbz-public/m31-tgz-users-files-studentquiz.mbz',
      'mbz-public/m45-tgz-users-studentquiz.mbz',
      'mbz-public/m50-tgz-users-qbank-coderunner.mbz',
    ]) {
      const run = await runCli(['mbz', 'verify', fixture(file), '--json']);
      expect(JSON.parse(run.stdout).problems, file).toEqual([]);
      expect(run.code, file).toBe(0);
    }
  });
});

describe("the REPL's .mbz", () => {
  it('prints the same readable summary as mts mbz inspect', async () => {
    const cli = await runCli(['mbz', 'inspect', zip]);
    const repl = await runCli(['repl', '-e', `.mbz ${zip}`], { MTS_CONFIG_DIR: join(dir, 'config') });
    expect(repl.code, repl.stderr).toBe(0);
    const firstLine = cli.stdout.split('\n')[0] as string;
    expect(firstLine).toContain('Generated & tested');
    expect(repl.stdout).toContain(firstLine);
    expect(repl.stdout).toContain('sections (');
    expect(repl.stdout).not.toContain('rootSettings');
  });
});
