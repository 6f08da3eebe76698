import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `../shared/fixtures` beside the project: present in CI, absent in a user's fresh clone. */
export const fixturesDir = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

/** True when `../shared/fixtures` is there. */
export const hasFixtures = existsSync(fixturesDir);

/**
 * Why fixture tests are skipped, for `describe.skipIf(!hasFixtures)` titles; empty when the fixtures are there, so
 * a title never says "skipped" of tests that run.
 */
export const FIXTURES_SKIP_REASON = hasFixtures
  ? ''
  : '(skipped: ../shared/fixtures is absent, as in a fresh clone; CI always has it)';

/** Absolute path of a fixture, e.g. `fixture('moodle-4.5/ws-definitions.json')`. */
export function fixture(relative: string): string {
  return `${fixturesDir}${relative}`;
}

/** A fixture parsed as JSON. */
export async function readFixtureJson<T = unknown>(relative: string): Promise<T> {
  return JSON.parse(await readFile(fixture(relative), 'utf8')) as T;
}

if (!hasFixtures) {
  process.stderr.write(`note: ${fixturesDir} not found; tests that need real fixtures are skipped.\n`);
}
