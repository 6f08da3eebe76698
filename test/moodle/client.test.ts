import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '../../src/core/errors.js';
import {
  MoodleClient,
  type MoodleInputError,
  MoodleResponseError,
  MoodleValidationError,
} from '../../src/moodle/index.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOKEN = 'clientTestToken0123456789abcdef';
const fast = { minDelayMs: 1, maxDelayMs: 5 };

function json(
  res: import('node:http').ServerResponse,
  value: unknown,
  status = 200,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

describe('MoodleClient against fault-injecting servers', () => {
  it('posts the token in the body to the sub-path, never in the URL', async () => {
    server = await startTestServer((_req, res) => json(res, { sitename: 'x' }));
    const client = new MoodleClient({ url: `${server.url}/moodle/`, token: TOKEN });
    await client.call('core_webservice_get_site_info', {}, { lang: 'fr', filter: true });
    const seen = server.requests[0];
    expect(seen?.url).toBe('/moodle/webservice/rest/server.php');
    expect(seen?.method).toBe('POST');
    expect(seen?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const body = new URLSearchParams(seen?.body);
    expect(body.get('wstoken')).toBe(TOKEN);
    expect(body.get('wsfunction')).toBe('core_webservice_get_site_info');
    expect(body.get('moodlewsrestformat')).toBe('json');
    expect(body.get('moodlewssettinglang')).toBe('fr');
    expect(body.get('moodlewssettingfilter')).toBe('1');
  });

  it('retries a read function on 503 and on 429 with Retry-After', async () => {
    server = await startTestServer((_req, res, index) => {
      if (index === 0) json(res, {}, 503);
      else if (index === 1) json(res, {}, 429, { 'retry-after': '0' });
      else json(res, [{ id: 2, fullname: 'A' }]);
    });
    const client = new MoodleClient({ url: server.url, token: TOKEN, retry: fast });
    const users = await client.call('core_user_get_users_by_field', { field: 'id', values: ['2'] });
    expect(users[0]?.id).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it('never retries a write function', async () => {
    server = await startTestServer((_req, res) => json(res, {}, 503));
    const client = new MoodleClient({ url: server.url, token: TOKEN, retry: fast });
    const error = await client.call('core_user_delete_users', { userids: [9] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleResponseError);
    expect(server.requests).toHaveLength(1);
  });

  it('turns a deadline into transport.timeout without the token', async () => {
    server = await startTestServer(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 400));
      json(res, {});
    });
    const client = new MoodleClient({ url: server.url, token: TOKEN, timeoutMs: 50, retry: false });
    const error = (await client
      .call('core_webservice_get_site_info')
      .catch((e: unknown) => e)) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('transport.timeout');
    expect(JSON.stringify({ m: error.message, r: error.request, h: error.hint })).not.toContain(TOKEN);
  });

  it('checks parameters locally, naming each issue by path, before any request', async () => {
    server = await startTestServer((_req, res) => json(res, []));
    const client = new MoodleClient({ url: server.url, token: TOKEN });
    const error = (await client
      .call('core_user_create_users', {
        users: [{ username: 'ann', firstname: 'A', lastname: 'B', email: 5, bogus: 1 } as never],
      })
      .catch((e: unknown) => e)) as MoodleValidationError;
    expect(error).toBeInstanceOf(MoodleValidationError);
    const paths = error.issues.map((i) => `${i.code}:${i.path}`);
    expect(paths).toContain('unknown_key:users[0].bogus');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a misspelt core function with a did-you-mean, but passes a plugin function through', async () => {
    server = await startTestServer((_req, res) => json(res, { ok: true }));
    const client = new MoodleClient({ url: server.url, token: TOKEN });
    // A name held in a string (computed, or from a JS caller) reaches the check made at run time.
    const misspelt: string = 'core_user_get_user_by_field';
    const error = (await client.call(misspelt).catch((e: unknown) => e)) as MoodleInputError;
    expect(error.code).toBe('moodle.unknown_function');
    expect(error.hint).toContain('core_user_get_users_by_field');
    expect(await client.call('local_acme_sync', { ids: [1] })).toEqual({ ok: true });
    expect(server.requests).toHaveLength(1);
  });

  it('surfaces warnings to the listener', async () => {
    server = await startTestServer((_req, res) =>
      json(res, {
        warnings: [{ item: 'user', itemid: 99, warningcode: 'invaliduserid', message: 'Invalid user ID' }],
      }),
    );
    const seen: string[] = [];
    const client = new MoodleClient({
      url: server.url,
      token: TOKEN,
      onWarning: (w, fn) => seen.push(`${fn}:${w.warningcode}`),
    });
    await client.call('core_user_update_users', { users: [{ id: 99, firstname: 'X' }] });
    expect(seen).toEqual(['core_user_update_users:invaliduserid']);
  });

  it('never shows the token in console.log or JSON, and refuses a token in the URL', () => {
    const client = new MoodleClient({ url: 'https://lms.example.org/moodle', token: TOKEN });
    expect(inspect(client)).not.toContain(TOKEN);
    expect(JSON.stringify(client)).not.toContain(TOKEN);
    expect(client.url).toBe('https://lms.example.org/moodle');
    expect(() => new MoodleClient({ url: `https://lms.example.org/?wstoken=${TOKEN}` })).toThrow(
      /tokens must not appear/,
    );
    expect(() => new MoodleClient({ url: 'https://x', tokn: 'y' } as never)).toThrow(/Unknown option "tokn"/);
  });

  it('refuses a call too large for max_input_vars that cannot be split', async () => {
    server = await startTestServer((_req, res) => json(res, {}));
    const client = new MoodleClient({ url: server.url, token: TOKEN, maxInputVars: 10 });
    const error = (await client
      .call('core_user_get_users', {
        criteria: Array.from({ length: 20 }, () => ({ key: 'id', value: '1' })),
      })
      .catch((e: unknown) => e)) as MoodleInputError;
    expect(error.code).toBe('moodle.too_many_input_vars');
    expect(server.requests).toHaveLength(0);
  });
});
