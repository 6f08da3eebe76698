/**
 * The package as a user installs it: every `exports` subpath resolves to built files with types, and the `mts`
 * bin runs. `npm test` builds dist/ before the suite. The tarball itself is packed, linted (publint, Are the Types
 * Wrong) and installed into a consumer project, where it must work as shipped, without a build.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('answers --help from the built index exactly as the CLI renders it, and leaves the rest to the CLI', async () => {
    const bin = `${projectRoot}${pkg.bin.mts}`;
    const index = JSON.parse(readFileSync(`${projectRoot}dist/help-index.json`, 'utf8')) as Record<
      string,
      string
    >;
    expect(Object.keys(index)).toEqual(
      expect.arrayContaining(['', 'moodle', 'moodle call', 'sandbox', 'config set']),
    );
    const { runCli } = await import('./helpers/cli.js');
    for (const words of [[], ['moodle'], ['moodle', 'call'], ['sandbox'], ['lti', 'validate']]) {
      const live = await runCli([...words, '--help']);
      const fast = await run(process.execPath, [bin, ...words, '-h']);
      expect(fast.stdout, words.join(' ')).toBe(live.stdout);
      expect(index[words.join(' ')]).toBe(live.stdout);
    }
    // what the index does not hold goes to the CLI, which says what is wrong
    const unknown = await run(process.execPath, [bin, 'nope', '--help']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown area "nope"') });
  });

  it('has a working mts bin', async () => {
    const { stdout } = await run(process.execPath, [`${projectRoot}${pkg.bin.mts}`, '--version'], {
      cwd: projectRoot,
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('the packed tarball', () => {
  let dir: string;
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mts-pack-'));
    // dist/ is already built by `npm test`; --ignore-scripts keeps prepack from building it again
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: projectRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    if (!packed) throw new Error('npm pack listed nothing');
    tarball = join(dir, packed.filename);
    files = packed.files.map((file) => file.path);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ships the built files, the licence and the README, and no build state or source maps', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/mts.js',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'LICENSE',
        'README.md',
      ]),
    );
    expect(files.filter((file) => file.includes('tsbuildinfo') || file.endsWith('.map'))).toEqual([]);
    expect(files.filter((file) => /^(src|test|bench|examples)\//.test(file))).toEqual([]);
  });

  it('runs no script when a consumer installs it', async () => {
    const packedJson = JSON.parse(
      (await run('tar', ['-xOzf', tarball, 'package/package.json'], { cwd: dir })).stdout,
    ) as { scripts?: Record<string, string>; license: string };
    const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'];
    expect(Object.keys(packedJson.scripts ?? {}).filter((name) => lifecycle.includes(name))).toEqual([]);
    expect(packedJson.license).toBe('GPL-3.0-or-later');
    const licence = (await run('tar', ['-xOzf', tarball, 'package/LICENSE'], { cwd: dir })).stdout;
    expect(licence).toContain('GPL-3.0-or-later');
    expect(licence).toContain('https://www.gnu.org/licenses/gpl-3.0.txt');
  });

  it('works in a consumer project as shipped: every entry point imports and the mts bin runs', async () => {
    // the consumer's own node_modules holds the unpacked tarball; its dependencies resolve from the parent folder
    const consumer = join(dir, 'consumer');
    const installed = join(consumer, 'node_modules', 'moodle-totara-sdk');
    await mkdir(installed, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    await symlink(join(projectRoot, 'node_modules'), join(dir, 'node_modules'));
    const entries = Object.keys(pkg.exports).filter((subpath) => subpath !== './package.json');
    const script = entries
      .map((subpath) => `await import('moodle-totara-sdk${subpath === '.' ? '' : subpath.slice(1)}');`)
      .join(' ');
    await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
    const version = await run(process.execPath, [join(installed, 'bin/mts.js'), '--version'], {
      cwd: consumer,
    });
    expect(version.stdout.trim()).toBe(
      JSON.parse(await readFile(`${projectRoot}package.json`, 'utf8')).version,
    );
    const help = await run(process.execPath, [join(installed, 'bin/mts.js'), 'moodle', '--help'], {
      cwd: consumer,
    });
    expect(help.stdout).toMatch(/^Usage: mts moodle/);
  }, 60_000);

  it('passes publint and Are the Types Wrong (ESM only)', async () => {
    const { publint } = await import('publint');
    const bytes = await readFile(tarball);
    const { messages } = await publint({
      pack: {
        tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      },
      strict: true,
    });
    expect(messages).toEqual([]);
    // exits non-zero on any problem the esm-only profile counts (node10 and require() are out of scope)
    const { stdout } = await run(
      join(projectRoot, 'node_modules/.bin/attw'),
      [tarball, '--profile', 'esm-only', '--format', 'json'],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
    );
    const problems = Object.values(
      (JSON.parse(stdout) as { problems: Record<string, Array<{ resolutionKind?: string }>> }).problems,
    ).flat();
    expect(
      problems.filter((p) => p.resolutionKind === 'node16-esm' || p.resolutionKind === 'bundler'),
    ).toEqual([]);
  }, 120_000);
});
