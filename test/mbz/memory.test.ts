/**
 * Hostile growth (issue 17, case 1 and its relatives): archives far under 100 MB that grow what a reader might
 * build from them (elements, attributes, nesting, records, entries, one long value) until a naive reader runs out
 * of memory. Each is inspected by `mts mbz inspect` in a fresh process whose peak RSS is read by /usr/bin/time:
 * it must answer (a summary, or a coded refusal) within 200 MB, and within a deadline that only catches hangs.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/fixtures.js';
import { type GrownEntry, type Piece, writeGrownTarGz } from './helpers/grow.js';

const RSS_LIMIT_MB = 200;
/** A hang detector, not a performance assertion: a healthy run takes a few seconds. */
const DEADLINE_MS = 90_000;
const TIME = '/usr/bin/time';

/** The built CLI, when dist/ is at least as new as src/ (npm test builds first). */
function builtCli(): string | undefined {
  const bin = `${projectRoot}bin/mts.js`;
  const built = `${projectRoot}dist/src/mbz/index.js`;
  if (!existsSync(built)) return undefined;
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((d) =>
        d.isDirectory() ? newest(join(dir, d.name)) : statSync(join(dir, d.name)).mtimeMs,
      ),
    );
  return newest(`${projectRoot}dist/src/mbz`) >= newest(`${projectRoot}src/mbz`) ? bin : undefined;
}

const cli = builtCli();
const skip = !existsSync(TIME)
  ? '(skipped: /usr/bin/time is missing)'
  : cli === undefined
    ? '(skipped: dist/ is older than src/mbz: run npm run build)'
    : '';

interface Run {
  code: number | null;
  rssMb: number;
  stdout: string;
  stderr: string;
}

function inspectInChild(file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      TIME,
      ['-f', 'RSS_KB=%M', process.execPath, cli as string, 'mbz', 'inspect', file, '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, MTS_CONFIG_DIR: '/nonexistent-mts-config', NO_COLOR: '1' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += String(c);
    });
    child.stderr.on('data', (c) => {
      stderr += String(c);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const rss = /RSS_KB=(\d+)/.exec(stderr);
      if (!rss) {
        reject(new Error(`no RSS from ${TIME} (killed after ${DEADLINE_MS} ms?): ${stderr.slice(-500)}`));
        return;
      }
      const own = stderr
        .replace(/RSS_KB=\d+\s*$/, '')
        .replace(/Command exited with non-zero status \d+\s*$/, '');
      resolve({ code, rssMb: Number(rss[1]) / 1024, stdout, stderr: own });
    });
  });
}

const INFO = `<information><name>grown.mbz</name><moodle_version>2024100706</moodle_version><moodle_release>4.5.6</moodle_release><backup_version>2024100700</backup_version><backup_release>4.5</backup_release><backup_date>1700000000</backup_date><original_wwwroot>https://lms.example.org</original_wwwroot><original_course_id>7</original_course_id><details><detail backup_id="b1"><type>course</type><format>moodle2</format><interactive>1</interactive><mode>10</mode><execution>1</execution></detail></details><contents><activities></activities><sections></sections></contents>`;
const SETTINGS = '<settings><setting><level>root</level><name>users</name><value>1</value></setting>';
const manifest = (pieces: Piece[]): GrownEntry => ({ name: 'moodle_backup.xml', pieces });
const xml = (name: string, pieces: Piece[]): GrownEntry => ({ name, pieces });
const plainManifest = manifest([
  { text: `<moodle_backup>${INFO}${SETTINGS}</settings></information></moodle_backup>` },
]);
const hash = (i: number) => i.toString(16).padStart(40, '0');

/** The shapes, each far under 100 MB compressed and far over 200 MB if built naively. */
const CASES: { name: string; entries: () => Iterable<GrownEntry> }[] = [
  {
    name: '28 million <x a=""/> before <information> (issue 17, case 1)',
    entries: () => [
      manifest([
        { text: '<moodle_backup>' },
        { text: '<x a=""/>', times: 28_000_000 },
        { text: `${INFO}${SETTINGS}</settings></information></moodle_backup>` },
      ]),
    ],
  },
  {
    name: '1 million <x a=""/> before <information> (the same, smaller)',
    entries: () => [
      manifest([
        { text: '<moodle_backup>' },
        { text: '<x a=""/>', times: 1_000_000 },
        { text: `${INFO}${SETTINGS}</settings></information></moodle_backup>` },
      ]),
    ],
  },
  {
    name: '10 million <x/> inside <information>',
    entries: () => [
      manifest([
        { text: `<moodle_backup>${INFO}` },
        { text: '<x/>', times: 10_000_000 },
        { text: `${SETTINGS}</settings></information></moodle_backup>` },
      ]),
    ],
  },
  {
    name: 'one element with a million attributes',
    entries: () => [
      manifest([
        { text: '<moodle_backup><x' },
        { each: (i) => ` a${i}=""`, times: 1_000_000 },
        { text: `/>${INFO}${SETTINGS}</settings></information></moodle_backup>` },
      ]),
    ],
  },
  {
    name: 'elements nested two million deep',
    entries: () => [
      manifest([
        { text: '<moodle_backup>' },
        { text: '<x>', times: 2_000_000 },
        { text: '</x>', times: 2_000_000 },
        { text: `${INFO}</information></moodle_backup>` },
      ]),
    ],
  },
  {
    name: 'three million settings',
    entries: () => [
      manifest([
        { text: `<moodle_backup>${INFO}${SETTINGS}` },
        { text: '<setting><level>root</level><name>n</name><value>1</value></setting>', times: 3_000_000 },
        { text: '</settings></information></moodle_backup>' },
      ]),
    ],
  },
  {
    name: 'a 250 MB course name',
    entries: () => [
      manifest([
        { text: '<moodle_backup><information><name>' },
        { text: 'a', times: 250_000_000 },
        { text: `</name></information></moodle_backup>` },
      ]),
    ],
  },
  {
    name: 'a million users',
    entries: () => [
      xml('users.xml', [
        { text: '<users>' },
        {
          each: (i) =>
            `<user id="${i}" contextid="${i}"><username>user${i}</username><email>u${i}@example.com</email></user>`,
          times: 2_000_000,
        },
        { text: '</users>' },
      ]),
      plainManifest,
    ],
  },
  {
    name: 'files.xml with 800,000 distinct files',
    entries: () => [
      xml('files.xml', [
        { text: '<files>' },
        {
          each: (i) =>
            `<file id="${i}"><contenthash>${hash(i)}</contenthash><contextid>1</contextid><component>c${i % 1000}</component><filearea>a</filearea><itemid>0</itemid><filepath>/</filepath><filename>f${i}</filename><userid>$@NULL@$</userid><filesize>1</filesize><mimetype>text/m${i % 50}</mimetype><status>0</status><timecreated>0</timecreated><timemodified>0</timemodified><source>$@NULL@$</source><author>$@NULL@$</author><license>$@NULL@$</license><sortorder>0</sortorder><repositorytype>$@NULL@$</repositorytype><repositoryid>$@NULL@$</repositoryid><reference>$@NULL@$</reference></file>`,
          times: 800_000,
        },
        { text: '</files>' },
      ]),
      plainManifest,
    ],
  },
  {
    name: '.ARCHIVE_INDEX of three million lines',
    entries: () => [
      xml('.ARCHIVE_INDEX', [
        { text: 'Moodle archive file index. Count: 3000000\n' },
        { each: (i) => `files/${hash(i).slice(0, 2)}/${hash(i)}\tf\t1\t0\n`, times: 3_000_000 },
      ]),
      plainManifest,
    ],
  },
  {
    name: 'one million entries',
    entries: function* () {
      yield plainManifest;
      for (let i = 0; i < 1_000_000; i++) yield { name: `files/${hash(i).slice(38)}/${hash(i)}`, pieces: [] };
    },
  },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-mbz-grow-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe.skipIf(skip !== '')(`inspect of grown hostile archives ${skip}`.trim(), () => {
  it.each(CASES.map((c, i) => [c.name, i] as const))(
    '%s: answers within 200 MB RSS',
    async (name, i) => {
      const file = join(dir, `case${i}.mbz`);
      await writeGrownTarGz(file, (CASES[i] as (typeof CASES)[number]).entries(), 3 << 20);
      expect((await stat(file)).size).toBeLessThan(100 * 1024 * 1024);
      const run = await inspectInChild(file);
      await rm(file, { force: true });
      expect(run.rssMb, `${name}: ${run.rssMb.toFixed(0)} MB`).toBeLessThan(RSS_LIMIT_MB);
      // A summary, or a refusal with a stable code and a hint: never a crash.
      if (run.code === 0) expect(JSON.parse(run.stdout)).toMatchObject({ format: 'tar.gz' });
      else {
        expect(run.code, run.stderr).toBe(1);
        expect(JSON.parse(run.stdout)).toMatchObject({
          error: { code: expect.stringMatching(/^mbz\./), hint: expect.any(String) },
        });
      }
    },
    DEADLINE_MS + 60_000,
  );
});
