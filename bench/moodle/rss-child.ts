/**
 * One client in a fresh process: `node rss-child.mjs URL TOKEN CALLS` makes CALLS calls and exits. The client is
 * fixed when the file is bundled (BENCH_CLIENT), so that the bundle holds that client's code only.
 */
import { type ClientName, makeClient } from './clients.js';

declare const BENCH_CLIENT: ClientName;
const [url, token, calls] = process.argv.slice(2) as [string, string, string];
if (!(Number(calls) > 0)) throw new Error(`rss-child: expected a number of calls, got ${calls}`);
const client = await makeClient(BENCH_CLIENT, url, token);
for (let i = 0; i < Number(calls); i++) await client.call();
await client.close();
