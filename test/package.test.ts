/**
 * The package as a user installs it: every `exports` subpath resolves to built files with types, and the `mts`
 * bin runs. `npm test` builds dist/ before the suite, as `npm install` does through `prepare`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/fixtures.js';

const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as {
  type: string;
  engines: { node: string };
  bin: Record<string, string>;
  exports: Record<string, { types: string; default: string } | string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const run = promisify(execFile);

describe('package.json', () => {
  it('is ESM only, for Node >= 20.19, with the stack pinned below the Node-22-only majors', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20.19');
    expect(pkg.dependencies.undici).toMatch(/^\^7\./);
    expect(pkg.dependencies.graphql).toMatch(/^\^16\./);
    expect(pkg.devDependencies.vitest).toMatch(/^\^4\./);
  });

  it.each(['.', './moodle', './totara', './lti', './hrimport', './mbz', './sandbox'])(
    'exports %s with types and code',
    async (subpath) => {
      const entry = pkg.exports[subpath];
      expect(entry, `exports["${subpath}"]`).toMatchObject({
        types: expect.any(String),
        default: expect.any(String),
      });
      const { types, default: code } = entry as { types: string; default: string };
      expect(existsSync(`${projectRoot}${types}`), types).toBe(true);
      expect(existsSync(`${projectRoot}${code}`), code).toBe(true);
      const specifier = subpath === '.' ? 'moodle-totara-sdk' : `moodle-totara-sdk/${subpath.slice(2)}`;
      // Resolved through the package's own `exports` (self-reference), as a dependent project would.
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import('${specifier}'); console.log(Object.keys(m).length);`,
        ],
        {
          cwd: projectRoot,
        },
      );
      expect(Number(stdout.trim())).toBeGreaterThan(0);
    },
  );

  it('has a working mts bin', async () => {
    const { stdout } = await run(process.execPath, [`${projectRoot}${pkg.bin.mts}`, '--version'], {
      cwd: projectRoot,
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
