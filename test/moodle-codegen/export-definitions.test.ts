import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMoodleFiles } from '../../codegen/moodle/generate.js';
import { FIXTURES_SKIP_REASON, hasFixtures, projectRoot, readFixtureJson } from '../helpers/fixtures.js';
import { type DefinitionFunction, phpSite } from './php-site.js';

const run = promisify(execFile);
const SCRIPT = join(projectRoot, 'codegen/moodle/export-definitions.php');
const STUB = join(projectRoot, 'test/moodle-codegen/php-stub');

function phpVersion(): string | undefined {
  try {
    return execFileSync('php', ['-r', 'echo PHP_VERSION;'], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
}
const php = phpVersion();
const PHP_SKIP = php ? '' : '(skipped: php is not installed; `apt-get install php-cli` to run it)';

interface Definitions {
  moodle_release: string;
  moodle_version: string;
  count: number;
  errors: unknown[];
  generated_at: string;
  functions: DefinitionFunction[];
}

describe.skipIf(!php || !hasFixtures)(
  `export-definitions.php over a stub of Moodle's classes ${PHP_SKIP} ${hasFixtures ? '' : FIXTURES_SKIP_REASON}`,
  () => {
    let dir: string;
    let fixture: Definitions;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mts-php-'));
      fixture = await readFixtureJson<Definitions>('moodle-4.5/ws-definitions.json');
      await writeFile(
        join(dir, 'site.php'),
        phpSite(fixture.moodle_release, fixture.moodle_version, fixture.functions),
      );
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function exportWith(
      env: Record<string, string>,
      args: string[],
    ): Promise<{ stdout: string; stderr: string }> {
      return run('php', [SCRIPT, `--moodle=${STUB}`, ...args], {
        env: { PATH: process.env.PATH, MTS_STUB_SITE: join(dir, 'site.php'), ...env },
        maxBuffer: 64 * 1024 * 1024,
      });
    }

    it('writes the same JSON shape as the real Moodle 4.5 export, for all 759 functions', async () => {
      const out = join(dir, 'out.json');
      const { stderr } = await exportWith({}, [`--out=${out}`]);
      expect(stderr).toContain('759 functions written');
      const exported = JSON.parse(await readFile(out, 'utf8')) as Definitions;
      expect(exported.generated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
      const { generated_at: _a, ...rest } = exported;
      const { generated_at: _b, ...expected } = fixture;
      expect(rest).toEqual(expected);
      // And the codegen reads it to the same table as the fixture.
      const input = { input: 'x.json' };
      expect(generateMoodleFiles(exported, input)).toEqual(generateMoodleFiles(fixture, input));
    });

    it('works with the pre-4.2 global external_* classes, keeps stdout pure JSON, and can leave descriptions out', async () => {
      const { stdout, stderr } = await exportWith({ MTS_STUB_LEGACY: '1', MTS_STUB_NOISE: '1' }, [
        '--no-descriptions',
      ]);
      // Notices printed while the functions are read go to stderr; stdout stays pure JSON.
      expect(stderr).toContain('Notice: core_user_get_users_by_field is noisy');
      const exported = JSON.parse(stdout) as Definitions;
      expect(exported.count).toBe(759);
      const info = exported.functions.find((f) => f.name === 'core_user_get_users_by_field');
      expect(info?.parameters_desc.class).toBe('external_function_parameters');
      expect(info?.parameters_desc.keys?.field).toMatchObject({
        kind: 'value',
        type: 'alpha',
        class: 'external_value',
      });
      expect(info?.description).toBeNull();
      expect(info?.parameters_desc.keys?.field?.description).toBe('');
    });

    it('refuses unknown options and a missing Moodle with exit 2', async () => {
      await expect(run('php', [SCRIPT, '--nope'])).rejects.toMatchObject({ code: 2 });
      await expect(run('php', [SCRIPT, `--moodle=${dir}/nowhere`])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining("cannot find Moodle's config.php"),
      });
    });
  },
);
