/** Every real backup of ../shared/fixtures (Moodle 4.5, the public 2.6-5.0 set, Moodle's own test backups, wild), as absolute paths. */
import { readdirSync } from 'node:fs';
import { fixture, hasFixtures } from '../../helpers/fixtures.js';

export const FIXTURE_FOLDERS = ['moodle-4.5/mbz', 'mbz-public', 'mbz-moodle-tests', 'wild/mbz'];

export function fixtureBackups(): string[] {
  if (!hasFixtures) return [];
  return FIXTURE_FOLDERS.flatMap((folder) =>
    readdirSync(fixture(folder))
      .filter((f) => f.endsWith('.mbz'))
      .map((f) => fixture(`${folder}/${f}`)),
  );
}
