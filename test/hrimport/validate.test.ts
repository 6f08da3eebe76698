import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ElementName,
  ElementValidator,
  type HrImportSettingsInput,
  type KnownIds,
  resolveSettings,
  validateFiles,
} from '../../src/hrimport/index.js';

const NOW = 1_700_000_000;

/** Validates header + rows (objects keyed by column) and returns the issue codes with their rows and columns. */
function check(
  element: ElementName,
  rows: Array<Record<string, string>>,
  settings: HrImportSettingsInput = {},
  known?: KnownIds,
  header?: string[],
) {
  const columns = header ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const v = new ElementValidator({
    element,
    settings: resolveSettings(settings),
    file: `${element}.csv`,
    known,
    now: NOW,
  });
  v.header(columns);
  rows.forEach((r, i) => {
    v.row(
      columns.map((c) => r[c] ?? ''),
      i + 2,
    );
  });
  v.finish();
  return v.issues.map((i) => ({ code: i.code, severity: i.severity, row: i.row, column: i.column }));
}

const user = (over: Record<string, string> = {}, i = 1) => ({
  idnumber: `E${i}`,
  username: `user${i}`,
  timemodified: '0',
  deleted: '0',
  firstname: 'A',
  lastname: 'B',
  email: `u${i}@example.org`,
  ...over,
});
const job = (over: Record<string, string> = {}, i = 1) => ({
  idnumber: 'JA1',
  useridnumber: `E${i}`,
  timemodified: '0',
  deleted: '0',
  ...over,
});
const org = (over: Record<string, string> = {}, i = 1) => ({
  idnumber: `O${i}`,
  fullname: `Org ${i}`,
  frameworkidnumber: 'FW',
  timemodified: '0',
  deleted: '0',
  ...over,
});

const codes = (issues: ReturnType<typeof check>) => issues.map((i) => i.code);

describe('validation rules: each fails on bad input and passes on good input', () => {
  it('a clean user file has no findings', () => {
    expect(check('user', [user({}, 1), user({}, 2)])).toEqual([]);
  });

  it('header.missing_column follows the settings', () => {
    const header = ['idnumber', 'username', 'timemodified', 'firstname', 'lastname', 'email'];
    expect(check('user', [], {}, undefined, header)).toEqual([
      { code: 'header.missing_column', severity: 'error', row: 1, column: 'deleted' },
    ]);
    expect(check('user', [], { elements: { user: { sourceAllRecords: true } } }, undefined, header)).toEqual(
      [],
    );
    const noEmail = ['idnumber', 'username', 'timemodified', 'deleted', 'firstname', 'lastname'];
    expect(codes(check('user', [], {}, undefined, noEmail))).toEqual(['header.missing_column']);
    expect(
      check('user', [], { elements: { user: { allowDuplicateEmails: true } } }, undefined, noEmail),
    ).toEqual([]);
    const noNames = ['idnumber', 'username', 'timemodified', 'deleted', 'email'];
    expect(codes(check('user', [], {}, undefined, noNames))).toEqual([
      'header.missing_column',
      'header.missing_column',
    ]);
    expect(check('user', [], { elements: { user: { allowCreate: false } } }, undefined, noNames)).toEqual([]);
  });

  it('header.invalid_characters, header.duplicate_column, header.unknown_column, header.ignored_column', () => {
    const base = Object.keys(user());
    expect(codes(check('user', [], {}, undefined, [...base, 'e-mail.work']))).toEqual([
      'header.invalid_characters',
      'header.unknown_column',
    ]);
    expect(codes(check('user', [], {}, undefined, [...base, 'city', 'city']))).toEqual([
      'header.duplicate_column',
    ]);
    expect(codes(check('user', [], {}, undefined, [...base, 'fristname']))).toEqual([
      'header.unknown_column',
    ]);
    expect(
      codes(
        check('user', [], { elements: { user: { deleteMode: 'suspend' } } }, undefined, [
          ...base,
          'suspended',
        ]),
      ),
    ).toEqual(['header.ignored_column']);
    expect(
      check('user', [], {}, undefined, [
        ...base,
        'suspended',
        'Phone?! ok-_'.replace('Phone?! ok-_', 'city'),
      ]),
    ).toEqual([]);
  });

  it('custom field columns: shortname known to the site, typeidnumber for hierarchies, none for job assignments', () => {
    const site = { elements: { user: { customFields: ['costcentre'] } } };
    expect(codes(check('user', [user({ customfield_costcentre: 'X' })], site))).toEqual([]);
    expect(check('user', [user({ customfield_cost: 'X' })], site)).toEqual([
      { code: 'header.unknown_custom_field', severity: 'error', row: 1, column: 'customfield_cost' },
    ]);
    expect(codes(check('org', [org({ customfield_region: 'N' })]))).toEqual(['header.missing_column']);
    expect(codes(check('org', [org({ customfield_region: 'N', typeidnumber: 'T1' })]))).toEqual([]);
    expect(codes(check('org', [org({ customfield_region: 'N', typeidnumber: '' })]))).toEqual([
      'value.required',
    ]);
    expect(codes(check('jobassignment', [job({ customfield_x: '1' })]))).toEqual([
      'header.custom_fields_not_supported',
    ]);
  });

  it('row.column_count and row.empty', () => {
    const v = new ElementValidator({ element: 'user', settings: resolveSettings(), file: 'user.csv' });
    v.header(Object.keys(user()));
    v.row(['E1', 'u'], 2);
    v.record({ row: 3, line: 3, cells: [], blank: true });
    v.row(Object.values(user()), 4);
    // Excel writes blank rows as bare delimiters: a run of them is one finding, not one per required column.
    const bare = Object.keys(user()).map(() => '');
    for (let row = 5; row <= 9; row++) v.record({ row, line: row, cells: bare });
    v.row(Object.values(user({}, 2)), 10);
    v.finish();
    expect(v.issues.map((i) => [i.code, i.severity, i.row])).toEqual([
      ['row.column_count', 'error', 2],
      ['row.empty', 'warning', 3],
      ['row.empty', 'warning', 5],
    ]);
    expect(v.issues[2]?.message).toContain('Rows 5 to 9 (5) are empty (only delimiters');
  });

  it('rows.duplicate_idnumber / username (any case) / email (any case, unless duplicates allowed)', () => {
    expect(check('user', [user({}, 1), user({ idnumber: 'E1' }, 2)])).toEqual([
      { code: 'rows.duplicate_idnumber', severity: 'error', row: 3, column: 'idnumber' },
    ]);
    expect(codes(check('user', [user({}, 1), user({ username: 'USER1' }, 2)]))).toEqual([
      'value.username_case',
      'rows.duplicate_username',
    ]);
    expect(codes(check('user', [user({}, 1), user({ email: 'U1@EXAMPLE.org' }, 2)]))).toEqual([
      'rows.duplicate_email',
    ]);
    expect(
      check('user', [user({}, 1), user({ email: 'u1@example.org' }, 2)], {
        elements: { user: { allowDuplicateEmails: true } },
      }),
    ).toEqual([]);
    // Rows flagged deleted do not count as duplicates (Totara checks only rows it keeps).
    expect(check('user', [user({}, 1), user({ idnumber: 'E1', deleted: '1' }, 2)])).toEqual([]);
  });

  it('value.invalid_email, value.not_flag, value.invalid_country, value.invalid_date', () => {
    expect(codes(check('user', [user({ email: 'jane@' })]))).toEqual(['value.invalid_email']);
    expect(codes(check('user', [user({ email: 'jane.o+x@mail.example.co.nz' })]))).toEqual([]);
    expect(codes(check('user', [user({ deleted: 'yes' })]))).toEqual(['value.not_flag']);
    expect(codes(check('user', [user({ suspended: '1', emailstop: '0' })]))).toEqual([]);
    expect(check('user', [user({ country: 'nz' })])).toEqual([
      { code: 'value.invalid_country', severity: 'error', row: 2, column: 'country' },
    ]);
    expect(codes(check('user', [user({ country: 'XX' })]))).toEqual(['value.invalid_country']);
    expect(codes(check('user', [user({ country: 'NZ' })]))).toEqual([]);
    expect(codes(check('user', [user({ timemodified: '2024-03-21' })]))).toEqual([
      'value.invalid_timemodified',
    ]);
    expect(codes(check('user', [user({ timemodified: '31/02/2024' })]))).toEqual([
      'value.invalid_timemodified',
    ]);
    expect(codes(check('user', [user({ timemodified: '21/03/2024' })]))).toEqual([]);
    expect(codes(check('user', [user({ timemodified: '1710979200' })]))).toEqual([]);
    expect(codes(check('user', [user({ timemodified: '2024-03-21' })], { dateFormat: 'Y-m-d' }))).toEqual([]);
  });

  it('value.required for names, email, auth, idnumber (not on rows being deleted)', () => {
    expect(codes(check('user', [user({ firstname: '' })]))).toEqual(['value.required']);
    expect(codes(check('user', [user({ firstname: '', deleted: '1' })]))).toEqual([]);
    // An empty email keeps an existing user's (misc-07) unless empty fields erase (misc-03); the plan knows which.
    expect(codes(check('user', [user({ email: '' })]))).toEqual(['value.email_empty']);
    expect(
      codes(check('user', [user({ email: '' })], { elements: { user: { emptyFields: 'erase' } } })),
    ).toEqual(['value.required']);
    expect(
      codes(check('user', [user({ email: '' })], { elements: { user: { allowDuplicateEmails: true } } })),
    ).toEqual([]);
    expect(codes(check('user', [user({ auth: '' })]))).toEqual(['value.required']);
    expect(codes(check('user', [user({ idnumber: '' })]))).toEqual(['value.required']);
  });

  it('value.too_long counts characters, not bytes', () => {
    expect(codes(check('user', [user({ phone1: '1'.repeat(21) })]))).toEqual(['value.too_long']);
    expect(codes(check('user', [user({ phone1: '😀'.repeat(20) })]))).toEqual([]);
  });

  it('usernames: characters Totara drops are errors, upper case is a warning', () => {
    expect(check('user', [user({ username: 'jane smith' })])[0]?.code).toBe('value.username_characters');
    expect(check('user', [user({ username: 'Jane' })])).toEqual([
      { code: 'value.username_case', severity: 'warning', row: 2, column: 'username' },
    ]);
    expect(codes(check('user', [user({ username: 'jane.o-x_1@corp' })]))).toEqual([]);
  });

  it('value.formula_like is a warning (plain signed numbers are not flagged); backslashes are fine', () => {
    for (const bad of ['=1+2', '+cmd|x', '-2+3', '@SUM(A1)'])
      expect(check('user', [user({ description: bad })]), JSON.stringify(bad)).toEqual([
        { code: 'value.formula_like', severity: 'warning', row: 2, column: 'description' },
      ]);
    for (const bad of ['\tx', '\rx'])
      expect(codes(check('user', [user({ description: bad })])), JSON.stringify(bad)).toEqual([
        'value.trimmed',
        'value.formula_like',
      ]);
    expect(check('user', [user({ description: '-5' }), user({ description: '+64211234' }, 2)])).toEqual([]);
    // The writer encodes these so that Totara's reader gives them back exactly (see roundtrip.test.ts).
    expect(codes(check('user', [user({ description: 'a\\"b' })]))).toEqual([]);
    expect(codes(check('user', [user({ description: 'C:\\temp\\' })]))).toEqual([]);
  });

  it('international phone numbers are not formula-like (phone columns or any text); formulas still are', () => {
    const phones = ['+64 4 555 0100', '+1 (555) 010-0199', '+44.20.7946.0958', '+6835551'];
    for (const phone of phones) {
      expect(check('user', [user({ phone1: phone, phone2: phone })]), phone).toEqual([]);
      expect(check('user', [user({ description: phone })]), phone).toEqual([]);
    }
    // What a spreadsheet would run (functions, references, DDE, arithmetic that changes the value) still warns.
    for (const bad of ['+SUM(A1)', '=1+1', '@cmd', '-2+3', '+64 4 555 0100+A1', '+1-2', "+1|cmd'!A0"])
      expect(check('user', [user({ phone1: bad.slice(0, 20) })]), bad).toEqual([
        { code: 'value.formula_like', severity: 'warning', row: 2, column: 'phone1' },
      ]);
  });

  it('job assignments: references to unknown users warn, or fail when users.csv holds all records', () => {
    const known = { user: new Set(['E1', 'M1']) };
    expect(
      codes(check('jobassignment', [job({ manageridnumber: 'M1', managerjaidnumber: 'JA1' })], {}, known)),
    ).toEqual([]);
    expect(
      check('jobassignment', [job({ manageridnumber: 'M9', managerjaidnumber: 'JA1' })], {}, known),
    ).toEqual([{ code: 'ref.unknown_user', severity: 'warning', row: 2, column: 'manageridnumber' }]);
    const complete = { elements: { user: { sourceAllRecords: true } } };
    expect(check('jobassignment', [job({ appraiseridnumber: 'M9' })], complete, known)[0]).toMatchObject({
      code: 'ref.unknown_user',
      severity: 'error',
      column: 'appraiseridnumber',
    });
  });

  it('job assignments: manager job id required, self references, dates, temporary manager expiry', () => {
    expect(codes(check('jobassignment', [job({ manageridnumber: 'M1' })]))).toEqual([
      'header.missing_column',
    ]);
    expect(
      codes(
        check('jobassignment', [job({ manageridnumber: 'M1' })], {
          elements: { jobassignment: { updateIdNumbers: true } },
        }),
      ),
    ).toEqual([]);
    expect(codes(check('jobassignment', [job({ manageridnumber: 'M1', managerjaidnumber: '' })]))).toEqual([
      'value.required',
    ]);
    expect(
      codes(check('jobassignment', [job({ manageridnumber: 'E1', managerjaidnumber: 'JA1' })])),
    ).toContain('value.self_reference');
    expect(codes(check('jobassignment', [job({ startdate: '02/02/2024', enddate: '01/02/2024' })]))).toEqual([
      'value.start_after_end',
    ]);
    expect(codes(check('jobassignment', [job({ startdate: '01/02/2024', enddate: '02/02/2024' })]))).toEqual(
      [],
    );
    const temp = { tempmanageridnumber: 'M2', tempmanagerjaidnumber: 'JA1' };
    expect(codes(check('jobassignment', [job({ ...temp, tempmanagerexpirydate: '' })]))).toEqual([
      'value.required',
    ]);
    expect(codes(check('jobassignment', [job({ ...temp, tempmanagerexpirydate: String(NOW - 1) })]))).toEqual(
      ['value.expiry_in_past'],
    );
    expect(
      codes(check('jobassignment', [job({ ...temp, tempmanagerexpirydate: String(NOW + 86400) })])),
    ).toEqual([]);
  });

  it("checks: 'rows' still checks each row (self references, dates) but keeps nothing across rows", () => {
    const v = new ElementValidator({
      element: 'jobassignment',
      settings: resolveSettings(),
      file: 'j.csv',
      checks: 'rows',
    });
    const rows = [job({ appraiseridnumber: 'E1' }, 1), job({}, 1)];
    const columns = Object.keys(rows[0] as object);
    v.header(columns);
    rows.forEach((r, i) => {
      v.row(
        columns.map((c) => (r as Record<string, string>)[c] ?? ''),
        i + 2,
      );
    });
    v.finish();
    expect(v.issues.map((i) => i.code)).toEqual(['value.self_reference']);
  });

  it('job assignments: duplicates per user, one job per user with "Update ID numbers"', () => {
    expect(codes(check('jobassignment', [job({}, 1), job({}, 1)]))).toEqual([
      'rows.duplicate_job_assignment',
    ]);
    expect(codes(check('jobassignment', [job({}, 1), job({}, 2)]))).toEqual([]);
    const update = { elements: { jobassignment: { updateIdNumbers: true } } };
    expect(codes(check('jobassignment', [job({}, 1), job({ idnumber: 'JA2' }, 1)], update))).toEqual([
      'rows.multiple_jobs_per_user',
    ]);
    expect(codes(check('jobassignment', [job({}, 1), job({ idnumber: 'JA2' }, 1)]))).toEqual([]);
  });

  it('rows.management_loop: A → B → C → A is found; a chain is not', () => {
    const loop = [
      job({ manageridnumber: 'E2', managerjaidnumber: 'JA1' }, 1),
      job({ manageridnumber: 'E3', managerjaidnumber: 'JA1' }, 2),
      job({ manageridnumber: 'E1', managerjaidnumber: 'JA1' }, 3),
    ];
    const found = check('jobassignment', loop).filter((i) => i.code === 'rows.management_loop');
    expect(found.map((i) => i.row).sort()).toEqual([2, 3, 4]);
    const chain = [...loop.slice(0, 2), job({ manageridnumber: '', managerjaidnumber: '' }, 3)];
    expect(codes(check('jobassignment', chain))).toEqual([]);
  });

  it('hierarchies: parents missing from the file, parent cycles', () => {
    expect(check('org', [org({ parentidnumber: 'O9' })])).toEqual([
      { code: 'ref.unknown_parent', severity: 'warning', row: 2, column: 'parentidnumber' },
    ]);
    const complete = check('org', [org({ parentidnumber: 'O9' })], {
      elements: { org: { sourceAllRecords: true } },
    });
    expect(complete.find((i) => i.code === 'ref.unknown_parent')?.severity).toBe('error');
    expect(codes(check('org', [org({}, 1), org({ parentidnumber: 'O1' }, 2)]))).toEqual([]);
    const cycle = [org({ parentidnumber: 'O2' }, 1), org({ parentidnumber: 'O1' }, 2)];
    expect(codes(check('org', cycle))).toEqual(['rows.parent_cycle', 'rows.parent_cycle']);
    expect(codes(check('pos', [org({ parentidnumber: 'O1' }, 1)]))).toEqual(['rows.parent_cycle']);
  });

  it('competencies: aggregationmethod, or assignavailability on sites with competency assignment', () => {
    expect(codes(check('comp', [org({ aggregationmethod: 'SOME' })]))).toEqual(['value.invalid_aggregation']);
    expect(codes(check('comp', [org({ aggregationmethod: 'ANY' })]))).toEqual([]);
    const assignment = { features: { competencyAssignment: true } };
    expect(codes(check('comp', [org({ assignavailability: 'self' })], assignment))).toEqual([]);
    expect(codes(check('comp', [org({ assignavailability: 'all' })], assignment))).toEqual([
      'value.invalid_availability',
    ]);
    expect(codes(check('comp', [org({ aggregationmethod: 'ANY' })], assignment))).toEqual([
      'header.column_not_in_version',
      'header.missing_column',
    ]);
    expect(
      codes(check('comp', [org({ aggregationmethod: 'ANY' })], { ...assignment, totaraVersion: 12 })),
    ).toEqual([]);
  });

  it('password values never appear in findings', () => {
    const v = new ElementValidator({ element: 'user', settings: resolveSettings(), file: 'user.csv' });
    v.header([...Object.keys(user()), 'password']);
    v.row([...Object.values(user()), '=Secret-Passw0rd'], 2);
    expect(v.issues[0]?.code).toBe('value.formula_like');
    expect(JSON.stringify(v.issues)).not.toContain('Secret-Passw0rd');
  });
});

describe('validateFiles on files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mts-hr-val-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("reports what Totara's reader makes of odd quoting on its row, and checks job assignments against user.csv", async () => {
    const ready = join(dir, 'csv', 'ready');
    await import('node:fs/promises').then((fs) => fs.mkdir(ready, { recursive: true }));
    await writeFile(
      join(ready, 'user.csv'),
      'idnumber,username,timemodified,deleted,firstname,lastname,email\r\nE1,a,0,0,A,B,a@example.org\r\nE2,b,0,0,"A"x,B,b@example.org\r\n',
    );
    await writeFile(
      join(ready, 'jobassignment.csv'),
      'idnumber;useridnumber;timemodified;deleted;manageridnumber;managerjaidnumber\nJA1;E1;0;0;E7;JA1\n',
    );
    const report = await validateFiles(dir, {
      settings: { elements: { jobassignment: { delimiter: ';' } } },
    });
    expect(report.ok).toBe(true);
    expect(report.issues.map((i) => [i.file.split('/').pop(), i.row, i.code])).toEqual([
      ['user.csv', 3, 'csv.text_after_quote'],
      ['jobassignment.csv', 2, 'ref.unknown_user'],
    ]);
  });

  it('tells when the delimiter setting does not match the file', async () => {
    const file = join(dir, 'org.csv');
    await writeFile(file, 'idnumber;fullname;frameworkidnumber;timemodified;deleted\nO1;Org;FW;0;0\n');
    const report = await validateFiles(file, { settings: { delimiter: ',' } });
    expect(report.issues[0]).toMatchObject({ code: 'header.invalid_characters', row: 1 });
    expect(report.issues[0]?.hint).toContain('delimiter');
    const right = await validateFiles(file, { settings: { delimiter: ';' } });
    expect(right.ok).toBe(true);
  });
});
