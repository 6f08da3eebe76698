/**
 * Reading: our fgetcsv-exact reader against csv-parse configured as close to PHP's fgetcsv as it goes (escape `\`,
 * relaxed quotes and column counts), on the same 200,000-row text in memory, runs interleaved. csv-parse is the
 * anchor; the floor is splitting the text into lines (`indexOf('\n')`), which any reader must at least do.
 */
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { FgetcsvParser } from '../../src/hrimport/csv/fgetcsv.js';
import { createRowEncoder } from '../../src/hrimport/csv/writer.js';

const ROWS = 200_000;

function text(): string {
  const encode = createRowEncoder({ delimiter: ',', lineEnding: '\r\n' });
  let out = encode(['idnumber', 'username', 'firstname', 'lastname', 'email', 'department', 'description']);
  for (let i = 0; i < ROWS; i++)
    out += encode([
      `E${i}`,
      `user${i}`,
      i % 7 === 0 ? 'Zoë "Z"' : 'Jane',
      i % 11 === 0 ? "O'Neil, Jr" : 'Smith',
      `user${i}@example.org`,
      i % 13 === 0 ? 'Finance\nand Admin' : 'Finance',
      i % 5 === 0 ? 'Joined in 2019; works on payroll' : '',
    ]);
  return out;
}

function ours(input: string): number {
  const parser = new FgetcsvParser(',');
  let n = 0;
  for (let at = 0; at < input.length; at += 65536) n += parser.push(input.slice(at, at + 65536)).length;
  return n + parser.end().length;
}

function anchor(input: string): number {
  return (parse(input, { escape: '\\', relax_quotes: true, relax_column_count: true }) as unknown[]).length;
}

function floor(input: string): number {
  let n = 0;
  for (let i = input.indexOf('\n'); i !== -1; i = input.indexOf('\n', i + 1)) n++;
  return n;
}

/** Milliseconds of each run, `runs` rounds of the three sides interleaved. */
export function benchReaders(runs: number): Record<'ours' | 'anchor' | 'floor', number[]> {
  const input = text();
  const out = { ours: [] as number[], anchor: [] as number[], floor: [] as number[] };
  for (let r = 0; r < runs; r++)
    for (const [name, fn] of [
      ['ours', ours],
      ['anchor', anchor],
      ['floor', floor],
    ] as const) {
      const start = performance.now();
      fn(input);
      out[name].push(performance.now() - start);
    }
  return out;
}

export const READER_ROWS = ROWS;
