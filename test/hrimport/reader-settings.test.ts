import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FgetcsvParser } from '../../src/hrimport/csv/fgetcsv.js';
import {
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
import { prng } from './hostile.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-hr-rs-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function parseAll(text: string, delimiter: ',' | ';' = ','): Array<string[] | null> {
  const parser = new FgetcsvParser(delimiter);
  return [...parser.push(text), ...parser.end()].map((r) => (r.blank ? null : r.cells));
}

describe("Totara's reader (PHP fgetcsv rules)", () => {
  it('reads RFC 4180 the usual way: quoted delimiters, doubled quotes, line breaks inside quotes, CRLF, a last line without a break', () => {
    expect(parseAll('a,"b,c","say ""hi""","x\r\ny"\r\n1,2,3,4')).toEqual([
      ['a', 'b,c', 'say "hi"', 'x\r\ny'],
      ['1', '2', '3', '4'],
    ]);
  });

  it.each([
    ['"a\\"b"', ['a\\"b'], 'a backslash before a quote stays, and does not close the field (enc-01)'],
    ['"C:\\\\"', ['C:\\\\'], 'two backslashes before the closing quote are kept (enc-03)'],
    ['Fir"st,x', ['Fir"st', 'x'], 'a quote inside an unquoted field is data'],
    [' "username",b', ['username', 'b'], 'whitespace before an opening quote is dropped (enc-08)'],
    ['  a  ,b', ['  a  ', 'b'], 'spaces around an unquoted value are kept (Totara trims them later)'],
    ['"ab"cd,e', ['abcd', 'e'], 'text after a closing quote is appended'],
    ['"C:,"\\,x', ['C:,\\', 'x'], 'so a backslash can follow the closing quote'],
    ['a\rb,c', ['a\rb', 'c'], 'a CR that is not a line end is data'],
    ['a\r,b', ['a', 'b'], 'an unquoted field loses one trailing CR'],
  ])('%j reads %j: %s', (text, cells) => {
    expect(parseAll(`${text}\n`)).toEqual([cells]);
  });

  it('an empty line is a record with no field; a quoted field never closed runs to the end of the file (enc-02, enc-07)', () => {
    expect(parseAll('a,b\n\nc,d\n\n')).toEqual([['a', 'b'], null, ['c', 'd'], null]);
    const parser = new FgetcsvParser(',');
    const records = [...parser.push('E09,"C:\\",End\nE10,Normal\nE11,"Q",x\n'), ...parser.end()];
    expect(records.map((r) => r.cells)).toEqual([['E09', 'C:\\",End\nE10,Normal\nE11,Q"', 'x']]);
    expect(records[0]?.quirks).toEqual(['text_after_quote', 'escaped_quote']);
    expect(parseAll('a,"bc\nd')).toEqual([['a', 'bc\nd']]);
  });

  it('matches the real PHP fgetcsv byte for byte on random hostile input, fed in random chunks', (context) => {
    if (!existsSync('/usr/bin/php')) {
      context.skip('(skipped: /usr/bin/php is absent; install php-cli to compare with the real fgetcsv)');
      return;
    }
    const random = prng(11);
    const pieces = ['"', '""', ',', '\\', '\\"', '\n', '\r\n', '\r', ' ', '\t', 'a', 'é', '😀', ';'];
    const texts = Array.from({ length: 400 }, () => {
      let text = '';
      for (let i = Math.floor(random() * 25); i > 0; i--)
        text += pieces[Math.floor(random() * pieces.length)];
      return text;
    });
    // One PHP process reads every text through a memory stream with fgetcsv, as Totara reads a file.
    const script = `$out = [];
      foreach (json_decode(stream_get_contents(STDIN)) as $text) {
        $f = fopen('php://memory', 'w+'); fwrite($f, $text); rewind($f); $rows = [];
        while (($r = fgetcsv($f, 0, ',')) !== false) $rows[] = $r;
        $out[] = $rows;
      }
      echo json_encode($out);`;
    const php = JSON.parse(
      execFileSync('/usr/bin/php', ['-r', script], { input: JSON.stringify(texts) }).toString(),
    ) as Array<Array<Array<string | null>>>;
    texts.forEach((text, n) => {
      const parser = new FgetcsvParser(',');
      const ours: Array<Array<string | null>> = [];
      for (let at = 0; at < text.length; ) {
        const size = 1 + Math.floor(random() * 5);
        ours.push(...parser.push(text.slice(at, at + size)).map((r) => (r.blank ? [null] : r.cells)));
        at += size;
      }
      ours.push(...parser.end().map((r) => (r.blank ? [null] : r.cells)));
      if (JSON.stringify(ours) !== JSON.stringify(php[n]))
        expect({ text, ours }).toEqual({ text, ours: php[n] });
    });
  });

  it('detects the delimiter from the header; drops bytes not valid in UTF-8 as Totara does, noting where (misc-05)', async () => {
    expect(detectDelimiter('idnumber|username|email\r\n')).toBe('|');
    expect(detectDelimiter('idnumber\tusername')).toBe('\t');
    expect(detectDelimiter('idnumber#username')).toBeUndefined();
    const bad = join(dir, 'latin1.csv');
    await writeFile(
      bad,
      Buffer.concat([Buffer.from('idnumber,city\nE1,Z'), Buffer.from([0xfc]), Buffer.from('rich\n')]),
    );
    const utf8 = [];
    for await (const r of readCsvRecords(bad)) utf8.push(r);
    expect(utf8[1]).toMatchObject({ cells: ['E1', 'Zrich'], quirks: ['invalid_bytes'], quirkFields: [1] });
    const rows = [];
    for await (const r of readCsvRecords(bad, { encoding: 'iso-8859-1' })) rows.push(r.cells);
    expect(rows[1]).toEqual(['E1', 'Zürich']);
    const cp1252 = join(dir, 'cp1252.csv');
    await writeFile(
      cp1252,
      Buffer.concat([Buffer.from('idnumber;city\r\nE1;'), Buffer.from([0x80, 0x93]), Buffer.from('x\r\n')]),
    );
    const excel = [];
    for await (const r of readCsvRecords(cp1252, { encoding: 'windows-1252' })) excel.push(r.cells);
    expect(excel[1]).toEqual(['E1', '€“x']);
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
    expect(plain.columns.find((c) => c.name === 'managerjaidnumber')).toMatchObject({
      required: true,
    });
    const updating = elementTemplate(
      'jobassignment',
      resolveSettings({ elements: { jobassignment: { updateIdNumbers: true } } }),
    );
    expect(updating.columns.map((c) => c.name)).not.toContain('managerjaidnumber');
    // Totara 13 renamed the column; a profile for Totara 12 gets the old name (ja-02: 17.3 refuses it).
    const old = elementTemplate('jobassignment', resolveSettings({ totaraVersion: 12 }));
    expect(old.columns.map((c) => c.name)).toContain('managerjobassignmentidnumber');
    expect(old.columns.map((c) => c.name)).not.toContain('tempmanageridnumber');
    expect(plain.columns.map((c) => c.name)).not.toContain('managerjobassignmentidnumber');
    const tenants = elementTemplate('user', resolveSettings({ features: { tenants: true } }));
    expect(tenants.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['tenantmember', 'tenantparticipant']),
    );
    expect(elementTemplate('user', resolveSettings()).columns.map((c) => c.name)).not.toContain(
      'tenantmember',
    );
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
