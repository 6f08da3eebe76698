/**
 * Every `--help` text of `mts`, rendered by `main` itself, keyed by the words before `--help` ('' for the top,
 * `moodle`, `moodle call`...). `npm run build` writes it to dist/help-index.json, from which bin/mts.cjs answers
 * `mts ... --help` without loading the CLI (on Node 20 each ES module costs about 0.7 ms to load, and an ES module
 * entry about 7 ms: more than a help page may cost). Run: node dist/src/cli/help-index.js OUT.json
 */
import { writeFile } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { AREA_NAMES, areaCommandNames, main } from './main.js';

async function render(words: string[]): Promise<string> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk) => {
    text += String(chunk);
  });
  const sink = new PassThrough();
  sink.resume();
  const code = await main([...words, '--help'], { stdout, stderr: sink, stdin: Readable.from([]), env: {} });
  if (code !== 0) throw new Error(`mts ${words.join(' ')} --help exited ${code}`);
  return text;
}

/** Renders every help page. */
export async function helpIndex(): Promise<Record<string, string>> {
  const index: Record<string, string> = { '': await render([]) };
  for (const area of AREA_NAMES) {
    index[area] = await render([area]);
    for (const name of await areaCommandNames(area)) index[`${area} ${name}`] = await render([area, name]);
  }
  return index;
}

const [, script, out] = process.argv;
if (script && out && import.meta.url === pathToFileURL(script).href)
  await writeFile(out, `${JSON.stringify(await helpIndex())}\n`);
