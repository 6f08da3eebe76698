/** The real backups of ../shared/fixtures (Moodle 4.5 and the public 2.6-5.0 set), as absolute paths. */
import { readdirSync } from 'node:fs';
import { fixture, hasFixtures } from '../../helpers/fixtures.js';

export function fixtureBackups(): string[] {
  if (!hasFixtures) return [];
  return [
    ...readdirSync(fixture('moodle-4.5/mbz')).map((f) => fixture(`moodle-4.5/mbz/${f}`)),
    ...readdirSync(fixture('mbz-public'))
      .filter((f) => f.endsWith('.mbz'))
      .map((f) => fixture(`mbz-public/${f}`)),
  ];
}
