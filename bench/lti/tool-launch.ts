/**
 * bench/lti (tool launch): one launch through `mts lti tool` (the browser's three hops: login initiation → 302, the
 * platform's auth → form_post, the launch POST → validated page) against the same three hops to a bare tool that
 * answers at once with fixed responses, on the same platform (which signs the id_token either way). Interleaved,
 * min and median. Target: at most 1.5x. The physical floor, three round trips to a server that does nothing, is
 * printed beside it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readText, Transport } from '../../src/core/transport.js';
import { parseAutoSubmitForm } from '../../src/sandbox/lti/browser.js';
import { startToolEmulator } from '../../src/sandbox/lti/tool/emulator.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { percentile, report } from '../util.js';

const LAUNCHES = 300;
const WARMUP = 20;

interface Initiation {
  url: string;
  params: Record<string, string>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

export default async function bench(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mts-bench-tool-'));
  const transport = new Transport({ retry: false });
  const sandbox = await startSandbox();
  const tool = await startToolEmulator({ dataDir });
  // A bare tool: the same endpoints, fixed answers, no work.
  const page = '<!DOCTYPE html><html><body><h1>launched</h1></body></html>';
  let bareUrl = '';
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/login')) {
        const params = new URL(req.url, bareUrl).searchParams;
        res.writeHead(302, { location: params.get('to') ?? '/', 'content-length': 0 });
        return void res.end();
      }
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(page),
      });
      res.end(page);
    });
  });
  const empty = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    });
  });
  bareUrl = await listen(bare);
  const emptyUrl = await listen(empty);
  try {
    const post = async (url: string, body: unknown) =>
      JSON.parse(
        await readText(
          await transport.request({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        ),
      ) as Record<string, unknown>;
    const registered = (await post(sandbox.lti.registerUrl, { url: tool.registrationUrl })) as {
      tool: { clientId: string };
    };
    const bareTool = (await post(sandbox.lti.toolsUrl, {
      loginUrl: `${bareUrl}/login`,
      targetLinkUri: `${bareUrl}/launch`,
      jwksUrl: `${bareUrl}/jwks`,
    })) as { clientId: string };
    const initiation = async (clientId: string) =>
      (await post(sandbox.lti.launchUrl, { clientId, userId: '3' })) as unknown as Initiation;

    const form = 'application/x-www-form-urlencoded';
    /** The browser's three hops; returns the time they took. */
    const hops = async (start: Initiation, bareTool: boolean): Promise<number> => {
      const began = performance.now();
      let loginUrl = start.url;
      if (bareTool) {
        // The bare tool redirects where it is told: to the auth request a tool would build.
        const auth = new URL(sandbox.lti.authUrl);
        for (const [k, v] of Object.entries({
          scope: 'openid',
          response_type: 'id_token',
          response_mode: 'form_post',
          prompt: 'none',
          client_id: start.params.client_id as string,
          redirect_uri: `${bareUrl}/launch`,
          login_hint: start.params.login_hint as string,
          lti_message_hint: start.params.lti_message_hint as string,
          state: 'bench-state',
          nonce: `bench-${performance.now()}`,
        }))
          auth.searchParams.set(k, v);
        loginUrl = `${start.url}?to=${encodeURIComponent(auth.toString())}`;
      }
      const login = await transport.request({
        method: 'POST',
        url: loginUrl,
        headers: { 'content-type': form },
        body: new URLSearchParams(start.params).toString(),
      });
      await readText(login);
      const cookie = String(login.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      const auth = await transport.request({ url: String(login.headers.location) });
      const post = parseAutoSubmitForm(await readText(auth));
      if (!post) throw new Error(`the platform answered ${auth.status} without a form`);
      const launch = await transport.request({
        method: 'POST',
        url: post.action,
        headers: { 'content-type': form, ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams(post.fields).toString(),
      });
      const body = await readText(launch);
      if (launch.status !== 200 || (!bareTool && !body.includes('Valid LtiResourceLinkRequest')))
        throw new Error(`launch answered ${launch.status}`);
      return performance.now() - began;
    };
    const floor = async (): Promise<number> => {
      const began = performance.now();
      for (let i = 0; i < 3; i++)
        await readText(await transport.request({ method: 'POST', url: emptyUrl, body: 'x' }));
      return performance.now() - began;
    };

    for (let i = 0; i < WARMUP; i++) {
      await hops(await initiation(registered.tool.clientId), false);
      await hops(await initiation(bareTool.clientId), true);
      await floor();
    }
    const ours: number[] = [];
    const anchor: number[] = [];
    const physical: number[] = [];
    for (let i = 0; i < LAUNCHES; i++) {
      const a = await initiation(registered.tool.clientId);
      const b = await initiation(bareTool.clientId);
      // Interleaved, order flipped every launch, so both sides see the same machine load.
      if (i % 2 === 0) {
        ours.push(await hops(a, false));
        anchor.push(await hops(b, true));
      } else {
        anchor.push(await hops(b, true));
        ours.push(await hops(a, false));
      }
      physical.push(await floor());
    }
    const median = (v: number[]) => percentile(v, 50);
    const min = (v: number[]) => Math.min(...v);
    report({
      name: 'lti tool launch, median (login + auth + launch, validated)',
      ours: median(ours),
      anchor: median(anchor),
      anchorName: 'same hops to a bare tool',
      unit: 'ms',
      better: 'lower',
      target: 1.5,
    });
    report({
      name: 'lti tool launch, min',
      ours: min(ours),
      anchor: min(anchor),
      anchorName: 'same hops to a bare tool',
      unit: 'ms',
      better: 'lower',
      target: 1.5,
    });
    report({
      name: 'lti tool launch vs physical floor, median',
      ours: median(ours),
      anchor: median(physical),
      anchorName: '3 empty round trips',
      unit: 'ms',
      better: 'lower',
    });
  } finally {
    await tool.close();
    await sandbox.close();
    bare.closeAllConnections();
    bare.close();
    empty.closeAllConnections();
    empty.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
