/**
 * Files: upload to the draft area through `webservice/upload.php` (multipart), and download of the site's
 * `pluginfile.php` / `webservice/pluginfile.php` / `tokenpluginfile.php` URLs as a stream. The token travels in
 * the multipart body or the POST body, never in a URL; URLs in errors and logs are redacted.
 */
import { constants, openAsBlob } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { FormData } from 'undici';
import { assertKnownOptions, InputError } from '../core/errors.js';
import { redactUrl, registerSecret } from '../core/redact.js';
import { readBytes } from '../core/transport.js';
import { readMoodleJson, type SiteAccess } from './connection.js';
import {
  isMoodleExceptionBody,
  MoodleInputError,
  moodleErrorFromBody,
  moodleResponseError,
} from './errors.js';

/** A file to upload: bytes or text with a name, or a path on disk (streamed, not read into memory). */
export type UploadInput =
  | { filename: string; data: Uint8Array | Blob | string; path?: never }
  | { path: string; filename?: string | undefined; data?: never };

/** Options of {@link MoodleClient.upload}. */
export interface UploadOptions {
  /** Moodle accepts only `draft` from web services (default). */
  filearea?: 'draft' | undefined;
  /** An existing draft item id to add to; 0 (default) makes a new one. */
  itemid?: number | undefined;
  /** Folder inside the draft area (default `/`). */
  filepath?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** A file Moodle stored, as `webservice/upload.php` describes it. */
export interface UploadedFile {
  component: string;
  contextid: number;
  userid: string | number;
  filearea: string;
  filename: string;
  filepath: string;
  itemid: number;
  license: string;
  author: string;
  source: string;
  filesize?: number;
}

/** A file Moodle refused (too large, name already in the draft area). */
export class MoodleUploadFileError extends MoodleInputError {
  /** The refused file's name. */
  readonly filename: string;
  constructor(filename: string, errortype: string, message: string) {
    super(
      `moodle.upload_${errortype === 'fileoversized' ? 'too_large' : errortype === 'filenameexist' ? 'name_exists' : 'refused'}`,
      `${filename}: ${message}`,
      {
        errorcode: errortype,
        hint:
          errortype === 'fileoversized'
            ? "The file exceeds the site's maximum upload size."
            : errortype === 'filenameexist'
              ? 'A file with that name is already in the draft area; rename it or use a new itemid.'
              : 'Moodle refused the file.',
        details: { filename },
      },
    );
    this.filename = filename;
  }
}

/** The outcome of an upload. */
export interface UploadResult {
  /** The draft item id to pass to functions that take files. */
  itemid: number;
  /** The files stored. */
  files: UploadedFile[];
  /** The files refused, each a typed error. */
  errors: MoodleUploadFileError[];
}

/** Uploads files with one multipart request. Not retried: it writes. */
export async function uploadFiles(
  site: SiteAccess,
  inputs: readonly UploadInput[],
  options: UploadOptions,
): Promise<UploadResult> {
  assertKnownOptions('upload', options, ['filearea', 'itemid', 'filepath', 'signal', 'timeoutMs']);
  if (inputs.length === 0) {
    throw new InputError('moodle.no_files', 'upload needs at least one file.', {
      details: { path: 'files' },
    });
  }
  const form = new FormData();
  form.append('token', site.token());
  form.append('filearea', options.filearea ?? 'draft');
  form.append('itemid', String(options.itemid ?? 0));
  form.append('filepath', options.filepath ?? '/');
  for (const [index, input] of inputs.entries()) {
    const { blob, name } = await toBlob(input, index);
    form.append(`file_${index + 1}`, blob, name);
  }
  const response = await site.transport.request({
    method: 'POST',
    url: `${site.url}/webservice/upload.php`,
    body: form,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const body = await readMoodleJson(response, { fn: 'webservice/upload.php' });
  if (!Array.isArray(body)) {
    throw moodleResponseError(response.status, JSON.stringify(body).slice(0, 200), 'application/json', {
      fn: 'webservice/upload.php',
      request: response.request,
    });
  }
  const files: UploadedFile[] = [];
  const errors: MoodleUploadFileError[] = [];
  for (const entry of body as Array<Record<string, unknown>>) {
    if (typeof entry.errortype === 'string') {
      errors.push(
        new MoodleUploadFileError(String(entry.filename ?? ''), entry.errortype, String(entry.error ?? '')),
      );
    } else {
      files.push(entry as unknown as UploadedFile);
    }
  }
  return { itemid: files[0]?.itemid ?? options.itemid ?? 0, files, errors };
}

async function toBlob(input: UploadInput, index: number): Promise<{ blob: Blob; name: string }> {
  if (typeof input.path === 'string') {
    try {
      // openAsBlob opens lazily and says only "Unable to open file": look first, to say why.
      const info = await stat(input.path);
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      await access(input.path, constants.R_OK);
      return { blob: await openAsBlob(input.path), name: input.filename ?? basename(input.path) };
    } catch (error) {
      throw unreadableFile(input.path, index, error);
    }
  }
  const data = input.data;
  if (!input.filename) {
    throw new InputError('moodle.missing_filename', `files[${index}] needs a filename.`, {
      details: { path: `files[${index}].filename` },
    });
  }
  const blob =
    data instanceof Blob
      ? data
      : new Blob([typeof data === 'string' ? data : new Uint8Array(data as Uint8Array)]);
  return { blob, name: input.filename };
}

/** Why a file to upload cannot be read, from the system's error code. */
const UNREADABLE: Record<string, { reason: string; hint: string }> = {
  ENOENT: {
    reason: 'does not exist',
    hint: 'Check the path; a relative path starts at the current directory.',
  },
  ENOTDIR: { reason: 'does not exist', hint: 'Part of the path is a file, not a folder; check the path.' },
  EACCES: {
    reason: 'cannot be read (permission denied)',
    hint: 'Give your user read permission on the file (and search permission on its folders).',
  },
  EPERM: {
    reason: 'cannot be read (permission denied)',
    hint: 'Give your user read permission on the file (and search permission on its folders).',
  },
  EISDIR: { reason: 'is a folder, not a file', hint: 'Upload the files in it one by one, or zip it first.' },
};

function unreadableFile(path: string, index: number, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  const known = UNREADABLE[code];
  const reason = known?.reason ?? `cannot be read (${code || (error as Error)?.message || 'unknown error'})`;
  return new InputError('moodle.file_unreadable', `${path} ${reason}.`, {
    hint: known?.hint ?? 'Check that the path names a regular file you can read.',
    cause: error,
    details: { path: `files[${index}].path`, file: path, reason: code || undefined },
  });
}

/** Options of {@link MoodleClient.download}. */
export interface DownloadOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** A file being downloaded: read `stream` to the end (or destroy it). */
export interface MoodleDownload {
  stream: Readable;
  /** The file name from Content-Disposition or the URL. */
  filename: string | undefined;
  contentType: string | undefined;
  /** Size in bytes, when the site sent Content-Length. */
  size: number | undefined;
}

/**
 * Where a file URL is fetched from and how: `webservice/pluginfile.php` with the token in the POST body, or
 * `tokenpluginfile.php` as it is (its key is in the path, and is masked in logs). Only URLs of this site are
 * accepted, so the token never goes to another host.
 */
export function resolveFileUrl(siteUrl: string, raw: string): { url: string; needsToken: boolean } {
  let url: URL;
  try {
    url = new URL(raw, `${siteUrl}/`);
  } catch {
    throw new InputError('moodle.invalid_file_url', `"${raw}" is not a URL.`, { details: { path: 'url' } });
  }
  const site = new URL(`${siteUrl}/`);
  if (url.origin !== site.origin || !url.pathname.startsWith(site.pathname)) {
    // A tokenpluginfile.php URL carries a user's access key in its path.
    const shown = redactUrl(url).replace(/(\/tokenpluginfile\.php\/)[^/]+/, '$1***');
    throw new InputError('moodle.foreign_file_url', `${shown} is not on the Moodle site ${siteUrl}.`, {
      hint: `Only URLs under ${siteUrl}/ are downloaded (with the token, which must not reach another host); use the site the URL came from (MTS_MOODLE_URL or --profile).`,
      details: { path: 'url', url: shown, site: siteUrl, origin: url.origin },
    });
  }
  const rest = url.pathname.slice(site.pathname.length - 1);
  url.searchParams.delete('token');
  if (rest.startsWith('/tokenpluginfile.php/')) {
    registerSecret(rest.split('/')[2]);
    return { url: url.toString(), needsToken: false };
  }
  const relative = rest.startsWith('/webservice/pluginfile.php')
    ? rest.slice('/webservice/pluginfile.php'.length)
    : rest.startsWith('/pluginfile.php')
      ? rest.slice('/pluginfile.php'.length)
      : undefined;
  if (relative === undefined) {
    throw new InputError('moodle.invalid_file_url', `${url.pathname} is not a pluginfile URL.`, {
      hint: 'Pass a fileurl from a web service result (pluginfile.php, webservice/pluginfile.php or tokenpluginfile.php).',
      details: { path: 'url' },
    });
  }
  url.pathname = `${site.pathname}webservice/pluginfile.php${relative}`;
  return { url: url.toString(), needsToken: true };
}

/** Downloads a file URL of the site as a stream. Retried like a read. */
export async function downloadFile(
  site: SiteAccess,
  raw: string,
  options: DownloadOptions,
): Promise<MoodleDownload> {
  assertKnownOptions('download', options, ['signal', 'timeoutMs']);
  const target = resolveFileUrl(site.url, raw);
  const response = await site.transport.request(
    target.needsToken
      ? {
          method: 'POST',
          url: target.url,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `token=${encodeURIComponent(site.token())}`,
          idempotent: true,
          signal: options.signal,
          timeoutMs: options.timeoutMs,
        }
      : {
          method: 'GET',
          url: target.url,
          idempotent: true,
          signal: options.signal,
          timeoutMs: options.timeoutMs,
        },
  );
  const contentType = headerText(response.headers['content-type']);
  const filename = filenameOf(response.headers, target.url);
  if (response.status !== 200) await readMoodleJson(response, { fn: 'pluginfile.php' });
  const length = Number(headerText(response.headers['content-length']));
  const size = Number.isFinite(length) && length >= 0 ? length : undefined;
  if (contentType?.includes('json') && (size ?? 0) < 65_536) {
    // pluginfile.php reports failures as Moodle JSON with status 200: look before handing the stream over.
    const bytes = await readBytes(response);
    const parsed = parseJson(bytes);
    if (isMoodleExceptionBody(parsed)) {
      throw moodleErrorFromBody(parsed, { fn: 'pluginfile.php', request: response.request });
    }
    return { stream: Readable.from([bytes]), filename, contentType, size: bytes.length };
  }
  return { stream: response.body, filename, contentType, size };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function filenameOf(headers: Record<string, string | string[] | undefined>, url: string): string | undefined {
  const disposition = headerText(headers['content-disposition']);
  const star = disposition && /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition)?.[1];
  if (star) return decodeURIComponent(star.replace(/"/g, ''));
  const plain = disposition && /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  if (plain) return plain;
  const last = new URL(url).pathname.split('/').pop();
  return last ? decodeURIComponent(last) : undefined;
}
