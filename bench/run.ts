/**
 * `npm run bench [AREA ...]`: runs bench/<area>/index.ts for every area (or the named ones), one after another so
 * that figures are not disturbed by each other. Each bench prints its own lines, each with the ratio against its
 * named anchor measured side by side in the same run.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const areas = (await readdir(here, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
  .map((entry) => entry.name)
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

let failed = false;
for (const area of areas) {
  const url = pathToFileURL(`${here}${area}/index.ts`).href;
  process.stdout.write(`\n## bench/${area}\n`);
  try {
    const mod = (await import(url)) as { default?: () => Promise<void> };
    await mod.default?.();
  } catch (error) {
    failed = true;
    process.stdout.write(`bench/${area} failed: ${(error as Error).stack ?? String(error)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
