/**
 * One measurement in a fresh process, so peak RSS belongs to it alone: `inspect FILE` (ours: the first call, cold,
 * after this module's imports), `inspect-warm FILE` (ours: median of 5 calls after 6 to warm up), `gunzip-tar FILE`
 * (the whole archive gunzipped into memory, then the tar read from the buffer), `jszip FILE` (JSZip loading the
 * archive into memory and reading moodle_backup.xml). Prints `{"ms":..,"rssMb":..,"activities":..}`.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import JSZip from 'jszip';
import tar from 'tar-stream';
import { inspectBackup } from '../../src/mbz/index.js';

const [mode, file] = process.argv.slice(2) as [string, string];
const countActivities = (xml: string) => (xml.match(/<activity>/g) ?? []).length;

async function gunzipThenTar(): Promise<number> {
  const whole = gunzipSync(await readFile(file));
  const extract = tar.extract();
  Readable.from([whole]).pipe(extract);
  let activities = -1;
  for await (const entry of extract) {
    if (entry.header.name === 'moodle_backup.xml') {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      activities = countActivities(Buffer.concat(chunks).toString('utf8'));
    } else entry.resume();
  }
  return activities;
}

async function jszip(): Promise<number> {
  const zip = await JSZip.loadAsync(await readFile(file));
  return countActivities((await zip.file('moodle_backup.xml')?.async('string')) ?? '');
}

async function warm(): Promise<{ ms: number; activities: number }> {
  for (let i = 0; i < 6; i++) await inspectBackup(file);
  const times: number[] = [];
  let activities = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    activities = (await inspectBackup(file)).activities.length;
    times.push(performance.now() - start);
  }
  return { ms: times.sort((a, b) => a - b)[2] as number, activities };
}

let ms: number;
let activities: number;
if (mode === 'inspect-warm') ({ ms, activities } = await warm());
else {
  const start = performance.now();
  activities =
    mode === 'inspect'
      ? (await inspectBackup(file)).activities.length
      : mode === 'gunzip-tar'
        ? await gunzipThenTar()
        : await jszip();
  ms = performance.now() - start;
}
process.stdout.write(`${JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, activities })}\n`);
