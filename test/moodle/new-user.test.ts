/**
 * What a new user meets first, found by QA: every parameter issue shown in the terminal, did-you-mean for keys and
 * function names (before sending, and when the site itself says a function does not exist), missing settings named
 * with their environment variables, why a file cannot be uploaded, and where a download goes.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MoodleClient, type MoodleInputError } from '../../src/moodle/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/http.js';

let sandbox: Sandbox;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'mts-moodle-new-user-'));
  env = { MTS_MOODLE_URL: sandbox.moodle.url, MTS_MOODLE_TOKEN: sandbox.moodle.token };
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

const RESOURCE = '/pluginfile.php/2003/mod_resource/content/0/resource1.txt';

async function inDirectory<T>(path: string, work: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(path);
  try {
    return await work();
  } finally {
    process.chdir(before);
  }
}

describe('parameter issues', () => {
  it('human output lists every issue on its own line, with a did-you-mean for a misspelt key', async () => {
    const run = await runCli(
      ['moodle', 'call', 'core_user_get_users_by_field', 'field=username', 'value[0]=admin'],
      env,
    );
    expect(run.code).toBe(1);
    const lines = run.stderr.split('\n');
    expect(lines.some((l) => /value is not a parameter here; did you mean values\?/.test(l))).toBe(true);
    expect(lines.some((l) => /^\s+- values is required/.test(l))).toBe(true);
    expect(run.stderr).not.toContain('(and 1 more)');
    expect(run.stderr).not.toContain('`issues`');
  });

  it('--json carries each issue with its path and the suggestion', async () => {
    const run = await runCli(
      ['moodle', 'call', 'core_user_get_users_by_field', 'field=username', 'value[0]=admin', '--json'],
      env,
    );
    const { error } = JSON.parse(run.stdout) as {
      error: { code: string; issues: Array<{ code: string; path: string; suggestion?: string }> };
    };
    expect(error.code).toBe('moodle.invalid_params');
    // In the order Moodle meets them: the description's keys first, then the keys it does not know.
    expect(error.issues).toEqual([
      expect.objectContaining({ code: 'missing', path: 'values' }),
      expect.objectContaining({ code: 'unknown_key', path: 'value', suggestion: 'values' }),
    ]);
  });
});

describe('function names', () => {
  it('refuses a name that looks like a core function before sending, with a did-you-mean', async () => {
    const server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    try {
      const moodle = new MoodleClient({ url: server.url, token: 'token0123456789' });
      // Names held in strings (computed, or from a JS caller) reach the check made at run time.
      const names: Array<[string, string]> = [
        ['core_usr_get_users', 'core_user_get_users'],
        ['mod_assing_get_assignments', 'mod_assign_get_assignments'],
      ];
      for (const [name, meant] of names) {
        const error = (await moodle.call(name).catch((e: unknown) => e)) as MoodleInputError;
        expect(error.code, name).toBe('moodle.unknown_function');
        expect(error.hint).toContain(meant);
      }
      expect(server.requests).toHaveLength(0);
      expect(await moodle.call('local_acme_sync', {})).toEqual({ ok: true });
    } finally {
      await server.close();
    }
  });

  it("says a function does not exist on the site when the site says so, with the table's did-you-mean", async () => {
    const moodle = new MoodleClient({
      url: sandbox.moodle.url,
      token: sandbox.moodle.token,
      functions: false,
    });
    const misspelt: string = 'core_usr_get_users';
    const error = (await moodle.call(misspelt).catch((e: unknown) => e)) as MoodleInputError;
    expect(error.code).toBe('moodle.unknown_function');
    expect(error.errorcode).toBe('invalidrecord');
    expect(error.message).toBe(`The function "core_usr_get_users" does not exist on ${sandbox.moodle.url}.`);
    expect(error.message).not.toMatch(/data record|external_functions/);
    expect(error.hint).toContain('Did you mean core_user_get_users');
  });
});

describe('settings', () => {
  it('a call without a URL names the settings and variables, and suggests no option the command lacks', async () => {
    const run = await runCli(['moodle', 'call', 'core_webservice_get_site_info', '--json'], {});
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('config.missing');
    expect(error.message).toContain('moodleUrl');
    expect(error.message).toContain('moodleToken');
    expect(error.hint).toContain('MTS_MOODLE_URL');
    expect(error.hint).toContain('MTS_MOODLE_TOKEN');
    expect(error.hint).not.toContain('--url');
  });
});

describe('upload', () => {
  it('says why a file cannot be read, with a hint', async () => {
    const missing = join(dir, 'nonexist.txt');
    const run = await runCli(['moodle', 'upload', missing, '--json'], env);
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string; hint?: string } };
    expect(error.code).toBe('moodle.file_unreadable');
    expect(error.message).toBe(`${missing} does not exist.`);
    expect(error.hint).toBeTruthy();
    const folder = await runCli(['moodle', 'upload', dir, '--json'], env);
    expect((JSON.parse(folder.stdout) as { error: { message: string } }).error.message).toContain(
      'is a folder',
    );
  });

  it.skipIf(process.getuid?.() === 0)('names a permission problem', async () => {
    const locked = join(dir, 'locked.txt');
    await writeFile(locked, 'secret');
    await chmod(locked, 0o000);
    const run = await runCli(['moodle', 'upload', locked, '--json'], env);
    expect((JSON.parse(run.stdout) as { error: { message: string } }).error.message).toContain('permission');
  });
});

describe('download', () => {
  it('names the foreign URL and the site it is not on', async () => {
    const run = await runCli(
      ['moodle', 'download', 'https://other.example/pluginfile.php/1/x/y/0/a.txt?token=abc', '-o', 'x'],
      env,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('https://other.example/pluginfile.php/1/x/y/0/a.txt');
    expect(run.stderr).toContain(sandbox.moodle.url);
    expect(run.stderr).not.toContain('token=abc');
  });

  it("without -o saves under the URL's file name in the current directory, and never over a file unless --force", async () => {
    const here = join(dir, 'cwd');
    await mkdir(here);
    const url = `${sandbox.moodle.url}${RESOURCE}`;
    await inDirectory(here, async () => {
      const first = await runCli(['moodle', 'download', url, '--json'], env);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect((JSON.parse(first.stdout) as { path: string }).path).toBe('resource1.txt');
      expect(await readFile(join(here, 'resource1.txt'), 'utf8')).toBe('The first resource of SDK_XS.\n');
      await writeFile(join(here, 'resource1.txt'), 'mine');
      const again = await runCli(['moodle', 'download', url, '--json'], env);
      expect(again.code).toBe(1);
      expect((JSON.parse(again.stdout) as { error: { code: string } }).error.code).toBe(
        'moodle.output_exists',
      );
      expect(await readFile(join(here, 'resource1.txt'), 'utf8')).toBe('mine');
      const forced = await runCli(['moodle', 'download', url, '--force'], env);
      expect(forced.code).toBe(0);
      expect(await readFile(join(here, 'resource1.txt'), 'utf8')).toBe('The first resource of SDK_XS.\n');
    });
  });

  it('-o - writes the bytes to stdout', async () => {
    const run = await runCli(['moodle', 'download', `${sandbox.moodle.url}${RESOURCE}`, '-o', '-'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The first resource of SDK_XS.\n');
  });
});
