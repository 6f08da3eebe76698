/**
 * `mts sandbox` as the README shows it, in its own process: with --totara-introspection, `mts totara schema pull`,
 * `mts totara schema show` and `mts codegen totara --url` work against it; without, Totara refuses introspection as
 * real sites do. A port already taken is the person's mistake, reported as such.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/fixtures.js';

interface Started {
  child: ChildProcessWithoutNullStreams;
  totara: { url: string; clientId: string; clientSecret: string };
}

/** `mts sandbox ARGS --json` from the sources; resolves once it printed its URLs. Closing stdin stops it. */
function startCliSandbox(args: string[]): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/repl/tty-entry.ts', 'sandbox', ...args, '--json'],
      {
        cwd: projectRoot,
        env: {
          PATH: process.env.PATH,
          MTS_CONFIG_DIR: '/nonexistent-mts-config',
          MTS_SANDBOX_EXIT_ON_EOF: '1',
        },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      try {
        resolve({ child, ...(JSON.parse(out) as Omit<Started, 'child'>) });
      } catch {
        // not all of the JSON yet
      }
    });
    child.once('exit', (code) => reject(new Error(`mts sandbox exited ${code} before printing its URLs`)));
  });
}

function stop(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    started.child.once('exit', () => resolve());
    started.child.stdin.end();
  });
}

describe('mts sandbox --totara-introspection', () => {
  let open: Started;
  let closed: Started;
  let dir: string;
  beforeAll(async () => {
    [open, closed] = await Promise.all([startCliSandbox(['--totara-introspection']), startCliSandbox([])]);
    dir = await mkdtemp(join(tmpdir(), 'mts-sandbox-cli-'));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([stop(open), stop(closed)]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const env = (started: Started) => ({
    MTS_TOTARA_URL: started.totara.url,
    MTS_TOTARA_CLIENT_ID: started.totara.clientId,
    MTS_TOTARA_CLIENT_SECRET: started.totara.clientSecret,
  });

  it('lets schema pull, schema show and codegen totara --url introspect it', async () => {
    const file = join(dir, 'site.graphql');
    const pull = await runCli(['totara', 'schema', 'pull', '--out', file], env(open));
    expect(pull.code, pull.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('type core_user');
    const show = await runCli(['totara', 'schema', 'show', 'core_user'], env(open));
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('type core_user {');
    const out = join(dir, 'generated');
    const codegen = await runCli(['codegen', 'totara', '--url', open.totara.url, '--out', out], env(open));
    expect(codegen.code, codegen.stderr).toBe(0);
    expect(await readFile(join(out, 'types.ts'), 'utf8')).toContain('core_user');
  }, 60_000);

  it('refuses introspection without the flag, as a Totara site does', async () => {
    const pull = await runCli(
      ['totara', 'schema', 'pull', '--out', join(dir, 'refused.graphql')],
      env(closed),
    );
    expect(pull.code).toBe(1);
    expect(pull.stderr).toMatch(/introspection/i);
  }, 60_000);
});

describe('mts sandbox --port', () => {
  it('reports a port in use as the person’s mistake, with the port and a hint, not as a bug', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    try {
      const run = await runCli(['sandbox', '--port', String(port)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
      expect(run.stderr).toContain('code: os.address_in_use');
      expect(run.stderr).toContain('hint:');
      expect(run.stderr).not.toContain('bug in mts');
      const json = await runCli(['sandbox', '--port', String(port), '--json']);
      expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'os.address_in_use', port });
    } finally {
      taken.close();
    }
  });

  it('takes only a port number', async () => {
    const run = await runCli(['sandbox', '--port', '70000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port takes a whole number from 0 to 65535, not "70000".');
  });
});
