/** The client against servers that misbehave the way Totara sites do, on loopback. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  TotaraAuthError,
  TotaraClient,
  TotaraInternalError,
  TotaraRateLimitError,
  type TotaraWaitEvent,
} from '../../src/totara/index.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const tokenBody = (n: number) => ({
  token_type: 'Bearer',
  expires_in: 3600,
  access_token: `tok-${n}-abcdefghijkl`,
});
const fast = { minDelayMs: 1, maxDelayMs: 5 };
const STATUS = 'query status_check { totara_webapi_status { status } }';
const MUTATION =
  'mutation touch_user($u: core_user_user_reference!) { core_user_update_user(target_user: $u, input: {}) { user { id } } }';

function client(url: string): TotaraClient {
  return new TotaraClient({ url, clientId: 'cid', clientSecret: 'client-secret-fault-123', retry: fast });
}

describe('TotaraClient against fault-injecting servers', () => {
  it('reads a token error sent as HTTP 200 {error, error_description}', async () => {
    server = await startTestServer((_req, res) =>
      json(res, 200, { error: 'invalid_client', error_description: 'Client authentication failed' }),
    );
    const error = await client(server.url)
      .token()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraAuthError);
    expect((error as TotaraAuthError).code).toBe('totara.auth.token');
    expect((error as TotaraAuthError).message).toContain('invalid_client');
    const seen = server.requests[0];
    expect(seen?.url).toBe('/totara/oauth2/token.php');
    expect(seen?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(new URLSearchParams(seen?.body).get('grant_type')).toBe('client_credentials');
  });

  it('reports the expiry the server gave and sends the token as a Bearer header', async () => {
    server = await startTestServer((req, res, i) => {
      if (req.url?.startsWith('/totara/oauth2')) return json(res, 200, { ...tokenBody(i), expires_in: 120 });
      json(res, 200, { data: { totara_webapi_status: { status: 'ok' } } });
    });
    const c = client(`${server.url}/`);
    const before = Date.now();
    const token = await c.token();
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 119_000);
    await c.request(STATUS);
    const call = server.requests[1];
    expect(call?.url).toBe('/api/graphql.php');
    expect(call?.headers.authorization).toBe('Bearer tok-0-abcdefghijkl');
    expect(JSON.parse(call?.body ?? '{}')).toMatchObject({ operationName: 'status_check' });
  });

  it('fetches a token again once after an opaque failure at debug level NONE, then fails as an auth error', async () => {
    let graphqlCalls = 0;
    server = await startTestServer((req, res, i) => {
      if (req.url?.startsWith('/totara/oauth2')) return json(res, 200, tokenBody(i));
      graphqlCalls++;
      json(res, 200, {
        errors: [{ message: 'Internal server error', extensions: { category: 'internal' } }],
        error: 'Internal server error',
      });
    });
    const error = await client(server.url)
      .request(STATUS)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraAuthError);
    expect((error as TotaraAuthError).code).toBe('totara.auth');
    expect((error as TotaraAuthError).hint).toMatch(/debug level/);
    expect(graphqlCalls).toBe(2);
    expect(server.requests.filter((r) => r.url.startsWith('/totara/oauth2'))).toHaveLength(2);
  });

  it('recovers when the fresh token works', async () => {
    server = await startTestServer((req, res, i) => {
      if (req.url?.startsWith('/totara/oauth2')) return json(res, 200, tokenBody(i));
      if (req.headers.authorization === 'Bearer tok-0-abcdefghijkl') {
        return json(res, 200, {
          errors: [
            {
              message: 'Internal server error',
              extensions: { category: 'internal', debugMessage: 'Missing, expired or invalid access token.' },
            },
          ],
        });
      }
      json(res, 200, { data: { totara_webapi_status: { status: 'ok' } } });
    });
    const data = await client(server.url).request<{ totara_webapi_status: { status: string } }>(STATUS);
    expect(data.totara_webapi_status.status).toBe('ok');
  });

  it('on 429 waits out the rate window once before sending a query again, and says how long', async () => {
    let graphqlCalls = 0;
    const times: number[] = [];
    server = await startTestServer((req, res, i) => {
      if (req.url?.startsWith('/totara/oauth2')) return json(res, 200, tokenBody(i));
      graphqlCalls++;
      times.push(Date.now());
      if (graphqlCalls === 1)
        return json(res, 429, { errors: [{ message: 'Too many requests' }], error: 'Too many requests' });
      json(res, 200, { data: { totara_webapi_status: { status: 'ok' } } });
    });
    const waits: TotaraWaitEvent[] = [];
    const c = new TotaraClient({
      url: server.url,
      clientId: 'cid',
      clientSecret: 'client-secret-fault-123',
      rateLimitWindowMs: 300,
      onWait: (event) => waits.push(event),
    });
    await c.request(STATUS);
    expect(graphqlCalls).toBe(2);
    expect(waits).toEqual([{ reason: 'rate_limited', waitMs: 300, operationName: 'status_check' }]);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it('reports a second 429 with the time it waited, and never retries a mutation', async () => {
    let graphqlCalls = 0;
    server = await startTestServer((req, res, i) => {
      if (req.url?.startsWith('/totara/oauth2')) return json(res, 200, tokenBody(i));
      graphqlCalls++;
      json(res, 429, { errors: [{ message: 'Too many requests' }], error: 'Too many requests' });
    });
    const c = new TotaraClient({
      url: server.url,
      clientId: 'cid',
      clientSecret: 'client-secret-fault-123',
      rateLimitWindowMs: 100,
    });
    const query = await c.request(STATUS).catch((e: unknown) => e);
    expect(query).toBeInstanceOf(TotaraRateLimitError);
    expect((query as TotaraRateLimitError).message).toContain('again after waiting 0.1 s');
    expect((query as TotaraRateLimitError).details).toMatchObject({ waitedMs: 100, windowMs: 100 });
    expect(graphqlCalls).toBe(2);
    const error = await client(server.url)
      .request(MUTATION, { u: { id: '5' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraRateLimitError);
    expect((error as TotaraRateLimitError).message).toContain('not retried');
    expect((error as TotaraRateLimitError).hint).toMatch(/60 s/);
    expect(graphqlCalls).toBe(3);
  });

  it('keeps variables and the token out of an error when a response is not GraphQL', async () => {
    server = await startTestServer((req, res, i) => {
      if (req.url?.startsWith('/totara/oauth2')) return json(res, 200, tokenBody(i));
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><title>Bad gateway</title></html>');
    });
    const error = await client(server.url)
      .request(MUTATION, { u: { username: 'Priv4te-Username-Value' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraInternalError);
    expect((error as TotaraInternalError).code).toBe('totara.http_status');
    const text = JSON.stringify({
      m: (error as Error).message,
      j: (error as TotaraInternalError).toJSON(),
      s: (error as Error).stack,
    });
    expect(text).not.toContain('Priv4te-Username-Value');
    expect(text).not.toContain('tok-0-abcdefghijkl');
  });

  it('turns a slow answer into transport.timeout and a caller abort into transport.aborted', async () => {
    server = await startTestServer(async (req, res, i) => {
      if (req.url?.startsWith('/totara/oauth2')) return json(res, 200, tokenBody(i));
      await new Promise((r) => setTimeout(r, 400));
      json(res, 200, { data: { totara_webapi_status: { status: 'ok' } } });
    });
    const c = new TotaraClient({
      url: server.url,
      clientId: 'cid',
      clientSecret: 'client-secret-fault-123',
      retry: false,
    });
    const late = await c.request(STATUS, {}, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect((late as { code?: string }).code).toBe('transport.timeout');
    const controller = new AbortController();
    const pending = c.request(STATUS, {}, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    expect(((await pending) as { code?: string }).code).toBe('transport.aborted');
  });
});
