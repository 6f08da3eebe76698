import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/http.js';
import { tempConfigDir } from './helpers.js';

describe('mts repl -e and piped input', () => {
  it('prints the result of -e as JSON with --json and exits 0', async () => {
    const config = await tempConfigDir();
    try {
      const run = await runCli(
        ['repl', '--json', '-e', 'await moodle.call("core_webservice_get_site_info")'],
        {
          MTS_CONFIG_DIR: config.dir,
        },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const info = JSON.parse(run.stdout) as { release: string; functions: unknown[] };
      expect(info.release).toMatch(/^4\.5/);
      expect(run.stdout).not.toContain('sandbox0000000000000000000000moodle');
    } finally {
      await config.cleanup();
    }
  });

  it('runs piped input line by line, multi-line statements included, and stops with exit 1 at the first failure', async () => {
    const config = await tempConfigDir();
    try {
      const script = [
        'function double(x) {',
        '  return x * 2',
        '}',
        'double(21)',
        'missing.value',
        'double(50)',
        '',
      ].join('\n');
      const run = await runCli(['repl'], { MTS_CONFIG_DIR: config.dir }, script);
      expect(run.code).toBe(1);
      expect(run.stdout.trim()).toBe('42');
      expect(run.stderr).toContain('line 5: error: ReferenceError: missing is not defined');
      expect(run.stdout).not.toContain('100');
    } finally {
      await config.cleanup();
    }
  });

  it('reports a typed SDK error with its code and hint on stderr', async () => {
    const site = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          exception: 'moodle_exception',
          errorcode: 'invalidtoken',
          message: 'Invalid token - token not found',
        }),
      );
    });
    const config = await tempConfigDir();
    try {
      const env = {
        MTS_CONFIG_DIR: config.dir,
        MTS_MOODLE_URL: site.url,
        MTS_MOODLE_TOKEN: 'bad-token-1234567',
      };
      const run = await runCli(['repl', '-e', 'await moodle.call("core_webservice_get_site_info")'], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('code: moodle.invalid_token');
      expect(run.stderr).toContain('hint:');
      expect(run.stderr).not.toContain('bad-token-1234567');
    } finally {
      await site.close();
      await config.cleanup();
    }
  });

  it('refuses a write function in read-only mode without sending it, and sends it with --write', async () => {
    const site = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[{"id": 9, "username": "made"}]');
    });
    const config = await tempConfigDir();
    try {
      const env = {
        MTS_CONFIG_DIR: config.dir,
        MTS_MOODLE_URL: site.url,
        MTS_MOODLE_TOKEN: 'tok-1234567',
        MTS_PRODUCTION: '1',
      };
      const code =
        'await moodle.call("core_user_create_users", { users: [{ username: "made", password: "Pw-123456789", firstname: "a", lastname: "b", email: "a@b.c" }] })';
      const refused = await runCli(['repl', '-e', code], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('repl.read_only');
      // -e runs one statement: the hint names what works here (--write), never .confirm
      expect(refused.stderr).toContain('add --write');
      expect(refused.stderr).not.toContain('Type .confirm');
      const piped = await runCli(['repl'], env, `${code}\n.confirm\n`);
      expect(piped.code).toBe(1);
      expect(piped.stderr).toContain('put .readonly off before the writes');
      expect(piped.stderr).not.toContain('Type .confirm');
      expect(site.requests).toHaveLength(0);
      const allowed = await runCli(['repl', '--write', '--json', '-e', code], env);
      expect(allowed.code).toBe(0);
      expect(site.requests).toHaveLength(1);
      expect(JSON.parse(allowed.stdout)).toEqual([{ id: 9, username: 'made' }]);
    } finally {
      await site.close();
      await config.cleanup();
    }
  });

  it('refuses a batch that holds a write function in read-only mode, and a GraphQL mutation', async () => {
    const site = await startTestServer((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const config = await tempConfigDir();
    try {
      const env = {
        MTS_CONFIG_DIR: config.dir,
        MTS_MOODLE_URL: site.url,
        MTS_MOODLE_TOKEN: 'tok-1234567',
        MTS_TOTARA_URL: site.url,
        MTS_TOTARA_CLIENT_ID: 'id',
        MTS_TOTARA_CLIENT_SECRET: 'secret-1234567',
      };
      const batch = await runCli(
        [
          'repl',
          '--read-only',
          '-e',
          'await moodle.batch([{ fn: "core_webservice_get_site_info" }, { fn: "core_user_delete_users", params: { userids: [5] } }])',
        ],
        env,
      );
      expect(batch.code).toBe(1);
      expect(batch.stderr).toContain(
        'Refused batch of core_webservice_get_site_info, core_user_delete_users',
      );
      const mutation = await runCli(
        [
          'repl',
          '--read-only',
          '-e',
          'await totara.request("mutation drop_user { core_user_delete_user(target_user: { id: 5 }) { user_id } }")',
        ],
        env,
      );
      expect(mutation.code).toBe(1);
      expect(mutation.stderr).toContain('Refused mutation drop_user');
      expect(site.requests).toHaveLength(0);
    } finally {
      await site.close();
      await config.cleanup();
    }
  });

  it('runs dot-commands from -e: .describe shows a function from the definitions table', async () => {
    const config = await tempConfigDir();
    try {
      const run = await runCli(['repl', '-e', '.describe core_course_get_courses_by_field'], {
        MTS_CONFIG_DIR: config.dir,
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('core_course_get_courses_by_field (read)');
      expect(run.stdout).toMatch(/field: alpha/);
      const unknown = await runCli(['repl', '-e', '.describe no_such_function_at_all'], {
        MTS_CONFIG_DIR: config.dir,
      });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('repl.unknown_name');
    } finally {
      await config.cleanup();
    }
  });
});

describe('piped input in the GraphQL mode', () => {
  it('runs a multi-line document after .gql and prints its data as JSON', async () => {
    const config = await tempConfigDir();
    try {
      const script = ['.gql', 'query status_now {', '  totara_webapi_status { status }', '}', ''].join('\n');
      const run = await runCli(['repl', '--json'], { MTS_CONFIG_DIR: config.dir }, script);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('"status": "ok"');
    } finally {
      await config.cleanup();
    }
  });
});
