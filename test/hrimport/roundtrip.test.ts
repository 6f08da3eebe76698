import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvParser } from '../../src/hrimport/csv/reader.js';
import { createRowEncoder, DELIMITERS, type UserRecord, writeElementFile } from '../../src/hrimport/index.js';
import { hostileText, prng } from './hostile.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-hr-rt-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const ROWS = 100_000;

function* users(seed: number): Generator<UserRecord> {
  const random = prng(seed);
  for (let i = 0; i < ROWS; i++) {
    yield {
      idnumber: `E${i}`,
      username: `user${i}`,
      timemodified: 0,
      deleted: 0,
      firstname: `First${hostileText(random)}x`,
      lastname: 'Last',
      email: `user${i}@example.org`,
      city: hostileText(random),
      description: hostileText(random),
      address: hostileText(random),
      customfield_notes: hostileText(random),
    };
  }
}

describe('user.csv round trip of 100,000 hostile rows through csv-parse (strict)', () => {
  for (const delimiter of DELIMITERS) {
    it(`delimiter ${JSON.stringify(delimiter)}: every cell comes back unchanged`, async () => {
      const out = join(dir, `d${DELIMITERS.indexOf(delimiter)}`);
      const result = await writeElementFile(out, 'user', users(42), { settings: { delimiter } });
      expect(result.rows).toBe(ROWS);
      const text = await readFile(result.path, 'utf8');
      const parsed = parse(text, {
        delimiter,
        record_delimiter: '\r\n',
        relax_quotes: false,
        relax_column_count: false,
        skip_empty_lines: false,
        bom: false,
      }) as string[][];
      const header = parsed[0] as string[];
      expect(header).toEqual(result.columns);
      expect(parsed.length).toBe(ROWS + 1);
      let i = 0;
      for (const record of users(42)) {
        const expected = header.map((name) => {
          const value = (record as unknown as Record<string, unknown>)[name];
          return value === undefined ? '' : String(value);
        });
        const got = parsed[i + 1];
        if (JSON.stringify(got) !== JSON.stringify(expected))
          expect({ row: i + 2, got }).toEqual({ row: i + 2, got: expected });
        i++;
      }
      // Our own reader agrees with csv-parse on the same bytes, fed in awkward chunk sizes.
      const ours = new CsvParser({ delimiter });
      const records: string[][] = [];
      for (let at = 0; at < text.length; at += 4093)
        records.push(...ours.push(text.slice(at, at + 4093)).map((r) => r.cells));
      records.push(...ours.end().map((r) => r.cells));
      expect(records).toEqual(parsed);
    }, 120_000);
  }

  it('the bare encoder survives backslashes and every delimiter too (csv-parse agrees)', () => {
    const random = prng(7);
    for (const delimiter of DELIMITERS) {
      const encode = createRowEncoder({ delimiter, lineEnding: '\n' });
      const rows = Array.from({ length: 2000 }, () =>
        Array.from({ length: 5 }, () => hostileText(random, true)),
      );
      const text = rows.map(encode).join('');
      const parsed = parse(text, {
        delimiter,
        record_delimiter: '\n',
        relax_column_count: false,
        escape: '"',
      });
      expect(parsed).toEqual(rows.map((row) => (row.length === 1 && row[0] === '' ? [''] : row)));
    }
  });
});
