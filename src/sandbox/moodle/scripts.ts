/**
 * The sandbox's AJAX scripts: `login/token.php`, `webservice/upload.php`, `webservice/pluginfile.php` and
 * `tokenpluginfile.php`. Their failures use Moodle's `{error, errorcode, stacktrace, debuginfo, reproductionlink}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendText } from '../http.js';
import { fullname } from './context.js';
import { ajaxErrorBody, moodleException, SandboxException } from './exceptions.js';
import { generatedFile } from './generated-files.js';
import { authenticate, phpJson, type RestServer } from './rest.js';
import { now, type SiteFile } from './site.js';

function sendPhpJson(res: ServerResponse, status: number, value: unknown): void {
  const text = phpJson(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function guard(
  server: RestServer,
  res: ServerResponse,
  work: () => Promise<void>,
  status = 200,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof SandboxException)) throw error;
    sendPhpJson(
      res,
      error.errorcode === 'filenotfound' ? 404 : status,
      ajaxErrorBody(error, server.debugDeveloper),
    );
  }
}

async function formOf(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const body = req.method === 'POST' ? (await readBody(req)).toString('utf8') : '';
  const merged = new URLSearchParams(url.searchParams);
  for (const [key, value] of new URLSearchParams(body)) merged.set(key, value);
  return merged;
}

const required = (form: URLSearchParams | FormData, name: string): string => {
  const value = form.get(name);
  if (typeof value !== 'string' || value === '')
    throw moodleException('missingparam', `A required parameter (${name}) was missing`);
  return value;
};

/** `login/token.php`: a token for a username, password and service. */
export function handleTokenLogin(
  server: RestServer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  return guard(server, res, async () => {
    const form = await formOf(req, url);
    const username = required(form, 'username').toLowerCase();
    const password = required(form, 'password');
    const service = required(form, 'service');
    const user = server.site.userByName(username);
    if (!user?.password || user.password !== password || user.suspended)
      throw moodleException('invalidlogin', 'Invalid login, please try again');
    if (!server.services.has(service) || (service !== 'moodle_mobile_app' && !user.siteadmin)) {
      throw moodleException(
        'servicenotavailable',
        "Web service is not available. (It doesn't exist or might be disabled.)",
      );
    }
    const existing = [...server.site.tokens.values()].find(
      (t) => t.userid === user.id && t.service === service && t.validuntil === 0,
    );
    const token = existing?.token ?? server.site.issueToken(user.id, service);
    sendPhpJson(res, 200, { token, privatetoken: null });
  });
}

const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

function phpSerializeSource(filename: string): string {
  return `O:8:"stdClass":1:{s:6:"source";s:${Buffer.byteLength(filename)}:"${filename}";}`;
}

/**
 * A multipart body as PHP reads it into `$_POST` and `$_FILES`: a body PHP cannot parse (no boundary, a truncated
 * part) gives no fields and no files at all, so upload.php goes on to answer that the token is missing, a
 * Moodle error about the request, never a server failure.
 */
async function multipartOrNothing(body: Buffer, contentType: string): Promise<FormData> {
  try {
    return await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return new FormData();
  }
}

/** `webservice/upload.php`: multipart files into the user's draft area. */
export function handleUpload(
  server: RestServer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  return guard(server, res, async () => {
    const body = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const form = contentType.startsWith('multipart/form-data')
      ? await multipartOrNothing(body, contentType)
      : (() => {
          const f = new FormData();
          for (const [k, v] of new URLSearchParams(body.toString('utf8'))) f.append(k, v);
          return f;
        })();
    for (const [key, value] of url.searchParams) if (!form.has(key)) form.append(key, value);
    const filepath = (form.get('filepath') as string | null) || '/';
    const filearea = (form.get('filearea') as string | null) || 'private';
    let itemid = Number.parseInt((form.get('itemid') as string | null) ?? '0', 10) || 0;
    const auth = authenticate(server, required(form, 'token'));
    if (filearea === 'private')
      throw moodleException('privatefilesupload', 'Private files upload is no longer supported');
    if (filearea !== 'draft') throw new SandboxException('file_exception', 'error', 'error/error');
    if (itemid <= 0) itemid = 100_000_000 + Math.floor(Math.random() * 899_999_999);
    const contextid = server.site.userContextId(auth.user.id);
    const results: unknown[] = [];
    for (const [, value] of form) {
      if (typeof value === 'string') continue;
      const filename = value.name.replace(/[\\/:*?"<>|]/g, '');
      if (value.size > MAX_UPLOAD_BYTES) {
        results.push({
          filename,
          errortype: 'fileoversized',
          error: 'This file is bigger than the maximum size',
        });
        continue;
      }
      const exists = server.site.files.some(
        (f) =>
          f.contextid === contextid &&
          f.filearea === 'draft' &&
          f.itemid === itemid &&
          f.filepath === filepath &&
          f.filename === filename,
      );
      if (exists) {
        results.push({
          filename,
          errortype: 'filenameexist',
          error: `File name already exists: ${filename}`,
        });
        continue;
      }
      const file: SiteFile = {
        contextid,
        component: 'user',
        filearea: 'draft',
        itemid,
        filepath,
        filename,
        content: Buffer.from(await value.arrayBuffer()),
        mimetype: value.type || 'application/octet-stream',
        userid: auth.user.id,
        author: fullname(auth.user),
        timecreated: now(),
      };
      server.site.files.push(file);
      results.push({
        component: 'user',
        contextid,
        userid: String(auth.user.id),
        filearea: 'draft',
        filename,
        filepath,
        itemid,
        license: 'unknown',
        author: file.author,
        source: phpSerializeSource(filename),
        filesize: file.content.length,
      });
    }
    sendPhpJson(res, 200, results);
  });
}

function findFile(server: RestServer, relative: string): SiteFile {
  const parts = relative.split('/').filter(Boolean).map(decodeURIComponent);
  const generated = generatedFile(server.site, parts);
  if (generated) return generated;
  const [contextid, component, filearea, ...rest] = parts;
  const filename = rest.pop();
  // An area with item ids names it after the area (content/0/file); mod_page serves its content without one.
  const candidates: Array<[string, string[]]> = [
    [rest[0] ?? '', rest.slice(1)],
    ['0', rest],
  ];
  for (const [itemid, folders] of candidates) {
    const filepath = folders.length ? `/${folders.join('/')}/` : '/';
    const file = server.site.files.find(
      (f) =>
        String(f.contextid) === contextid &&
        f.component === component &&
        f.filearea === filearea &&
        String(f.itemid) === itemid &&
        f.filepath === filepath &&
        f.filename === filename,
    );
    if (file) return file;
  }
  throw moodleException('filenotfound', 'Sorry, the requested file could not be found');
}

function sendFile(res: ServerResponse, file: SiteFile, forceDownload: boolean): void {
  res.writeHead(200, {
    'content-type': file.mimetype,
    'content-length': file.content.length,
    'content-disposition': `${forceDownload ? 'attachment' : 'inline'}; filename="${file.filename}"`,
  });
  res.end(file.content);
}

/** `webservice/pluginfile.php/...`: the token from the POST body or the query. */
export function handlePluginfile(
  server: RestServer,
  prefix: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  return guard(server, res, async () => {
    const form = await formOf(req, url);
    authenticate(server, required(form, 'token'));
    const relative = url.pathname.slice(prefix.length) || form.get('file') || '';
    sendFile(res, findFile(server, relative), form.get('forcedownload') === '1');
  });
}

/** `tokenpluginfile.php/KEY/...`: the user's private access key in the path. */
export async function handleTokenPluginfile(
  server: RestServer,
  prefix: string,
  _req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const [key, ...rest] = url.pathname.slice(prefix.length).split('/').filter(Boolean);
  const user = [...server.site.users.values()].find((u) => u.privateaccesskey === key);
  if (!user) {
    sendText(
      res,
      403,
      '<!DOCTYPE html><html><head><title>Error</title></head><body><p>Invalid key</p></body></html>',
      'text/html; charset=utf-8',
    );
    return;
  }
  try {
    sendFile(res, findFile(server, `/${rest.join('/')}`), url.searchParams.get('forcedownload') === '1');
  } catch (error) {
    if (!(error instanceof SandboxException)) throw error;
    sendText(
      res,
      404,
      '<!DOCTYPE html><html><head><title>Not found</title></head><body><p>Sorry, the requested file could not be found</p></body></html>',
      'text/html; charset=utf-8',
    );
  }
}
