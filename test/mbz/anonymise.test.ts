/**
 * `anonymiseBackup` / `mts mbz anonymise` on every real backup with users: the output is byte-searched (every
 * entry, decompressed by tools that share no code with ours) for each person's name, email, username, idnumber
 * and IP address, checked by `verify`, and compared with the input by `inspect`; Moodle's own way of reading a
 * tar.gz (a PHP replica of its extractor loop) reads it too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentifierReplacer, type Person } from '../../src/mbz/anonymise/people.js';
import { scrubText } from '../../src/mbz/anonymise/scrub.js';
import { Tally } from '../../src/mbz/anonymise/tally.js';
import {
  anonymiseBackup,
  type BackupSummary,
  diffBackups,
  inspectBackup,
  MbzXmlError,
  verifyBackup,
} from '../../src/mbz/index.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';
import { fixtureBackups } from './helpers/fixture-backups.js';
import { buildBackup } from './helpers/generate-backup.js';
import { type IndependentArchive, readIndependently } from './helpers/oracle.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-anon-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Usernames that are also Moodle's words (role names, paths): renamed in users.xml, not searched elsewhere. */
const VOCABULARY = new Set(['admin', 'teacher', 'student', 'guest', 'manager', 'user', 'test']);
const PLACEHOLDER_IPS = new Set(['', '0.0.0.0', '127.0.0.1', '::1', '0:0:0:0:0:0:0:1']);

/** What identifies each user of users.xml, read with regular expressions (not with our parser). */
function identifiers(usersXml: string): string[] {
  const out = new Set<string>();
  for (const m of usersXml.matchAll(/<user id="[^"]*"[^>]*>([\s\S]*?)<\/user>/g)) {
    const user = m[1] as string;
    const field = (tag: string) => (new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(user)?.[1] ?? '').trim();
    const [username, email, first, last, ip, idnumber] = [
      'username',
      'email',
      'firstname',
      'lastname',
      'lastip',
      'idnumber',
    ].map(field) as string[];
    if (email) out.add(email as string);
    if ((username as string).length >= 3 && !VOCABULARY.has((username as string).toLowerCase()))
      out.add(username as string);
    if (first && last) out.add(`${first} ${last}`);
    if (!PLACEHOLDER_IPS.has(ip as string)) out.add(ip as string);
    if ((idnumber as string).length >= 4) out.add(idnumber as string);
  }
  return [...out];
}

/** The text of every file entry of an archive, decompressed, lower-cased, in one string. */
function everything(archive: IndependentArchive): string {
  return archive.entries
    .filter((e) => e.kind === 'file')
    .map((e) => archive.read(e.name) ?? '')
    .join('\n')
    .toLowerCase();
}

/** The course as inspect sees it, without what anonymisation changes. */
function structure(s: BackupSummary) {
  const { anonymize: _a, filename: _f, ...settings } = s.settings;
  return {
    type: s.type,
    format: s.format,
    moodleRelease: s.moodleRelease,
    original: s.original,
    sections: s.sections,
    activities: s.activities,
    settings,
    users: s.users?.count ?? null,
    inventory: s.inventory && { ...s.inventory, enrolmentMethods: s.inventory.enrolmentMethods?.length },
  };
}

const php = (() => {
  try {
    execFileSync('php', ['-r', 'exit(function_exists("gzopen") ? 0 : 1);'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A tar.gz as Moodle's extractor lists it (see helpers/moodle-tgz-list.php). */
function moodleReads(file: string): { files: Record<string, number>; dirs: string[] } {
  const script = new URL('./helpers/moodle-tgz-list.php', import.meta.url).pathname;
  return JSON.parse(execFileSync('php', [script, file], { encoding: 'utf8' }));
}

const withUsers = hasFixtures
  ? (
      await Promise.all(
        fixtureBackups().map(async (file) => ({
          file,
          users: (await readIndependently(file)).read('users.xml'),
        })),
      )
    ).filter((b) => b.users !== undefined && /<user id=/.test(b.users))
  : [];

describe.skipIf(!hasFixtures)(`anonymise every real backup with users ${FIXTURES_SKIP_REASON}`.trim(), () => {
  it('finds the backups with users', () => {
    expect(withUsers.length).toBeGreaterThanOrEqual(18);
  });

  it.each(withUsers.map((b) => [basename(b.file), b] as const))(
    '%s: no name, email, username, idnumber or IP is left, and the course is the same',
    async (name, { file, users }) => {
      const out = join(dir, `an-${name}`);
      const report = await anonymiseBackup(file, out);
      const input = await readIndependently(file);
      const output = await readIndependently(out);
      const text = everything(output);
      // An IP in the site's own address is the server's (the user browsed from it): it names no one and stays.
      const site = /<original_wwwroot>([^<]*)</.exec(input.read('moodle_backup.xml') ?? '')?.[1] ?? '';
      const searched = identifiers(users as string).filter((value) => !site.includes(value));
      expect(searched.length).toBeGreaterThan(0);
      expect(searched.filter((value) => text.includes(value.toLowerCase()))).toEqual([]);
      // The report counts by kind; it never carries a value.
      expect(
        searched.filter((value) => JSON.stringify(report).toLowerCase().includes(value.toLowerCase())),
      ).toEqual([]);

      expect((await verifyBackup(out)).problems).toEqual([]);
      const [before, after] = [
        await inspectBackup(file, { inventory: true }),
        await inspectBackup(out, { inventory: true }),
      ];
      expect(structure(after)).toEqual(structure(before));
      expect(after.settings.anonymize).toBe('1');
      expect(after.users?.anonymised).toBe(true);
      expect(after.files.count).toBe(before.files.count - report.files.dropped);
      expect(report.users).toBe(before.users?.count);
      const usersOut = output.read('users.xml') as string;
      expect([...usersOut.matchAll(/<username>([^<]*)<\/username>/g)].map((m) => m[1])).toEqual(
        Array.from({ length: report.users }, (_, i) => `anon${i + 1}`),
      );
      expect(output.read('moodle_backup.xml')).toMatch(/<!-- Anonymised by mts mbz anonymise on /);
      expect(output.format).toBe(input.format);
      if (php && output.format === 'tar.gz') {
        const moodle = moodleReads(out);
        const files = output.entries.filter((e) => e.kind === 'file');
        expect(Object.keys(moodle.files).sort()).toEqual(files.map((e) => e.name).sort());
      }
    },
    60_000,
  );

  it('leaves out the files users uploaded, and keeps them when asked', async () => {
    const file = fixture('mbz-public/m31-tgz-users-files-studentquiz.mbz');
    const dropped = await anonymiseBackup(file, join(dir, 'm31-dropped.mbz'));
    expect(dropped.files.dropped).toBeGreaterThan(0);
    const kept = await anonymiseBackup(file, join(dir, 'm31-kept.mbz'), { keepFiles: true });
    expect(kept.files.dropped).toBe(0);
    expect((await inspectBackup(join(dir, 'm31-kept.mbz'))).files).toEqual((await inspectBackup(file)).files);
    const diff = await diffBackups(file, join(dir, 'm31-dropped.mbz'));
    expect(diff.files.onlyInA.length).toBe(dropped.files.dropped);
    expect(diff.identical).toBe(false);
  });

  it.each([
    'moodle-4.5/mbz/course-xs-users.tgz.mbz',
    'moodle-4.5/mbz/course-xs-users.zip.mbz',
    'mbz-public/m30-tgz-users-studentquiz.mbz',
  ])('--strip-users on %s leaves user data out as Moodle does for a backup without users', async (name) => {
    const file = fixture(name);
    const out = join(dir, `nu-${basename(name)}`);
    const report = await anonymiseBackup(file, out, { stripUsers: true });
    expect(report.mode).toBe('users stripped');
    const summary = await inspectBackup(out, { inventory: true });
    expect(summary.users).toBeNull();
    for (const setting of ['users', 'anonymize', 'role_assignments', 'comments', 'userscompletion', 'logs']) {
      expect(summary.settings[setting], setting).toBe('0');
    }
    expect(
      summary.manifest.settings.filter((s) => s.name.endsWith('_userinfo')).every((s) => s.value === '0'),
    ).toBe(true);
    expect(summary.manifest.name).toMatch(/-nu\.mbz$/);
    expect(summary.inventory?.groups?.members).toBe(0);
    expect(summary.inventory?.enrolmentMethods?.every((m) => m.userEnrolments === 0)).toBe(true);
    expect(summary.activities).toEqual((await inspectBackup(file)).activities);
    const output = await readIndependently(out);
    expect(output.read('users.xml')).toBeUndefined();
    const text = everything(output);
    const users = (await readIndependently(file)).read('users.xml') as string;
    expect(identifiers(users).filter((value) => text.includes(value.toLowerCase()))).toEqual([]);
    expect((await verifyBackup(out)).problems).toEqual([]);
  });
});

describe('anonymise', () => {
  it('refuses to overwrite, to write over its input, and to rewrite a damaged file, leaving nothing behind', async () => {
    const input = join(dir, 'input.mbz');
    await writeFile(input, buildBackup({ users: 2 }, 'tar.gz'));
    const out = join(dir, 'out', 'exists.mbz');
    await anonymiseBackup(input, out);
    await expect(anonymiseBackup(input, out)).rejects.toMatchObject({ code: 'mbz.output_exists' });
    await expect(anonymiseBackup(input, input, { overwrite: true })).rejects.toMatchObject({
      code: 'mbz.output_is_input',
    });
    const damaged = join(dir, 'damaged.mbz');
    await writeFile(
      damaged,
      buildBackup({ users: 2, replace: { 'groups.xml': '<groups><group>' } }, 'tar.gz'),
    );
    const error = await anonymiseBackup(damaged, join(dir, 'out', 'damaged-an.mbz')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MbzXmlError);
    expect((error as MbzXmlError).details?.path).toBe('groups.xml');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['exists.mbz']);
  });

  it('writes both packings of a generated backup that verify and keep their course', async () => {
    for (const format of ['zip', 'tar.gz'] as const) {
      const input = join(dir, `gen.${format}.mbz`);
      await writeFile(input, buildBackup({ users: 3, blobs: 4, activities: 5 }, format));
      const out = join(dir, `gen-an.${format}.mbz`);
      const report = await anonymiseBackup(input, out);
      expect(report.format).toBe(format);
      expect((await verifyBackup(out)).problems).toEqual([]);
      expect((await inspectBackup(out)).activities).toEqual((await inspectBackup(input)).activities);
    }
  });
});

describe('what people wrote, and who they are', () => {
  const people: Person[] = [
    {
      id: '7',
      n: 1,
      username: 'jdoe42',
      email: 'Jane.Doe@uni.example',
      firstname: 'Jane',
      lastname: 'Doe',
      middlename: '',
      alternatename: '',
      idnumber: 'S-2023-0042',
      lastip: '10.1.2.3',
    },
  ];

  it('replaces names, emails, usernames, idnumbers and IPs as whole words wherever they are', () => {
    const tally = new Tally();
    const replacer = new IdentifierReplacer(people, tally);
    const text =
      'Graded by Doe, Jane (jdoe42, S-2023-0042) from 10.1.2.3; mail <a href="mailto:jane.doe@uni.example">JANE DOE</a>. Janet Doerr stays; stamp 10.1.2.3+230221+x.';
    const out = replacer.replace(text);
    expect(out).toBe(
      'Graded by anonfirstname1 anonlastname1 (anon1, anonid1) from 127.0.0.1; mail <a href="mailto:anon1@doesntexist.invalid">anonfirstname1 anonlastname1</a>. Janet Doerr stays; stamp 127.0.0.1+230221+x.',
    );
    expect(tally.toJSON()).toEqual({ emails: 1, idnumbers: 1, ips: 2, names: 2, usernames: 1 });
  });

  it('keeps the structure of what people wrote and none of its words', () => {
    const html =
      '<p dir="ltr">Dear <b>Anna</b>, my phone is 0412345678 &amp; see <img alt="my dog Rex" src="@@PLUGINFILE@@/rex.jpg"> page 12.</p>';
    const out = scrubText(html);
    expect(out.replace(/[A-Za-z]+/g, 'w')).toBe(
      html.replace(/[A-Za-z]+/g, 'w').replace('0412345678', '0000000000'),
    );
    for (const word of ['Dear', 'Anna', 'phone', 'dog', 'Rex', '0412345678']) expect(out).not.toContain(word);
    expect(out).toContain('@@PLUGINFILE@@/rex.jpg');
    expect(scrubText(html)).toBe(out);
  });
});

describe.skipIf(!hasFixtures)(`mts mbz anonymise ${FIXTURES_SKIP_REASON}`.trim(), () => {
  it('reports what it replaced by kind, never the values, and diff then says what changed', async () => {
    const file = fixture('moodle-4.5/mbz/course-xs-users.tgz.mbz');
    const out = join(dir, 'cli-an.mbz');
    const run = await runCli(['mbz', 'anonymise', file, out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/replaced: .*user fields \d+/);
    const users = (await readIndependently(file)).read('users.xml') as string;
    expect(identifiers(users).filter((v) => run.stdout.toLowerCase().includes(v.toLowerCase()))).toEqual([]);
    const again = await runCli(['mbz', 'anonymise', file, out, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error.code).toBe('mbz.output_exists');
    const json = JSON.parse((await runCli(['mbz', 'anonymise', file, out, '--force', '--json'])).stdout);
    expect(json).toMatchObject({
      format: 'tar.gz',
      mode: 'anonymised',
      users: 7,
      replaced: { 'user fields': 60 },
    });
    const diff = await runCli(['mbz', 'diff', file, out]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('→ anon1 (id 2)');
    expect(diff.stdout).toContain('anonymize=0 → anonymize=1');
    expect(existsSync(out)).toBe(true);
  });
});
