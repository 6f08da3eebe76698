import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-hr-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const people = [
  {
    idnumber: 'E1',
    username: 'ann',
    timemodified: 0,
    deleted: 0,
    firstname: 'Ann',
    lastname: 'Lee',
    email: 'ann@example.org',
  },
  {
    idnumber: 'E2',
    username: 'bo',
    timemodified: 0,
    deleted: 0,
    firstname: 'Bo',
    lastname: 'Ng',
    email: 'bo@example.org',
  },
];

describe('mts hrimport', () => {
  it('template prints a header and an example row on stdout, the column guide on stderr, following the profile', async () => {
    const profile = join(dir, 'hr.json');
    await writeFile(
      profile,
      JSON.stringify({
        delimiter: 'tab',
        elements: { user: { sourceAllRecords: true, customFields: ['costcentre'] } },
      }),
    );
    const run = await runCli(['hrimport', 'template', 'user', '--profile-file', profile]);
    expect(run.code).toBe(0);
    const [header, example] = run.stdout.split('\r\n');
    expect(header?.split('\t').slice(0, 6)).toEqual([
      'idnumber',
      'timemodified',
      'username',
      'firstname',
      'lastname',
      'firstnamephonetic',
    ]);
    expect(header?.split('\t')).not.toContain('deleted');
    expect(header?.split('\t')).toContain('customfield_costcentre');
    expect(example?.split('\t')[0]).toBe('E1001');
    expect(run.stderr).toContain('* idnumber');
    const bad = await runCli(['hrimport', 'template', 'people']);
    expect(bad.code).toBe(2);
  });

  it('write makes csv/ready/user.csv from NDJSON; validate passes it; a bad record fails with the row in --json', async () => {
    const from = join(dir, 'people.ndjson');
    await writeFile(from, people.map((p) => JSON.stringify(p)).join('\n'));
    const out = join(dir, 'files');
    const run = await runCli([
      'hrimport',
      'write',
      '--from',
      from,
      '--element',
      'user',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 2, path: join(out, 'csv', 'ready', 'user.csv') });
    expect(await readFile(join(out, 'csv', 'ready', 'user.csv'), 'utf8')).toBe(
      'idnumber,timemodified,username,deleted,firstname,lastname,email\r\nE1,0,ann,0,Ann,Lee,ann@example.org\r\nE2,0,bo,0,Bo,Ng,bo@example.org\r\n',
    );
    const ok = await runCli(['hrimport', 'validate', out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('0 error(s)');

    const json = join(dir, 'people.json');
    await writeFile(json, JSON.stringify([people[0], { ...people[1], email: 'bo@' }]));
    const bad = await runCli([
      'hrimport',
      'write',
      '--from',
      json,
      '--element',
      'user',
      '--out',
      join(dir, 'bad'),
      '--json',
    ]);
    expect(bad.code).toBe(1);
    const error = JSON.parse(bad.stdout).error;
    expect(error.code).toBe('hrimport.validation_failed');
    expect(error.issues).toEqual([
      expect.objectContaining({ code: 'value.invalid_email', row: 3, column: 'email' }),
    ]);
  });

  it('validate --json reports findings and exits 1 on errors', async () => {
    const file = join(dir, 'org.csv');
    await writeFile(
      file,
      'idnumber,fullname,frameworkidnumber,timemodified,deleted,parentidnumber\nO1,A,FW,0,0,O2\nO2,B,FW,0,0,O1\n',
    );
    const run = await runCli(['hrimport', 'validate', file, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.errors).toBe(2);
    expect(report.issues.map((i: { code: string; row: number }) => [i.code, i.row])).toEqual([
      ['rows.parent_cycle', 2],
      ['rows.parent_cycle', 3],
    ]);
  });

  it('plan --site with a CSV export prints the outcome, and exits 1 when a complete-source import would remove too much', async () => {
    const out = join(dir, 'plan');
    const from = join(dir, 'one.json');
    await writeFile(from, JSON.stringify([people[0]]));
    const settings = join(dir, 'complete.json');
    await writeFile(
      settings,
      JSON.stringify({ elements: { user: { sourceAllRecords: true, deleteMode: 'suspend' } } }),
    );
    expect(
      (
        await runCli([
          'hrimport',
          'write',
          '--from',
          from,
          '--element',
          'user',
          '--out',
          out,
          '--settings',
          settings,
        ])
      ).code,
    ).toBe(0);
    const site = join(dir, 'site.csv');
    await writeFile(
      site,
      'idnumber,username,firstname,lastname,email\nE1,ann,Ann,Lee,ann@example.org\nE2,bo,Bo,Ng,bo@example.org\n',
    );
    const refused = await runCli(['hrimport', 'plan', out, '--site', site, '--settings', settings]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('REFUSED: would remove 1 of 2');
    const allowed = await runCli([
      'hrimport',
      'plan',
      out,
      '--site',
      site,
      '--settings',
      settings,
      '--threshold',
      '50%',
      '--json',
    ]);
    expect(allowed.code).toBe(0);
    const plan = JSON.parse(allowed.stdout);
    expect(plan.elements[0].counts).toMatchObject({ unchanged: 1, suspended: 1 });
    expect(plan.elements[0].suspended).toEqual(['E2']);
  });
});
