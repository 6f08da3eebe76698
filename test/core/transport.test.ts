import { afterEach, describe, expect, it } from 'vitest';
import { type MtsError, readText, registerSecret, Transport, TransportError } from '../../src/core/index.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { minDelayMs: 1, maxDelayMs: 5 };

describe('Transport', () => {
  it('retries a safe request on 503 and returns the eventual answer', async () => {
    server = await startTestServer((_req, res, index) => {
      res.writeHead(index < 2 ? 503 : 200);
      res.end(index < 2 ? 'busy' : 'ok');
    });
    const transport = new Transport({ retry: fast });
    const response = await transport.request({ url: server.url, idempotent: true });
    expect(response.status).toBe(200);
    expect(await readText(response)).toBe('ok');
    expect(server.requests).toHaveLength(3);
    expect(response.attempts).toBe(3);
  });

  it('never repeats a request that is not marked safe', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(503);
      res.end('busy');
    });
    const response = await new Transport({ retry: fast }).request({
      url: server.url,
      method: 'POST',
      body: 'a=1',
    });
    expect(response.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('waits as long as Retry-After says on 429, and gives up on a 429 without it', async () => {
    server = await startTestServer((_req, res, index) => {
      if (index === 0) res.writeHead(429, { 'retry-after': '1' });
      else if (index === 1) res.writeHead(200);
      else res.writeHead(429);
      res.end();
    });
    const transport = new Transport({ retry: fast });
    const delays: number[] = [];
    const ok = await transport.request({
      url: server.url,
      idempotent: true,
      onRetry: (i) => delays.push(i.delayMs),
    });
    expect(ok.status).toBe(200);
    expect(delays).toEqual([1000]);
    const limited = await transport.request({ url: server.url, idempotent: true });
    expect(limited.status).toBe(429);
    expect(server.requests).toHaveLength(3);
  });

  it('turns a deadline into transport.timeout with a redacted request', async () => {
    server = await startTestServer(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 500));
      res.end('late');
    });
    registerSecret('supersecrettoken123');
    const error = await new Transport({ timeoutMs: 50, retry: false })
      .request({
        url: `${server.url}/x?wstoken=supersecrettoken123`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'wstoken=supersecrettoken123&wsfunction=core_webservice_get_site_info',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    const te = error as TransportError;
    expect(te.code).toBe('transport.timeout');
    expect(JSON.stringify({ message: te.message, request: te.request, hint: te.hint })).not.toContain(
      'supersecrettoken123',
    );
    expect(te.request?.body).toContain('wsfunction=core_webservice_get_site_info');
  });

  it('distinguishes a caller abort from a deadline', async () => {
    server = await startTestServer(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 500));
      res.end('late');
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = (await new Transport()
      .request({ url: server.url, signal: controller.signal })
      .catch((e: unknown) => e)) as MtsError;
    expect(error.code).toBe('transport.aborted');
  });

  it('reports a refused connection as transport.network with a hint', async () => {
    const probe = await startTestServer(() => undefined);
    const url = probe.url;
    await probe.close();
    const error = (await new Transport({ retry: false })
      .request({ url })
      .catch((e: unknown) => e)) as MtsError;
    expect(error.code).toBe('transport.network');
    expect(error.hint).toMatch(/Nothing listens/);
  });
});
