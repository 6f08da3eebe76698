import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

  it('template takes --settings like validate/write/plan (--profile-file stays an alias)', async () => {
    const profile = join(dir, 'semicolon.json');
    await writeFile(profile, JSON.stringify({ delimiter: ';' }));
    const run = await runCli(['hrimport', 'template', 'org', '--settings', profile]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\r\n')[0]).toBe(
      'idnumber;fullname;shortname;deleted;description;frameworkidnumber;parentidnumber;typeidnumber;timemodified',
    );
    const alias = await runCli(['hrimport', 'template', 'org', '--profile-file', profile]);
    expect(alias.stdout).toBe(run.stdout);
    const both = await runCli([
      'hrimport',
      'template',
      'org',
      '--settings',
      profile,
      '--profile-file',
      join(dir, 'other.json'),
    ]);
    expect(both.code).toBe(2);
  });

  it('the templates validate with no warning of their own (international phone numbers are not formulas)', async () => {
    const ready = join(dir, 'templates', 'csv', 'ready');
    await mkdir(ready, { recursive: true });
    for (const element of ['user', 'org', 'pos', 'jobassignment']) {
      const run = await runCli(['hrimport', 'template', element]);
      await writeFile(join(ready, `${element}.csv`), run.stdout);
    }
    expect(await readFile(join(ready, 'user.csv'), 'utf8')).toContain('+64 4 555 0100');
    const run = await runCli(['hrimport', 'validate', join(dir, 'templates'), '--json']);
    expect(run.code).toBe(0);
    // Only the example manager, who is not in user.csv and must exist on the site, is worth a warning.
    expect(
      JSON.parse(run.stdout).issues.map((i: { code: string; column: string }) => [i.code, i.column]),
    ).toEqual([['ref.unknown_user', 'manageridnumber']]);
  });

  it('write creates a file with passwords 0640 (never world-readable), --mode 600 for owner only', async () => {
    const from = join(dir, 'secret.ndjson');
    await writeFile(from, JSON.stringify({ ...people[0], password: 'Secret-Passw0rd' }));
    const out = join(dir, 'secret');
    const file = join(out, 'csv', 'ready', 'user.csv');
    const args = ['hrimport', 'write', '--from', from, '--element', 'user', '--out', out];
    expect((await runCli(args)).code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o640 & ~process.umask());
    expect((await stat(file)).mode & 0o007).toBe(0);
    expect((await runCli([...args, '--mode', '600'])).code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await runCli([...args, '--mode', 'rw-r-----'])).code).toBe(2);
    const help = await runCli(['hrimport', 'write', '--help']);
    expect(help.stdout + help.stderr).toMatch(/0640[\s\S]*web server user/);
  });

  it('write --from - reads NDJSON or a JSON array from standard input', async () => {
    const out = join(dir, 'stdin');
    const args = ['hrimport', 'write', '--from', '-', '--element', 'user', '--out', out, '--json'];
    const ndjson = await runCli(args, {}, people.map((p) => JSON.stringify(p)).join('\n'));
    expect(ndjson.code).toBe(0);
    expect(JSON.parse(ndjson.stdout)).toMatchObject({ rows: 2 });
    const array = await runCli(args, {}, `  \n${JSON.stringify(people, null, 2)}\n`);
    expect(array.code).toBe(0);
    expect(JSON.parse(array.stdout)).toMatchObject({ rows: 2 });
    const bad = await runCli(args, {}, `${JSON.stringify(people[0])}\n{oops\n`);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'hrimport.records_invalid' });
    expect(JSON.parse(bad.stdout).error.message).toContain('stdin line 2');
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

describe('mts hrimport paths and formats a newcomer trips over', () => {
  it('a mistyped folder says it does not exist; users.csv is named as not read, with user.csv suggested', async () => {
    const missing = await runCli(['hrimport', 'validate', join(dir, 'nothere')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('does not exist');
    expect(missing.stderr).not.toContain('Cannot tell which element');
    const folder = join(dir, 'misnamed');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'users.csv'), 'idnumber,username\nE1,a\n');
    const run = await runCli(['hrimport', 'validate', folder, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).issues[0]).toMatchObject({ code: 'file.misnamed', severity: 'error' });
    expect(JSON.parse(run.stdout).issues[0].hint).toContain('user.csv');
  });

  it('--delimiter and --encoding read an Excel CSV (semicolons, windows-1252, a run of blank ;;;;;; rows as one finding)', async () => {
    const file = join(dir, 'excel', 'user.csv');
    await mkdir(join(dir, 'excel'), { recursive: true });
    const header = 'idnumber;username;timemodified;deleted;firstname;lastname;email\r\n';
    const row = Buffer.concat([
      Buffer.from('E1;ann;0;0;Ren'),
      Buffer.from([0xe9]), // é in windows-1252
      Buffer.from('e;O'),
      Buffer.from([0x92]), // ’ in windows-1252, absent from ISO-8859-1
      Buffer.from('Neil;ann@example.org\r\n'),
    ]);
    await writeFile(file, Buffer.concat([Buffer.from(header), row, Buffer.from(';;;;;;\r\n'.repeat(6))]));
    const run = await runCli([
      'hrimport',
      'validate',
      file,
      '--delimiter',
      ';',
      '--encoding',
      'windows-1252',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.issues.map((i: { code: string }) => i.code)).toEqual(['row.empty']);
    expect(report.issues[0].message).toContain('Rows 3 to 8');
    const wrong = await runCli(['hrimport', 'validate', file, '--delimiter', ',', '--json']);
    expect(JSON.parse(wrong.stdout).issues[0].code).toBe('header.invalid_characters');
  });

  it('write takes the union of the keys of every record, or --columns', async () => {
    const from = join(dir, 'ragged.ndjson');
    await writeFile(
      from,
      [
        JSON.stringify(people[0]),
        JSON.stringify({ ...people[1], city: 'Wellington', department: 'Finance' }),
      ].join('\n'),
    );
    const out = join(dir, 'ragged');
    const run = await runCli(['hrimport', 'write', '--from', from, '--element', 'user', '--out', out]);
    expect(run.code).toBe(0);
    const text = await readFile(join(out, 'csv', 'ready', 'user.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toContain('city');
    expect(text.split('\r\n')[2]).toContain('Wellington');
    const picked = await runCli([
      'hrimport',
      'write',
      '--from',
      from,
      '--element',
      'user',
      '--out',
      join(dir, 'picked'),
      '--columns',
      'idnumber,username,timemodified,deleted,firstname,lastname,email',
    ]);
    expect(picked.code).not.toBe(0);
    expect(picked.stderr).toContain('"city"');
  });
});
