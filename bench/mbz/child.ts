/**
 * One measurement in a fresh process, so peak RSS belongs to it alone: `inspect FILE` (ours), `gunzip-tar FILE`
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

const start = performance.now();
const activities =
  mode === 'inspect'
    ? (await inspectBackup(file)).activities.length
    : mode === 'gunzip-tar'
      ? await gunzipThenTar()
      : await jszip();
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, activities })}\n`);
