/**
 * Every case captured from a real Totara 17.3 (`../shared/fixtures/totara-17.3/hrimport-live/`) replayed: the
 * settings of the run become a settings profile, `before.json` becomes the site state, and the validator's verdict
 * and the plan's prediction are held against what Totara did (`after.json`, `log.json`).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type HrImportSettingsInput,
  planImport,
  type SiteRecord,
  type SiteState,
  validateFiles,
} from '../../src/hrimport/index.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';

const LIVE = fixture('totara-17.3/hrimport-live');
const cases = hasFixtures ? readdirSync(LIVE).filter((name) => existsSync(join(LIVE, name, 'log.json'))) : [];
const work = mkdtempSync(join(tmpdir(), 'mts-hr-live-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface UserRow {
  id: number;
  idnumber: string;
  username: string;
  firstname: string;
  lastname: string;
  email: string;
  suspended: number;
  deleted: number;
  totarasync: number;
  timemodified: number;
}
type Config = Record<string, Record<string, string>>;

const read = <T>(name: string, file: string): T =>
  JSON.parse(readFileSync(join(LIVE, name, file), 'utf8')) as T;

/** The run's totara_sync settings as a settings profile. */
function profileOf(config: Config): HrImportSettingsInput {
  const element = config.totara_sync_element_user ?? {};
  const source = config.totara_sync_source_user_csv ?? {};
  const columns = Object.keys(source)
    .filter((key) => key.startsWith('import_') && source[key] === '1')
    .map((key) => key.slice('import_'.length));
  const deleteMode =
    element.allow_delete === '1' ? 'delete' : element.allow_delete === '2' ? 'suspend' : 'keep';
  return {
    totaraVersion: 17,
    delimiter: source.delimiter ?? ',',
    encoding: source.csvuserencoding ?? 'UTF-8',
    elements: {
      user: {
        allowCreate: element.allow_create === '1',
        allowUpdate: element.allow_update === '1',
        deleteMode,
        sourceAllRecords: element.sourceallrecords === '1',
        allowDuplicateEmails: element.allowduplicatedemails === '1',
        emptyFields: element.csvsaveemptyfields === '1' ? 'erase' : 'keep',
        columns,
      },
    },
  };
}

/** before.json (and custom fields) as the site state a CSV export would give. */
function siteOf(name: string, users: UserRow[]): SiteState {
  const custom = existsSync(join(LIVE, name, 'customfield_before.json'))
    ? read<Array<{ idnumber: string; shortname: string; data: string }>>(name, 'customfield_before.json')
    : [];
  const records: SiteRecord[] = users.map((u) => {
    const values: Record<string, string> = {
      idnumber: u.idnumber,
      username: u.username,
      firstname: u.firstname,
      lastname: u.lastname,
      email: u.email,
    };
    for (const field of custom.filter((f) => f.idnumber === u.idnumber))
      values[`customfield_${field.shortname}`] = field.data;
    return {
      values,
      suspended: u.suspended === 1,
      deleted: u.deleted === 1,
      syncEnabled: u.totarasync === 1,
      timemodified: u.timemodified,
    };
  });
  // Every site has its admin account (username admin, admin@example.com, no idnumber): val-05 collides with it.
  records.push({
    values: { idnumber: '', username: 'admin', email: 'admin@example.com' },
    syncEnabled: false,
  });
  return {
    description: `${name}/before.json`,
    elements: ['user'],
    async *records(element) {
      if (element === 'user') yield* records;
    },
  };
}

/** What Totara did to users, from before.json, after.json and the log. */
function outcome(name: string) {
  const before = read<UserRow[]>(name, 'before.json');
  const after = read<UserRow[]>(name, 'after.json');
  const log = read<{ log_rows: Array<{ element: string; logtype: string; action: string; info: string }> }>(
    name,
    'log.json',
  ).log_rows.filter((r) => r.element === 'user');
  const byId = new Map(before.map((u) => [u.id, u]));
  const created: string[] = [];
  const changed: string[] = [];
  const suspended: string[] = [];
  const deleted: string[] = [];
  for (const u of after) {
    const old = byId.get(u.id);
    if (!old) created.push(u.idnumber);
    else if (!old.deleted && u.deleted) deleted.push(old.idnumber);
    else if (!old.suspended && u.suspended) suspended.push(u.idnumber);
    else if (
      (['username', 'firstname', 'lastname', 'email'] as const).some((k) => old[k] !== u[k]) ||
      (old.suspended && !u.suspended)
    )
      changed.push(u.idnumber);
  }
  // Custom field values that changed count as changes too (cf-*).
  const fields = (file: string) =>
    existsSync(join(LIVE, name, file))
      ? read<Array<{ idnumber: string; shortname: string; data: string }>>(name, file)
      : [];
  const fieldsBefore = new Map(
    fields('customfield_before.json').map((f) => [`${f.idnumber}/${f.shortname}`, f.data]),
  );
  for (const f of fields('customfield_after.json'))
    if (
      (fieldsBefore.get(`${f.idnumber}/${f.shortname}`) ?? '') !== f.data &&
      !created.includes(f.idnumber) &&
      !changed.includes(f.idnumber)
    )
      changed.push(f.idnumber);
  const logged = log
    .filter((r) => r.action === 'updateusers')
    .map((r) => r.info.replace('updated user ', ''));
  const wholeFile = log.some(
    (r) => r.logtype === 'error' && /CSV file not valid|could not import all records/.test(r.info),
  );
  const crashed = !log.some((r) => r.info === 'HR Import finished') && !wholeFile;
  const noFile = log.some((r) => r.info.startsWith('No file to import'));
  return { before, created, changed, suspended, deleted, logged, wholeFile, crashed, noFile, log };
}

const sorted = (list: string[]) => [...list].sort();

describe.skipIf(!hasFixtures)(
  `replay of real Totara 17.3 HR Import runs ${hasFixtures ? '' : FIXTURES_SKIP_REASON}`,
  () => {
    it('has every captured case', () => {
      expect(cases.length).toBe(61);
    });

    it.each(cases)('%s: validation and plan agree with what Totara did', async (name) => {
      const settings = profileOf(
        read<{ effective_settings_during_run: Config }>(name, 'settings.json').effective_settings_during_run,
      );
      const got = outcome(name);
      const dir = join(work, name);
      cpSync(join(LIVE, name), dir, {
        recursive: true,
        filter: (src) => !src.endsWith('.json') && !src.endsWith('.md'),
      });
      // Only the user element is replayed; job assignment files are validated on their own below.
      rmSync(join(dir, 'jobassignment.csv'), { force: true });
      const report = await validateFiles(dir, { settings, now: 1_796_285_000 }).catch(
        (error: unknown) => error,
      );
      if (got.noFile) {
        // Totara reads csv/ready/user.csv exactly: a wrongly cased name is not imported, and we say so.
        if (existsSync(join(dir, 'User.csv')))
          expect((report as { issues: Array<{ code: string }> }).issues.map((i) => i.code)).toContain(
            'file.misnamed',
          );
        return;
      }
      if (!('issues' in (report as object))) throw report;
      const validation = report as Awaited<ReturnType<typeof validateFiles>>;
      const fileErrors = validation.issues.filter(
        (i) => i.severity === 'error' && (i.row <= 1 || i.code === 'value.invalid_timemodified'),
      );
      // Verdict: a whole-file rejection is predicted exactly when Totara rejected the whole file.
      expect(fileErrors.length > 0, JSON.stringify(fileErrors)).toBe(got.wholeFile);
      const plan = await planImport(dir, { site: siteOf(name, got.before), settings, now: 1_796_285_000 });
      const user = plan.elements.find((e) => e.element === 'user');
      if (!user) throw new Error(`${name}: no user plan`);
      if (got.wholeFile || got.crashed) {
        expect(user.rejected, 'the plan says the file is refused').toBeDefined();
        expect(got.created.length + got.changed.length + got.suspended.length + got.deleted.length).toBe(0);
        return;
      }
      expect(user.rejected).toBeUndefined();
      expect({
        created: sorted(user.created),
        changed: sorted(user.updated.map((u) => u.key)),
        suspended: sorted(user.suspended),
        deleted: sorted(user.deleted),
        logged: sorted(user.logged),
      }).toEqual({
        created: sorted(got.created),
        changed: sorted(got.changed),
        suspended: sorted(got.suspended),
        deleted: sorted(got.deleted),
        logged: sorted(got.logged),
      });
      // Every row Totara skipped with an error is an error of the validator or a skip of the plan.
      const skippedByTotara = got.log
        .filter((r) => r.logtype === 'error' && / Skipped user (\S+)/.test(r.info))
        .map((r) => / Skipped user (\S+)/.exec(r.info)?.[1] as string);
      const planned = new Set([...user.created, ...user.logged, ...user.skipped.map((s) => s.key)]);
      for (const id of skippedByTotara)
        if (!got.created.includes(id))
          expect(planned.has(id) ? user.skipped.map((s) => s.key) : [], id).toContain(id);
    });
  },
);
