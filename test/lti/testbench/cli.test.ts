/** `mts lti tool` and `mts lti platform` as a user runs them: JSON lines for CI, help for people, clear refusals. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { generateToolKey } from '../../../src/lti/index.js';
import { simulateLaunch } from '../../../src/sandbox/lti/index.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/server.js';
import { runCli } from '../../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-tool-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `mts ARGS` in-process with a stdin the test closes, and the stdout lines as they come. */
function start(args: string[]) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  stdout.on('data', (chunk) => {
    buffer += String(chunk);
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, at));
      buffer = buffer.slice(at + 1);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  let err = '';
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  const done = main(args, {
    stdin,
    stdout,
    stderr,
    env: { PATH: process.env.PATH, MTS_CONFIG_DIR: dir, MTS_SANDBOX_EXIT_ON_EOF: '1' },
  });
  return {
    lines,
    stderr: () => err,
    async line(index: number): Promise<string> {
      while (lines.length <= index) await new Promise<void>((resolve) => waiters.push(resolve));
      return lines[index] as string;
    },
    async stop(): Promise<number> {
      stdin.end();
      return done;
    },
  };
}

describe('mts lti tool --json', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox?.close());

  it('prints its URLs on the first line, then one JSON line per registration and launch', async () => {
    const run = start(['lti', 'tool', '--json']);
    const first = JSON.parse(await run.line(0)) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining(['url', 'registrationUrl', 'loginUrl', 'redirectUris', 'jwksUrl']),
    );
    expect(first.dataDir).toBe(join(dir, 'lti-tool'));
    expect(first.keyOrigin).toBe('generated');
    const registered = (await (
      await fetch(sandbox.lti.registerUrl, {
        method: 'POST',
        body: JSON.stringify({ url: first.registrationUrl }),
      })
    ).json()) as { tool: { clientId: string } };
    expect(JSON.parse(await run.line(1))).toMatchObject({ event: 'registration', valid: true, code: null });
    await simulateLaunch({ platformUrl: sandbox.url, launch: { clientId: registered.tool.clientId } });
    await simulateLaunch({
      platformUrl: sandbox.url,
      launch: { clientId: registered.tool.clientId, faults: { expired: true } },
    });
    expect(JSON.parse(await run.line(2))).toMatchObject({ event: 'launch', valid: true, code: null });
    expect(JSON.parse(await run.line(3))).toMatchObject({
      event: 'launch',
      valid: false,
      code: 'lti.token_expired',
    });
    expect(await run.stop()).toBe(0);
    expect(run.lines.every((l) => !l.includes('eyJ'))).toBe(true);
    // The second run starts on the same port with the same key and knows the platform.
    const again = start(['lti', 'tool', '--json']);
    const second = JSON.parse(await again.line(0)) as Record<string, unknown>;
    expect(second).toMatchObject({ url: first.url, keyId: first.keyId, keyOrigin: 'stored' });
    expect(second.registrations).toEqual([expect.objectContaining({ clientId: registered.tool.clientId })]);
    expect(await again.stop()).toBe(0);
  });
});

describe('mts lti tool / platform refusals and help', () => {
  it('a --key that does not exist is a coded error naming the path', async () => {
    const run = await runCli([
      'lti',
      'tool',
      '--key',
      join(dir, 'missing.pem'),
      '--data-dir',
      join(dir, 'k'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('lti_tool.key_missing');
    expect(run.stderr).toContain('missing.pem');
  });

  it('a --key that is not a key says so', async () => {
    const file = join(dir, 'not-a-key.pem');
    await writeFile(file, '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n');
    const run = await runCli(['lti', 'tool', '--key', file, '--data-dir', join(dir, 'k2')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('lti_tool.key_invalid');
  });

  it('a --key readable by other users is used, with a warning to chmod it', async () => {
    const file = join(dir, 'shared-key.pem');
    await writeFile(file, await (await generateToolKey({ kid: 'k1' })).exportPrivatePem(), { mode: 0o644 });
    const run = start(['lti', 'tool', '--json', '--key', file, '--data-dir', join(dir, 'k3')]);
    expect(JSON.parse(await run.line(0))).toMatchObject({ keyOrigin: 'file' });
    expect(run.stderr()).toContain('chmod 600');
    expect(await run.stop()).toBe(0);
  });

  it('bad flags are usage errors (exit 2)', async () => {
    expect((await runCli(['lti', 'tool', '--public-url', 'ftp://x'])).code).toBe(2);
    expect((await runCli(['lti', 'tool', '--port', 'eighty'])).code).toBe(2);
    const launch = await runCli(['lti', 'platform', '--launch', 'learner']);
    expect([launch.code, launch.stderr]).toEqual([2, expect.stringContaining('--launch needs --register')]);
    const role = await runCli(['lti', 'platform', '--register', 'http://x', '--launch', 'admin']);
    expect(role.code).toBe(2);
  });

  it('--help explains every flag of both commands', async () => {
    const tool = await runCli(['lti', 'tool', '--help']);
    for (const flag of ['--port', '--data-dir', '--key', '--name', '--public-url', '--json'])
      expect(tool.stdout).toMatch(new RegExp(`${flag} .*\\S`));
    expect(tool.stdout).toContain('Add LTI');
    const platform = await runCli(['lti', 'platform', '--help']);
    for (const flag of [
      '--port',
      '--tool',
      '--token-lifetime-ms',
      '--register',
      '--launch',
      '--custom',
      '--once',
    ])
      expect(platform.stdout).toMatch(new RegExp(`${flag} .*\\S`));
    expect(platform.stdout).toContain('enrol/lti/register.php');
  });
});
