/**
 * One side of the bench, run in its own process so that its peak memory (maxRSS) is its own: writes ROWS user
 * records to OUT with either our writer (validation, atomic rename) or csv-stringify piped to a file, and prints
 * {ms, rows, bytes, maxRssMb} as JSON.
 *
 * Usage: node --import tsx bench/hrimport/worker.ts ours|ours-rows|anchor ROWS OUTDIR
 * (`ours-rows`: our writer with per-row checks only, no cross-row duplicate/reference checks.)
 */
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { openElementWriter, type UserRecord } from '../../src/hrimport/index.js';

const COLUMNS = [
  'idnumber',
  'timemodified',
  'username',
  'deleted',
  'firstname',
  'lastname',
  'email',
  'city',
  'country',
  'department',
  'description',
];

function record(i: number): UserRecord {
  return {
    idnumber: `E${i}`,
    timemodified: '0',
    username: `user${i}`,
    deleted: '0',
    firstname: i % 7 === 0 ? `Zoë "Z"` : 'Jane',
    lastname: i % 11 === 0 ? "O'Neil, Jr" : 'Smith',
    email: `user${i}@example.org`,
    city: 'Wellington',
    country: 'NZ',
    department: i % 13 === 0 ? 'Finance\nand Admin' : 'Finance',
    description: i % 5 === 0 ? 'Joined in 2019; works on payroll' : '',
  };
}

const [mode, rowsText, out] = process.argv.slice(2);
const rows = Number(rowsText);
await mkdir(out as string, { recursive: true });
const start = performance.now();
let path: string;
if (mode === 'ours' || mode === 'ours-rows') {
  const writer = await openElementWriter(out as string, 'user', {
    columns: COLUMNS,
    checks: mode === 'ours' ? 'full' : 'rows',
  });
  for (let i = 0; i < rows; i++) await writer.write(record(i));
  path = (await writer.close()).path;
} else {
  path = join(out as string, 'anchor-user.csv');
  async function* source() {
    for (let i = 0; i < rows; i++) yield record(i);
  }
  await pipeline(
    source(),
    stringify({ header: true, columns: COLUMNS, record_delimiter: '\r\n' }),
    createWriteStream(path),
  );
}
const ms = performance.now() - start;
const bytes = (await stat(path)).size;
process.stdout.write(
  `${JSON.stringify({ ms, rows, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
