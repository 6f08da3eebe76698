import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type RunningTotara, startTotara } from './sandbox.js';

let totara: RunningTotara;
let env: Record<string, string>;
beforeAll(async () => {
  totara = await startTotara({ users: 12 });
  const info = totara.module.info({ baseUrl: totara.url });
  env = {
    MTS_TOTARA_URL: totara.url,
    MTS_TOTARA_CLIENT_ID: info.clientId,
    MTS_TOTARA_CLIENT_SECRET: info.clientSecret,
  };
});
afterAll(async () => totara?.close());

describe('mts totara token|query', () => {
  it('prints the expiry but not the token unless --show-token', async () => {
    const run = await runCli(['totara', 'token', '--json'], env);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out.tokenType).toBe('Bearer');
    expect(Number.isNaN(Date.parse(String(out.expiresAt)))).toBe(false);
    expect(out.accessToken).toBeUndefined();
    expect(run.stdout).not.toMatch(/[0-9a-f]{48}/);
    const shown = await runCli(['totara', 'token', '--show-token', '--json'], env);
    expect(JSON.parse(shown.stdout).accessToken).toMatch(/^[0-9a-f]{48}$/);
  });

  it('runs a query from text and from @FILE with --variables', async () => {
    const text = await runCli(
      ['totara', 'query', 'query status_check { totara_webapi_status { status } }', '--json'],
      env,
    );
    expect(text.code).toBe(0);
    expect(JSON.parse(text.stdout)).toEqual({ totara_webapi_status: { status: 'ok' } });
    const file = join(tmpdir(), `mts-totara-${process.pid}.graphql`);
    await writeFile(
      file,
      'query list_users($query: core_user_users_query) { core_user_users(query: $query) { items { username } total } }',
    );
    const fromFile = await runCli(
      ['totara', 'query', `@${file}`, '--variables', '{"query":{"pagination":{"limit":2}}}', '--json'],
      env,
    );
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout).core_user_users.items).toHaveLength(2);
  });

  it('refuses a camelCase operation with exit 1 and a coded JSON error', async () => {
    const run = await runCli(
      ['totara', 'query', 'query getStatus { totara_webapi_status { status } }', '--json'],
      env,
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error.code).toBe('totara.operation_name');
  });

  it('refuses a misspelt field before sending, with a did-you-mean; --schema checks against the site, --unchecked sends', async () => {
    const before = totara.module.stats().requests;
    const typo = await runCli(
      ['totara', 'query', 'query status_check { totara_webapi_status { stauts } }', '--json'],
      env,
    );
    expect(typo.code).toBe(1);
    const error = JSON.parse(typo.stdout).error;
    expect(error.code).toBe('totara.invalid_operation');
    expect(error.message).toContain('Did you mean "status"?');
    expect(totara.module.stats().requests).toBe(before);
    const schema = join(tmpdir(), `mts-totara-schema-${process.pid}.graphql`);
    await writeFile(
      schema,
      'type Query { totara_webapi_status: totara_webapi_status }\ntype totara_webapi_status { stauts: String }',
    );
    const own = await runCli(
      [
        'totara',
        'query',
        'query status_check { totara_webapi_status { stauts } }',
        '--schema',
        schema,
        '--json',
      ],
      env,
    );
    // the site's schema knows the field, the real site does not: Totara drops it and the client says so
    expect(JSON.parse(own.stdout).error.code).toBe('totara.field_dropped');
    const unchecked = await runCli(
      [
        'totara',
        'query',
        'query status_check { totara_webapi_status { status stauts } }',
        '--unchecked',
        '--json',
      ],
      env,
    );
    expect(JSON.parse(unchecked.stdout).error.code).toBe('totara.field_dropped');
  });

  it('keeps secrets and variables out of --json errors', async () => {
    const secret = 'Cli-Variable-Secret-42';
    const run = await runCli(
      [
        'totara',
        'query',
        'mutation add_user($input: core_user_create_user_input!) { core_user_create_user(input: $input) { user { id } } }',
        '--variables',
        JSON.stringify({
          input: {
            username: 'api_service',
            email: 'a@example.invalid',
            firstname: 'A',
            lastname: 'B',
            password: secret,
          },
        }),
        '--json',
      ],
      env,
    );
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.stdout + run.stderr).not.toContain(env.MTS_TOTARA_CLIENT_SECRET);
    const bad = await runCli(['totara', 'token', '--json'], {
      ...env,
      MTS_TOTARA_CLIENT_SECRET: 'Wrong-Secret-Value-99',
    });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('totara.auth.token');
    expect(bad.stdout + bad.stderr).not.toContain('Wrong-Secret-Value-99');
  });

  it('names the missing settings', async () => {
    const run = await runCli(['totara', 'token'], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('MTS_TOTARA_URL');
  });
});
