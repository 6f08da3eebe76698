/** A local server that answers like Moodle's REST server, in its own process (no shared event loop). */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export const TOKEN = 'bench00000000000000000000000token';

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

export async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}`, child };
}
