import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvParser } from '../../src/hrimport/csv/reader.js';
import {
  CsvSyntaxError,
  detectDelimiter,
  elementOfFileName,
  elementTemplate,
  HrImportError,
  loadSettingsFile,
  parseFormattedDate,
  readCsvRecords,
  requiredColumns,
  resolveSettings,
} from '../../src/hrimport/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-hr-rs-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function parseAll(text: string, delimiter: ',' | ';' = ','): string[][] {
  const parser = new CsvParser({ delimiter, file: 'x.csv' });
  return [...parser.push(text), ...parser.end()].map((r) => r.cells);
}

describe('strict RFC 4180 reader', () => {
  it('reads quoted delimiters, doubled quotes, line breaks inside quotes, CRLF and a last line without a break', () => {
    expect(parseAll('a,"b,c","say ""hi""","x\r\ny"\r\n1,2,3,4')).toEqual([
      ['a', 'b,c', 'say "hi"', 'x\r\ny'],
      ['1', '2', '3', '4'],
    ]);
    expect(parseAll('a,b\n\nc,d\n')).toEqual([['a', 'b'], [''], ['c', 'd']]);
  });

  it.each([
    ['a,b"c\n', 'hrimport.csv_stray_quote', 1],
    ['a,b\nc,"d"e\n', 'hrimport.csv_text_after_quote', 2],
    ['a,b\nc,"d\n', 'hrimport.csv_unterminated_quote', 2],
    ['a,b\rc,d\n', 'hrimport.csv_bare_cr', 1],
  ])('refuses %j with %s at row %i', (text, code, row) => {
    let error: unknown;
    try {
      parseAll(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ code, details: expect.objectContaining({ row }) });
  });

  it('delivers the rows before a syntax error, then throws', () => {
    const parser = new CsvParser({ delimiter: ',' });
    expect(parser.push('a,b\nc,d\ne,"f"g\n').map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(() => parser.end()).toThrow(CsvSyntaxError);
  });

  it('detects the delimiter from the header and refuses bytes that are not valid in the encoding', async () => {
    expect(detectDelimiter('idnumber|username|email\r\n')).toBe('|');
    expect(detectDelimiter('idnumber\tusername')).toBe('\t');
    expect(detectDelimiter('idnumber#username')).toBeUndefined();
    const bad = join(dir, 'latin1.csv');
    await writeFile(
      bad,
      Buffer.concat([Buffer.from('idnumber,city\nE1,Z'), Buffer.from([0xfc]), Buffer.from('rich\n')]),
    );
    await expect(async () => {
      for await (const _ of readCsvRecords(bad)) void _;
    }).rejects.toMatchObject({ code: 'hrimport.csv_invalid_encoding' });
    const rows = [];
    for await (const r of readCsvRecords(bad, { encoding: 'iso-8859-1' })) rows.push(r.cells);
    expect(rows[1]).toEqual(['E1', 'Zürich']);
  });

  it("names elements from file names, including Totara's csv/store copies", () => {
    expect(elementOfFileName('user.csv')).toEqual({ element: 'user' });
    expect(elementOfFileName('1700000000.pos.csv')).toEqual({ element: 'pos', storedAt: 1700000000 });
    expect(elementOfFileName('users.csv')).toBeUndefined();
  });
});

describe('settings profile', () => {
  it('applies Totara defaults and accepts tab by name', () => {
    const settings = resolveSettings({ delimiter: 'tab' });
    expect(settings.delimiter).toBe('\t');
    expect(settings.dateFormat).toBe('d/m/Y');
    expect(settings.elements.user).toMatchObject({
      sourceAllRecords: false,
      deleteMode: 'keep',
      emptyFields: 'keep',
    });
  });

  it.each([
    [{ delimiter: '#' }, 'delimiter'],
    [{ encoding: 'EBCDIC' }, 'encoding'],
    [{ dateFormat: 'd/m/Y H:i T' }, 'dateFormat'],
    [{ elements: { org: { deleteMode: 'suspend' } } }, 'elements.org.deleteMode'],
    [{ elements: { user: { sourceAllRecords: 'yes' } } }, 'elements.user.sourceAllRecords'],
    [{ elements: { people: {} } }, 'elements.people'],
  ])('refuses %j naming %s', (input, path) => {
    expect(() => resolveSettings(input as never)).toThrow(
      expect.objectContaining({
        code: 'hrimport.invalid_settings',
        details: expect.objectContaining({ path }),
      }),
    );
  });

  it('rejects unknown keys so a typo is not ignored', () => {
    expect(() => resolveSettings({ elements: { user: { sourceAllRecord: true } } } as never)).toThrow(
      expect.objectContaining({ code: 'options.unknown_key' }),
    );
  });

  it('loads a profile file with typed errors for a missing or broken file', async () => {
    const good = join(dir, 'hr.json');
    await writeFile(good, JSON.stringify({ elements: { user: { allowDuplicateEmails: true } } }));
    expect(requiredColumns('user', await loadSettingsFile(good))).toEqual([
      'idnumber',
      'username',
      'timemodified',
      'deleted',
      'firstname',
      'lastname',
    ]);
    await expect(loadSettingsFile(join(dir, 'none.json'))).rejects.toMatchObject({
      code: 'hrimport.settings_unreadable',
    });
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"delimiter": ');
    await expect(loadSettingsFile(broken)).rejects.toBeInstanceOf(HrImportError);
  });

  it('dates: strict parse in the configured format', () => {
    expect(parseFormattedDate('21/03/2024', 'd/m/Y')).toBe(Date.UTC(2024, 2, 21) / 1000);
    expect(parseFormattedDate('2024-03-21 13:05', 'Y-m-d H:i')).toBe(Date.UTC(2024, 2, 21, 13, 5) / 1000);
    expect(parseFormattedDate('29/02/2023', 'd/m/Y')).toBeUndefined();
    expect(parseFormattedDate('3/21/2024', 'm/d/Y')).toBeUndefined();
    expect(parseFormattedDate('3/21/2024', 'n/j/Y')).toBe(Date.UTC(2024, 2, 21) / 1000);
  });

  it('templates follow the profile: job assignments without manager job ids when ID numbers are updated', () => {
    const plain = elementTemplate('jobassignment', resolveSettings());
    expect(plain.columns.find((c) => c.name === 'managerjobassignmentidnumber')).toMatchObject({
      required: true,
    });
    const updating = elementTemplate(
      'jobassignment',
      resolveSettings({ elements: { jobassignment: { updateIdNumbers: true } } }),
    );
    expect(updating.columns.map((c) => c.name)).not.toContain('managerjobassignmentidnumber');
    const org = elementTemplate('org', resolveSettings({ elements: { org: { customFields: ['region'] } } }));
    expect(org.columns.find((c) => c.name === 'typeidnumber')).toMatchObject({ required: true });
  });
});

describe('site exports and empty folders', () => {
  it("maps Moodle's bulk user download (profile_field_*) and the HR Import flags of a site export", async () => {
    const { siteRecordFromRow } = await import('../../src/hrimport/index.js');
    expect(
      siteRecordFromRow({
        idnumber: 'E1',
        username: 'a',
        profile_field_costcentre: 'CC1',
        suspended: '1',
        totarasync: '0',
      }),
    ).toEqual({
      values: { idnumber: 'E1', username: 'a', customfield_costcentre: 'CC1', suspended: '1' },
      syncEnabled: false,
      suspended: true,
      deleted: false,
    });
  });

  it('a folder without element files is an error, not an empty success', async () => {
    const { validateFiles } = await import('../../src/hrimport/index.js');
    const report = await validateFiles(dir);
    expect(report.ok).toBe(false);
    expect(report.issues[0]?.code).toBe('file.none_found');
  });
});
