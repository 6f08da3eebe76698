import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  csvSiteState,
  DEFAULT_FILE_MODE,
  HrImportMassRemovalError,
  type HrImportSettingsInput,
  HrImportValidationError,
  openElementWriter,
  planImport,
  readElementFile,
  readyPath,
  type UserRecord,
  writeElementFile,
} from '../../src/hrimport/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mts-hr-wp-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const person = (i: number, over: Partial<UserRecord> = {}): UserRecord => ({
  idnumber: `E${i}`,
  username: `user${i}`,
  timemodified: 0,
  deleted: 0,
  firstname: `First${i}`,
  lastname: `Last${i}`,
  email: `user${i}@example.org`,
  city: 'Wellington',
  ...over,
});

async function readyFiles(dir: string): Promise<string[]> {
  return readdir(join(dir, 'csv', 'ready')).catch(() => []);
}

describe('atomic write into csv/ready/', () => {
  it('leaves no file (not even a temporary one) when validation fails at the last row', async () => {
    const dir = join(root, 'fail');
    const records = [...Array.from({ length: 5000 }, (_, i) => person(i)), person(1)];
    const error = await writeElementFile(dir, 'user', records).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HrImportValidationError);
    expect((error as HrImportValidationError).issues.map((i) => [i.code, i.row])).toEqual([
      ['rows.duplicate_idnumber', 5002],
      ['rows.duplicate_username', 5002],
      ['rows.duplicate_email', 5002],
    ]);
    // Duplicates are found on disk (a few MB for millions of rows) and name the row they repeat.
    expect((error as HrImportValidationError).issues[0]?.message).toContain('repeats row 3');
    expect(await readyFiles(dir)).toEqual([]);
  });

  it('keeps the previous file intact when a new write fails, and replaces it when one succeeds', async () => {
    const dir = join(root, 'replace');
    await writeElementFile(dir, 'user', [person(1)]);
    const before = await readFile(readyPath(dir, 'user'), 'utf8');
    await expect(writeElementFile(dir, 'user', [person(2, { email: 'broken' })])).rejects.toBeInstanceOf(
      HrImportValidationError,
    );
    expect(await readFile(readyPath(dir, 'user'), 'utf8')).toBe(before);
    expect(await readyFiles(dir)).toEqual(['user.csv']);
    await writeElementFile(dir, 'user', [person(3)]);
    expect(await readFile(readyPath(dir, 'user'), 'utf8')).toContain('E3,');
  });

  it('removes the temporary file when the record source throws midway or the signal aborts', async () => {
    const dir = join(root, 'throw');
    async function* failing() {
      for (let i = 0; i < 20000; i++) yield person(i);
      throw new Error('HR system went away');
    }
    await expect(writeElementFile(dir, 'user', failing())).rejects.toThrow('HR system went away');
    expect(await readyFiles(dir)).toEqual([]);
    const controller = new AbortController();
    const writer = await openElementWriter(dir, 'user', { signal: controller.signal });
    await writer.write(person(1));
    controller.abort(new Error('stop'));
    await expect(writer.write(person(2))).rejects.toThrow('stop');
    expect(await readyFiles(dir)).toEqual([]);
  });

  it('refuses records with keys that are not columns of the file', async () => {
    const dir = join(root, 'keys');
    const error = (await writeElementFile(dir, 'user', [
      person(1),
      { ...person(2), departmnt: 'x' } as UserRecord,
    ]).catch((e: unknown) => e)) as HrImportValidationError;
    // With an array, the header covers every record's keys, so the typo is an unknown column of the header.
    expect(error.issues[0]).toMatchObject({
      code: 'header.unknown_column',
      severity: 'error',
      row: 1,
      column: 'departmnt',
    });
    // Streaming, the header comes from the first record, and a later record's extra key is refused.
    async function* stream() {
      yield person(1);
      yield { ...person(2), departmnt: 'x' } as UserRecord;
    }
    const streamed = (await writeElementFile(dir, 'user', stream()).catch(
      (e: unknown) => e,
    )) as HrImportValidationError;
    expect(streamed.issues[0]).toMatchObject({ code: 'record.unknown_column', row: 3, column: 'departmnt' });
  });

  it('writes semicolon-delimited ISO-8859-1 when the profile says so, and refuses characters it cannot hold', async () => {
    const dir = join(root, 'latin1');
    const settings = { delimiter: ';', encoding: 'ISO-8859-1' };
    await writeElementFile(dir, 'user', [person(1, { city: 'Zürich' })], { settings });
    const bytes = await readFile(readyPath(dir, 'user'));
    expect(bytes.includes(Buffer.from('Z\u00fcrich', 'latin1'))).toBe(true);
    expect(bytes.toString('latin1').split('\r\n')[0]).toBe(
      'idnumber;timemodified;username;deleted;firstname;lastname;email;city',
    );
    await expect(
      writeElementFile(dir, 'user', [person(1, { city: 'Łódź' })], { settings }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ code: 'value.not_encodable', column: 'city' })],
    });
  });

  it('neutralises formula-like cells only on request', async () => {
    const dir = join(root, 'formula');
    await writeElementFile(dir, 'user', [person(1, { description: '=HYPERLINK("x")' })]);
    expect(await readFile(readyPath(dir, 'user'), 'utf8')).toContain(',"=HYPERLINK(""x"")"');
    await writeElementFile(dir, 'user', [person(1, { description: '=HYPERLINK("x")' })], {
      neutraliseFormulas: true,
    });
    expect(await readFile(readyPath(dir, 'user'), 'utf8')).toContain(`,"'=HYPERLINK(""x"")"`);
  });
});

describe('file permissions and record values', () => {
  const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

  it('creates element files 0640 (less the umask), never readable by others, even over an older 0644 file', async () => {
    const dir = join(root, 'mode');
    await mkdir(join(dir, 'csv', 'ready'), { recursive: true });
    await writeFile(readyPath(dir, 'user'), 'old', { mode: 0o644 });
    await chmod(readyPath(dir, 'user'), 0o644);
    await writeElementFile(dir, 'user', [person(1, { password: 'Secret-Passw0rd' })]);
    const mode = await modeOf(readyPath(dir, 'user'));
    expect(mode & 0o007).toBe(0);
    expect(mode).toBe(DEFAULT_FILE_MODE & ~process.umask());
    expect(await readFile(readyPath(dir, 'user'), 'utf8')).toContain('Secret-Passw0rd');
  });

  it('sets an explicit mode exactly and refuses one that is not permission bits', async () => {
    const dir = join(root, 'mode-explicit');
    await writeElementFile(dir, 'user', [person(1)], { mode: 0o600 });
    expect(await modeOf(readyPath(dir, 'user'))).toBe(0o600);
    await writeElementFile(dir, 'user', [person(1)], { mode: 0o664 });
    expect(await modeOf(readyPath(dir, 'user'))).toBe(0o664);
    await expect(writeElementFile(dir, 'user', [person(1)], { mode: 0o4755 })).rejects.toMatchObject({
      code: 'hrimport.invalid_mode',
    });
    expect(await modeOf(readyPath(dir, 'user'))).toBe(0o664);
  });

  it('refuses objects and arrays as cell values instead of writing "[object Object]"', async () => {
    const dir = join(root, 'objects');
    const bad = {
      ...person(1),
      city: { name: 'Wellington' },
      department: ['a', 'b'],
    } as unknown as UserRecord;
    const error = (await writeElementFile(dir, 'user', [bad]).catch(
      (e: unknown) => e,
    )) as HrImportValidationError;
    expect(error).toBeInstanceOf(HrImportValidationError);
    expect(error.issues.map((i) => [i.code, i.row, i.column])).toEqual([
      ['record.not_a_cell', 2, 'city'],
      ['record.not_a_cell', 2, 'department'],
    ]);
    expect(await readyFiles(dir)).toEqual([]);
    await writeElementFile(dir, 'user', [person(1, { timemodified: new Date(1_700_000_000_000) })]);
    expect(await readFile(readyPath(dir, 'user'), 'utf8')).toContain('E1,1700000000,');
  });
});

describe('reading back', () => {
  it("reads Totara's csv/store/<time>.<name> copies as records of the right element", async () => {
    const store = join(root, 'files', 'csv', 'store');
    await mkdir(store, { recursive: true });
    const path = join(store, '1700000000.jobassignment.csv');
    await writeFile(
      path,
      '\uFEFFidnumber|useridnumber|timemodified|fullname\nJA1|E1|0|"Head | of ""Ops"""\n',
    );
    const file = await readElementFile(path);
    expect(file.element).toBe('jobassignment');
    expect(file.storedAt).toBe(1700000000);
    expect(file.header).toEqual(['idnumber', 'useridnumber', 'timemodified', 'fullname']);
    const records = [];
    for await (const r of file.records()) records.push(r);
    expect(records).toEqual([
      {
        row: 2,
        values: { idnumber: 'JA1', useridnumber: 'E1', timemodified: '0', fullname: 'Head | of "Ops"' },
      },
    ]);
  });
});

describe('plan (dry run) against a CSV export of the site', () => {
  async function setup(
    name: string,
    fileRecords: UserRecord[],
    siteCsv: string,
    settings: HrImportSettingsInput,
  ) {
    const dir = join(root, name);
    await writeElementFile(dir, 'user', fileRecords, { settings });
    const site = join(root, `${name}-site.csv`);
    await writeFile(site, siteCsv);
    return { dir, site: await csvSiteState(site) };
  }
  const siteHeader = 'idnumber,username,firstname,lastname,email,city,suspended,totarasync\n';

  it('reports created, updated (with the changed fields), unchanged, deleted-flag suspensions and skipped rows', async () => {
    const settings: HrImportSettingsInput = { elements: { user: { deleteMode: 'suspend' } } };
    const { dir, site } = await setup(
      'plan1',
      [
        person(1),
        person(2, { city: 'Auckland' }),
        person(3, { deleted: 1 }),
        person(4),
        person(5, { city: '' }),
      ],
      siteHeader +
        'E1,user1,First1,Last1,user1@example.org,Wellington,0,1\n' +
        'E2,user2,First2,Last2,user2@example.org,Wellington,0,1\n' +
        'E3,user3,First3,Last3,user3@example.org,Wellington,0,1\n' +
        'E5,user5,First5,Last5,user5@example.org,Napier,0,0\n' +
        'E9,user9,First9,Last9,user9@example.org,Napier,0,1\n',
      settings,
    );
    const plan = await planImport(dir, { site, settings });
    const user = plan.elements[0]!;
    expect(user.counts).toEqual({
      rows: 5,
      created: 1,
      updated: 1,
      logged: 2,
      unchanged: 1,
      suspended: 1,
      deleted: 0,
      skipped: 1,
    });
    expect(user.created).toEqual(['E4']);
    expect(user.updated).toEqual([
      { key: 'E2', changes: [{ column: 'city', from: 'Wellington', to: 'Auckland' }] },
    ]);
    expect(user.suspended).toEqual(['E3']);
    expect(user.skipped).toEqual([
      { key: 'E5', reason: 'HR Import is disabled for this record on the site' },
    ]);
    expect(plan.refused).toBe(false);
  });

  it('empty cells erase values only when the profile says empty fields erase', async () => {
    const siteCsv = `${siteHeader}E1,user1,First1,Last1,user1@example.org,Wellington,0,1\n`;
    const keep = await setup('plan-keep', [person(1, { city: '' })], siteCsv, {});
    expect((await planImport(keep.dir, { site: keep.site })).elements[0]!.counts.unchanged).toBe(1);
    const erase = await setup('plan-erase', [person(1, { city: '' })], siteCsv, {
      elements: { user: { emptyFields: 'erase' } },
    });
    const plan = await planImport(erase.dir, {
      site: erase.site,
      settings: { elements: { user: { emptyFields: 'erase' } } },
    });
    expect(plan.elements[0]!.updated).toEqual([
      { key: 'E1', changes: [{ column: 'city', from: 'Wellington', to: '' }] },
    ]);
  });

  it('refuses a complete-source import that would remove more than the threshold, unless allowed', async () => {
    const settings: HrImportSettingsInput = {
      elements: { user: { sourceAllRecords: true, deleteMode: 'delete' } },
    };
    const rows = Array.from({ length: 10 }, (_, i) => `E${i},user${i},F,L,user${i}@example.org,W,0,1\n`).join(
      '',
    );
    const { dir, site } = await setup(
      'plan-mass',
      [person(0), person(1), person(2)],
      siteHeader + rows,
      settings,
    );
    const plan = await planImport(dir, { site, settings });
    const user = plan.elements[0]!;
    expect(user.counts.deleted).toBe(7);
    expect(user.removal).toMatchObject({ existing: 10, removing: 7, threshold: 0.1 });
    expect(plan.refused).toBe(true);
    expect((await planImport(dir, { site, settings, allowMassRemoval: true })).refused).toBe(false);
    expect((await planImport(dir, { site, settings, threshold: 0.8 })).refused).toBe(false);

    // The writer refuses the same file when given the site, and leaves csv/ready/ as it was.
    const out = join(root, 'plan-mass-write');
    const error = await writeElementFile(out, 'user', [person(0)], {
      settings,
      removalGuard: { site },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HrImportMassRemovalError);
    expect((error as HrImportMassRemovalError).counts).toMatchObject({ existing: 10, removing: 9 });
    expect(await readyFiles(out)).toEqual([]);
    const allowed = await writeElementFile(out, 'user', [person(0)], {
      settings,
      removalGuard: { site, allowMassRemoval: true },
    });
    expect(allowed.removal).toMatchObject({ removing: 9 });
  });
});

describe('plan of files with invalid rows', () => {
  it('invalid rows are skipped and protected from removal; a refused header means no change at all', async () => {
    const dir = join(root, 'plan-invalid');
    const ready = join(dir, 'csv', 'ready');
    await mkdir(ready, { recursive: true });
    await writeFile(
      join(ready, 'user.csv'),
      'idnumber,username,timemodified,firstname,lastname,email\nE1,user1,0,F,L,user1@example.org\nE2,user2,0,F,L,not-an-email\nE3,user3,0,F,L,user3@example.org\n',
    );
    const site = join(root, 'plan-invalid-site.csv');
    await writeFile(
      site,
      'idnumber,username,firstname,lastname,email\nE1,user1,F,L,user1@example.org\nE2,user2,F,L,user2@example.org\n',
    );
    const settings: HrImportSettingsInput = {
      elements: { user: { sourceAllRecords: true, deleteMode: 'delete' } },
    };
    const plan = await planImport(dir, { site: await csvSiteState(site), settings });
    const user = plan.elements[0]!;
    expect(user.counts).toMatchObject({ created: 1, unchanged: 1, deleted: 0, skipped: 1 });
    expect(user.skipped[0]).toMatchObject({
      key: 'E2',
      reason: expect.stringContaining('value.invalid_email'),
    });

    const refused = await planImport(dir, { site: await csvSiteState(site), settings: {} });
    expect(refused.elements[0]!.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, skipped: 3 });
    expect(refused.elements[0]!.skipped[0]?.reason).toContain('header.missing_column');
  });
});

describe('plan of an element the site source cannot describe', () => {
  it('is marked not compared instead of counting every row as created', async () => {
    const dir = join(root, 'plan-org');
    await writeElementFile(dir, 'org', [
      { idnumber: 'O1', fullname: 'Org', frameworkidnumber: 'FW', timemodified: 0, deleted: 0 },
    ]);
    const site = join(root, 'plan-org-users.csv');
    await writeFile(site, 'idnumber,username\nE1,a\n');
    const plan = await planImport(dir, { site: await csvSiteState(site) });
    expect(plan.elements[0]).toMatchObject({
      element: 'org',
      compared: false,
      counts: { rows: 1, created: 0 },
    });
  });
});
