import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HrImportSettingsInput,
  type JobAssignmentRecord,
  type SiteRecord,
  totaraSiteState,
  type UserRecord,
  writeElementFile,
} from '../../src/hrimport/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { TotaraClient } from '../../src/totara/index.js';
import { runCli } from '../helpers/cli.js';

let sandbox: Sandbox;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'mts-hr-sbx-'));
  env = {
    MTS_TOTARA_URL: sandbox.totara.url,
    MTS_TOTARA_CLIENT_ID: sandbox.totara.clientId,
    MTS_TOTARA_CLIENT_SECRET: sandbox.totara.clientSecret,
    MTS_MOODLE_URL: sandbox.moodle.url,
    MTS_MOODLE_TOKEN: sandbox.moodle.token,
  };
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

async function collect(element: 'user' | 'jobassignment'): Promise<SiteRecord[]> {
  const client = new TotaraClient({
    url: sandbox.totara.url,
    clientId: sandbox.totara.clientId,
    clientSecret: sandbox.totara.clientSecret,
  });
  const out: SiteRecord[] = [];
  for await (const record of totaraSiteState(client).records(element)) out.push(record);
  return out;
}

const asUser = (r: SiteRecord): UserRecord => ({
  idnumber: r.values.idnumber as string,
  username: r.values.username,
  timemodified: 0,
  firstname: r.values.firstname,
  lastname: r.values.lastname,
  email: r.values.email,
  city: r.values.city,
});

async function settingsFile(name: string, settings: HrImportSettingsInput): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(settings));
  return path;
}

describe('mts hrimport plan against the sandbox', () => {
  it('--site totara: created, updated with fields, suspensions of users missing from a complete source, refused above the threshold', async () => {
    const users = await collect('user');
    expect(users.length).toBeGreaterThan(100);
    const half = users.slice(0, Math.floor(users.length / 2));
    const records = half.map(asUser);
    records[0] = { ...(records[0] as UserRecord), city: 'Dunedin' };
    records.push({
      idnumber: 'NEW1',
      username: 'newperson',
      timemodified: 0,
      firstname: 'New',
      lastname: 'Person',
      email: 'new1@example.org',
      city: 'Nelson',
    });
    const settings: HrImportSettingsInput = {
      elements: { user: { sourceAllRecords: true, deleteMode: 'suspend' } },
    };
    const out = join(dir, 'totara-users');
    await writeElementFile(out, 'user', records, { settings });
    const profile = await settingsFile('complete-suspend', settings);

    const expectedSuspended = users.slice(half.length).filter((u) => !u.suspended).length;
    const refused = await runCli(
      ['hrimport', 'plan', out, '--site', 'totara', '--settings', profile, '--json'],
      env,
    );
    expect(refused.code, refused.stderr).toBe(1);
    const plan = JSON.parse(refused.stdout);
    expect(plan.refused).toBe(true);
    const user = plan.elements[0];
    expect(user.counts).toMatchObject({ created: 1, suspended: expectedSuspended });
    expect(user.created).toEqual(['NEW1']);
    expect(user.updated).toContainEqual({
      key: half[0]?.values.idnumber,
      changes: [{ column: 'city', from: half[0]?.values.city, to: 'Dunedin' }],
    });
    expect(user.removal.removing).toBe(expectedSuspended);

    const allowed = await runCli(
      ['hrimport', 'plan', out, '--site', 'totara', '--settings', profile, '--allow-mass-removal'],
      env,
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(`suspended ${expectedSuspended}`);
  });

  it('--site totara: job assignments read back from the site are unchanged; an edited title is an update', async () => {
    const jobs = await collect('jobassignment');
    expect(jobs.length).toBeGreaterThan(10);
    const records: JobAssignmentRecord[] = jobs.map((j) => ({
      idnumber: j.values.idnumber as string,
      useridnumber: j.values.useridnumber as string,
      timemodified: 0,
      deleted: 0,
      fullname: j.values.fullname,
      orgidnumber: j.values.orgidnumber,
      posidnumber: j.values.posidnumber,
    }));
    records[1] = { ...(records[1] as JobAssignmentRecord), fullname: 'Chief of Everything' };
    const out = join(dir, 'totara-jobs');
    await writeElementFile(out, 'jobassignment', records);
    const run = await runCli(['hrimport', 'plan', out, '--site', 'totara', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout).elements[0];
    expect(plan.counts).toMatchObject({
      created: 0,
      updated: 1,
      unchanged: jobs.length - 1,
      suspended: 0,
      deleted: 0,
    });
    expect(plan.updated[0].changes).toEqual([
      { column: 'fullname', from: jobs[1]?.values.fullname, to: 'Chief of Everything' },
    ]);
  });

  it('--site moodle: users compared through core_user_get_users', async () => {
    const out = join(dir, 'moodle-users');
    await writeElementFile(out, 'user', [
      {
        idnumber: 'S0001',
        username: 'student1',
        timemodified: 0,
        deleted: 0,
        firstname: 'Ben',
        lastname: 'Ng',
        email: 'student1@example.com',
        city: 'Sydney',
      },
      {
        idnumber: 'S9999',
        username: 'newstudent',
        timemodified: 0,
        deleted: 0,
        firstname: 'New',
        lastname: 'Student',
        email: 'new@example.com',
      },
    ]);
    const run = await runCli(['hrimport', 'plan', out, '--site', 'moodle', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout).elements[0];
    expect(plan.counts).toMatchObject({ created: 1, updated: 1 });
    expect(plan.updated).toEqual([
      { key: 'S0001', changes: [{ column: 'city', from: 'Perth', to: 'Sydney' }] },
    ]);
  });

  it('--site totara without credentials is a configuration error naming what is missing', async () => {
    const run = await runCli(['hrimport', 'plan', dir, '--site', 'totara', '--json'], {});
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error).toMatchObject({
      code: 'config.missing',
      missing: ['totaraUrl', 'totaraClientId', 'totaraClientSecret'],
    });
  });
});
