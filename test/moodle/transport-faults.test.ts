/**
 * What a caller relies on when a Moodle answer goes wrong half-way: the deadline covers the body too, an abort is
 * an abort (not a network error), a dropped connection is retried only for read functions, and a caller's
 * long-lived AbortSignal is left without listeners once a call is over.
 */
import { getEventListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportError } from '../../src/core/errors.js';
import { MoodleClient } from '../../src/moodle/index.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOKEN = 'faultTestToken0123456789abcdef';
const SITE = { sitename: 'Faults', userid: 2 };

/** Sends the headers and half of a JSON body, then stalls. */
function stallMidBody(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
  res.write('{"sitename":"Fau');
}

describe('Moodle calls when the answer stops half-way', () => {
  it('times out while the body is still arriving (the deadline covers the body)', async () => {
    server = await startTestServer((_req, res) => stallMidBody(res));
    const client = new MoodleClient({ url: server.url, token: TOKEN, timeoutMs: 100, retry: false });
    const error = (await client
      .call('core_webservice_get_site_info')
      .catch((e: unknown) => e)) as TransportError;
    expect(error.code).toBe('transport.timeout');
    expect(JSON.stringify(error.request)).not.toContain(TOKEN);
  });

  it('reports a caller abort during the body as transport.aborted', async () => {
    server = await startTestServer((_req, res) => stallMidBody(res));
    const client = new MoodleClient({ url: server.url, token: TOKEN, retry: false });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = (await client
      .call('core_webservice_get_site_info', {}, { signal: controller.signal })
      .catch((e: unknown) => e)) as TransportError;
    expect(error.code).toBe('transport.aborted');
  });

  it('sends nothing when the signal is already aborted', async () => {
    server = await startTestServer((_req, res) => {
      res.end(JSON.stringify(SITE));
    });
    const client = new MoodleClient({ url: server.url, token: TOKEN });
    const error = (await client
      .call('core_webservice_get_site_info', {}, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e)) as TransportError;
    expect(error.code).toBe('transport.aborted');
    expect(server.requests).toHaveLength(0);
  });

  it('retries a read function whose connection dropped, never a write function', async () => {
    server = await startTestServer((req, res, index) => {
      if (index === 0 || req.body.includes('core_user_delete_users')) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(SITE));
    });
    const client = new MoodleClient({
      url: server.url,
      token: TOKEN,
      retry: { minDelayMs: 1, maxDelayMs: 5 },
    });
    expect(await client.call('core_webservice_get_site_info')).toEqual(SITE);
    expect(server.requests).toHaveLength(2);
    const error = (await client
      .call('core_user_delete_users', { userids: [5] })
      .catch((e: unknown) => e)) as TransportError;
    expect(error.code).toBe('transport.network');
    expect(server.requests).toHaveLength(3);
  });

  it("leaves no listener on the caller's signal once calls are over, answered or failed", async () => {
    server = await startTestServer((_req, res, index) => {
      res.writeHead(index === 1 ? 500 : 200, { 'content-type': 'application/json' });
      res.end(index === 1 ? '<html>oops</html>' : JSON.stringify(SITE));
    });
    const client = new MoodleClient({ url: server.url, token: TOKEN, retry: false });
    const controller = new AbortController();
    const { signal } = controller;
    expect(await client.call('core_webservice_get_site_info', {}, { signal })).toEqual(SITE);
    await client.call('core_webservice_get_site_info', {}, { signal }).catch(() => undefined);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    controller.abort();
    expect(await client.call('core_webservice_get_site_info').then(() => 'ok')).toBe('ok');
  });

  it('leaves no deadline timer behind once answers are read, so a script exits at once', async () => {
    server = await startTestServer((_req, res, index) => {
      res.writeHead(index % 2 === 0 ? 200 : 502, { 'content-type': 'application/json' });
      res.end(index % 2 === 0 ? JSON.stringify(SITE) : 'bad gateway');
    });
    const client = new MoodleClient({ url: server.url, token: TOKEN, timeoutMs: 600_000, retry: false });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    for (let i = 0; i < 6; i++) await client.call('core_webservice_get_site_info').catch(() => undefined);
    // Never more than before: an earlier test's shared deadline timer may be cleared meanwhile, never one added.
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('keeps every deadline when calls with different deadlines overlap', async () => {
    // Requests whose body says "stall" never get an answer; the others are answered at once.
    server = await startTestServer((req, res) => {
      if (req.body.includes('moodlewssettinglang=stall')) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(SITE));
    });
    const client = new MoodleClient({ url: server.url, token: TOKEN, retry: false });
    const call = (timeoutMs: number, lang: string, signal?: AbortSignal) =>
      client.call('core_webservice_get_site_info', {}, { timeoutMs, lang, signal }).then(
        () => 'answered',
        (e: TransportError) => e.code,
      );
    // A long deadline first, then a shorter one: the shorter still fires while the long call waits.
    const controller = new AbortController();
    const long = call(60_000, 'stall', controller.signal);
    expect(await call(80, 'stall')).toBe('transport.timeout');
    // An early deadline whose call was answered, then a later one that must still fire. The answered call has a
    // second to spare, so a loaded machine cannot turn it into a timeout.
    const [answered, stalled] = await Promise.all([call(1_000, 'en'), call(1_500, 'stall')]);
    expect([answered, stalled]).toEqual(['answered', 'transport.timeout']);
    controller.abort();
    expect(await long).toBe('transport.aborted');
  });
});
