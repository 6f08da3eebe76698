/**
 * Issue 17, items 2 and 3, as a user of `mts` sees them: every command whose server echoes the request prints its
 * error, in text and in `--json`, with `NODE_DEBUG=mts` on, and no form of any secret appears. Each run is a fresh
 * process, so that only what that command registered can mask its secrets.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/fixtures.js';
import type { TestServer } from '../helpers/http.js';
import { type EchoAnswer, leakedSecrets, startEchoServer } from '../helpers/secrets.js';

/** One secret with every awkward character at once (form, percent, JSON, HTML, UTF-8 and base64 all differ). */
const AWKWARD = `P@ss w0rd!"q'\\<&>ünï😀+/=-Unique77`;
/** The same without what an HTTP header cannot carry (for access tokens, sent as `Authorization: Bearer …`). */
const AWKWARD_ASCII = `P@ss w0rd!"q'\\<&>+/=-Unique78`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `mts ARGS` from the sources in a fresh process, with only `env` (and PATH) in its environment. */
function mts(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/repl/tty-entry.ts', ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, MTS_CONFIG_DIR: '/nonexistent-mts-config', NODE_DEBUG: 'mts', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const moodleEcho = (): EchoAnswer => ({
  status: 200,
  shape: 'json',
  json: (echo) => ({ exception: echo, errorcode: echo, message: echo, debuginfo: echo }),
});

interface Case {
  args: string[];
  stdin?: string;
  secrets: string[];
  server: () => Promise<TestServer>;
  env: (url: string) => Record<string, string>;
}

const CASES: Record<string, Case> = {
  'moodle login': {
    args: ['moodle', 'login', '-u', 'admin'],
    stdin: AWKWARD,
    secrets: [AWKWARD],
    server: () => startEchoServer(moodleEcho),
    env: (url) => ({ MTS_MOODLE_URL: url }),
  },
  'moodle call': {
    args: ['moodle', 'call', 'core_webservice_get_site_info'],
    secrets: [AWKWARD],
    server: () => startEchoServer(moodleEcho),
    env: (url) => ({ MTS_MOODLE_URL: url, MTS_MOODLE_TOKEN: AWKWARD }),
  },
  'totara token': {
    args: ['totara', 'token'],
    secrets: [AWKWARD],
    server: () =>
      startEchoServer(() => ({
        status: 400,
        shape: 'json',
        json: (echo) => ({ error: 'invalid_client', error_description: echo, message: echo }),
      })),
    env: (url) => ({
      MTS_TOTARA_URL: url,
      MTS_TOTARA_CLIENT_ID: 'client-1',
      MTS_TOTARA_CLIENT_SECRET: AWKWARD,
    }),
  },
  'totara query': {
    args: ['totara', 'query', 'query status_check { totara_webapi_status { status } }'],
    secrets: [AWKWARD, AWKWARD_ASCII],
    server: () =>
      startEchoServer((req) =>
        req.url?.startsWith('/totara/oauth2/token.php')
          ? { status: 200, shape: 'json', json: () => ({ access_token: AWKWARD_ASCII, expires_in: 3600 }) }
          : {
              status: 200,
              shape: 'json',
              json: (e) => ({
                errors: [{ message: e, extensions: { category: 'internal', debugMessage: e } }],
              }),
            },
      ),
    env: (url) => ({
      MTS_TOTARA_URL: url,
      MTS_TOTARA_CLIENT_ID: 'client-1',
      MTS_TOTARA_CLIENT_SECRET: AWKWARD,
    }),
  },
};

describe.each(Object.entries(CASES))('mts %s against a server that echoes the request', (_name, c) => {
  it.each([
    ['text', []],
    ['--json', ['--json']],
  ] as const)('prints its error as %s with NODE_DEBUG=mts, and no form of a secret', async (_mode, extra) => {
    const server = await c.server();
    servers.push(server);
    const run = await mts([...c.args, ...extra], c.env(server.url), c.stdin);
    expect(run.code, run.stderr).toBe(1);
    expect(server.requests.length, 'the request reached the echo server').toBeGreaterThan(0);
    if (extra.length > 0) {
      const parsed = JSON.parse(run.stdout) as { error: { code: string; message: string } };
      expect(parsed.error.code).toMatch(/^(moodle|totara)\./);
    } else {
      expect(run.stderr).toMatch(/^error: /m);
    }
    expect(run.stderr, 'NODE_DEBUG=mts is on').toMatch(/MTS \d+: request/);
    expect(leakedSecrets(run.stdout, c.secrets), `stdout: ${run.stdout.slice(0, 600)}`).toEqual([]);
    expect(leakedSecrets(run.stderr, c.secrets), `stderr: ${run.stderr.slice(0, 600)}`).toEqual([]);
  });
});
