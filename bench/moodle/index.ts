/**
 * bench/moodle: our `call()` against a local server that answers like Moodle's REST server, side by side with a
 * bare undici request (latency and throughput), the `moodle-client` and `moodle-ts` packages (throughput at the
 * same concurrency), and the time to encode a 10,000-user core_user_create_users payload.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { USER_AGENT } from '../../src/core/transport.js';
import { coreFunctionTable, encodeParams, MoodleClient, validateParams } from '../../src/moodle/index.js';
import { percentile, report, timeEach } from '../util.js';

const TOKEN = 'bench00000000000000000000000token';
const SITE_INFO = JSON.stringify({
  sitename: 'Bench Moodle',
  username: 'admin',
  firstname: 'Admin',
  lastname: 'User',
  fullname: 'Admin User',
  lang: 'en',
  userid: 2,
  siteurl: 'http://127.0.0.1',
  userpictureurl: 'http://127.0.0.1/theme/image.php/boost/core/1/u/f1',
  functions: Array.from({ length: 20 }, (_, i) => ({ name: `core_fn_${i}`, version: '2024100700' })),
  release: '4.5.6 (Build: 20250811)',
  version: '2024100706',
}).replace(/\//g, '\\/');

/** The server runs in its own process so that it does not share an event loop with the clients measured. */
const SERVER = `
const http = require('node:http');
const body = ${JSON.stringify(SITE_INFO)};
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString() || req.url.split('?')[1] || '');
    const ok = form.get('wstoken') === ${JSON.stringify(TOKEN)};
    const text = ok ? body : '{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}`, child };
}

async function throughput(total: number, concurrency: number, fn: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await fn();
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

export default async function bench(): Promise<void> {
  const { url, child } = await startServer();
  try {
    const ours = new MoodleClient({ url, token: TOKEN, retry: false });
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    const form = `wstoken=${TOKEN}&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json`;
    // The same HTTP request as call() sends, byte for byte (our headers included), so that the ratio measures
    // the client's own work rather than the size of the request.
    const headers = {
      'user-agent': USER_AGENT,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const bare = async () => {
      const response = await request(`${url}/webservice/rest/server.php`, {
        method: 'POST',
        dispatcher: agent,
        headers,
        body: form,
      });
      return response.body.json();
    };
    const ourCall = () => ours.call('core_webservice_get_site_info');
    // moodle-client is CommonJS without types.
    const moodleClient = createRequire(import.meta.url)('moodle-client') as {
      init(o: object): Promise<{ call(o: object): Promise<unknown> }>;
    };
    const legacy = await moodleClient.init({ wwwroot: url, token: TOKEN });
    const legacyCall = () => legacy.call({ wsfunction: 'core_webservice_get_site_info', method: 'POST' });
    const { MoodleClient: MoodleTs } = await import('moodle-ts');
    const typed = new MoodleTs({ baseUrl: url, token: TOKEN });
    const typedCall = () => typed.call('core_webservice_get_site_info', {});

    for (const fn of [ourCall, bare, legacyCall, typedCall]) await timeEach(200, fn); // warm-up

    // Interleaved call by call (order swapped each time), so that both see the same machine: other processes
    // on a shared box move the figures a lot between two back-to-back series.
    const latency = { ours: [] as number[], bare: [] as number[] };
    for (let i = 0; i < 5000; i++) {
      const [first, second] = i % 2 === 0 ? (['bare', 'ours'] as const) : (['ours', 'bare'] as const);
      latency[first].push(...(await timeEach(1, first === 'bare' ? bare : ourCall)));
      latency[second].push(...(await timeEach(1, second === 'bare' ? bare : ourCall)));
    }
    report({
      name: 'call() p50 latency',
      ours: percentile(latency.ours, 50),
      anchor: percentile(latency.bare, 50),
      anchorName: 'bare undici',
      unit: 'ms',
      better: 'lower',
      target: 1.1,
    });

    const tp = { ours: 0, bare: 0, legacy: 0, typed: 0 };
    // Ten short alternating rounds, best of each: the figure least disturbed by the rest of the machine.
    for (let r = 0; r < 10; r++) {
      tp.bare = Math.max(tp.bare, await throughput(1500, 32, bare));
      tp.ours = Math.max(tp.ours, await throughput(1500, 32, ourCall));
    }
    report({
      name: 'call() throughput @32',
      ours: tp.ours,
      anchor: tp.bare,
      anchorName: 'bare undici',
      unit: 'req/s',
      better: 'higher',
      target: 0.95,
    });
    tp.legacy = await throughput(2000, 32, legacyCall);
    tp.typed = await throughput(2000, 32, typedCall);
    const better =
      tp.legacy >= tp.typed
        ? { name: 'moodle-client', value: tp.legacy }
        : { name: 'moodle-ts', value: tp.typed };
    process.stdout.write(
      `  (moodle-client ${tp.legacy.toFixed(0)} req/s, moodle-ts ${tp.typed.toFixed(0)} req/s)\n`,
    );
    report({
      name: 'call() throughput @32 vs packages',
      ours: tp.ours,
      anchor: better.value,
      anchorName: better.name,
      unit: 'req/s',
      better: 'higher',
      target: 2,
    });

    const users = Array.from({ length: 10_000 }, (_, i) => ({
      username: `user${i}`,
      firstname: 'First',
      lastname: `Last ${i}`,
      email: `user${i}@example.org`,
      createpassword: true,
      customfields: [{ type: 'team', value: `T${i % 10}` }],
    }));
    // What call() does to the parameters before sending: validate against the table, then encode.
    const info = coreFunctionTable().get('core_user_create_users');
    if (!info) throw new Error('core_user_create_users is not in the table');
    const validateTimes = await timeEach(7, async () => validateParams(info, { users }));
    report({
      name: 'validate 10,000-user core_user_create_users',
      ours: percentile(validateTimes, 50),
      unit: 'ms',
      better: 'lower',
      target: 50,
    });
    const encodeTimes = await timeEach(7, async () => encodeParams({ users }));
    report({
      name: 'encode 10,000-user core_user_create_users',
      ours: percentile(encodeTimes, 50),
      unit: 'ms',
      better: 'lower',
      target: 100,
    });
    await agent.close();
  } finally {
    child.kill();
  }
}

// `npx tsx bench/moodle/index.ts` runs it alone; `npm run bench` imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await bench();
