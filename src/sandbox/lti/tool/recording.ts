/**
 * A {@link Transport} that keeps each exchange (request and response) for display, secrets masked: bearer tokens,
 * cookies, client assertions, access tokens and registration tokens never reach a page or a log.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { maskSecrets, registerSecret } from '../../../core/redact.js';
import {
  type HttpRequest,
  type HttpResponse,
  readBytes,
  Transport,
  type TransportOptions,
} from '../../../core/transport.js';

/** One HTTP exchange as shown on a page: everything secret replaced by `***`. */
export interface RecordedExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string | undefined;
  status?: number | undefined;
  responseHeaders?: Record<string, string> | undefined;
  responseBody?: string | undefined;
  /** A network failure, when there was no response. */
  error?: string | undefined;
  durationMs: number;
}

const MASK = '***';
/** Header names whose value is a credential. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);
/** Body fields whose value is a credential (JSON keys and form fields). */
const SECRET_FIELDS = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'client_assertion',
  'registration_token',
  'jwt',
  'password',
  'client_secret',
]);
const MAX_BODY = 64 * 1024;

function maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[lower] = SECRET_HEADERS.has(lower) ? MASK : maskSecrets(text);
  }
  return out;
}

function maskValue(value: unknown, depth = 0): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>))
      out[key] = SECRET_FIELDS.has(key.toLowerCase()) ? MASK : maskValue(inner, depth + 1);
    return out;
  }
  return typeof value === 'string' ? maskSecrets(value) : value;
}

/** A body as text with its secret fields masked (JSON, form, or plain text). */
export function maskBody(text: string, contentType = ''): string {
  const body = text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}…` : text;
  if (/json/.test(contentType) || /^\s*[[{]/.test(body)) {
    try {
      return JSON.stringify(maskValue(JSON.parse(body)), null, 2);
    } catch {
      // not JSON after all
    }
  }
  if (/x-www-form-urlencoded/.test(contentType)) {
    const params = new URLSearchParams(body);
    for (const key of [...params.keys()]) if (SECRET_FIELDS.has(key.toLowerCase())) params.set(key, MASK);
    return [...params].map(([key, value]) => `${key}=${value}`).join('\n');
  }
  return maskSecrets(body);
}

/** A URL with its secret query parameters masked. */
export function maskUrl(url: string | URL): string {
  const parsed = new URL(String(url));
  for (const key of [...parsed.searchParams.keys()])
    if (SECRET_FIELDS.has(key.toLowerCase())) parsed.searchParams.set(key, MASK);
  return maskSecrets(parsed.toString());
}

function headerOf(headers: Record<string, string | string[] | undefined> | undefined, name: string): string {
  const value = headers?.[name] ?? headers?.[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** A transport that records every exchange made inside {@link RecordingTransport.capture}. */
export class RecordingTransport extends Transport {
  readonly #scope = new AsyncLocalStorage<RecordedExchange[]>();

  constructor(options: TransportOptions = {}) {
    super({ retry: false, ...options });
  }

  /** Runs `fn` and returns its result with the exchanges it made. */
  async capture<T>(
    fn: () => Promise<T>,
  ): Promise<{ result?: T; error?: unknown; exchanges: RecordedExchange[] }> {
    const exchanges: RecordedExchange[] = [];
    try {
      const result = await this.#scope.run(exchanges, fn);
      return { result, exchanges };
    } catch (error) {
      return { error, exchanges };
    }
  }

  override async request(req: HttpRequest): Promise<HttpResponse> {
    const log = this.#scope.getStore();
    if (!log) return super.request(req);
    const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
    const bearer = /^Bearer\s+(\S+)/i.exec(headerOf(req.headers, 'authorization'))?.[1];
    registerSecret(bearer);
    const entry: RecordedExchange = {
      method,
      url: maskUrl(req.url),
      requestHeaders: maskHeaders(req.headers ?? {}),
      requestBody:
        typeof req.body === 'string' ? maskBody(req.body, headerOf(req.headers, 'content-type')) : undefined,
      durationMs: 0,
    };
    log.push(entry);
    const started = performance.now();
    let response: HttpResponse;
    try {
      response = await super.request(req);
    } catch (error) {
      entry.error = (error as Error).message;
      entry.durationMs = performance.now() - started;
      throw error;
    }
    const bytes = await readBytes(response, 32 * 1024 * 1024);
    entry.durationMs = performance.now() - started;
    entry.status = response.status;
    entry.responseHeaders = maskHeaders(response.headers);
    const text = bytes.toString('utf8');
    const token = /"access_token"\s*:\s*"([^"]+)"/.exec(text)?.[1];
    registerSecret(token);
    entry.responseBody = maskBody(text, headerOf(response.headers, 'content-type'));
    const body = Object.assign(Readable.from(bytes.length > 0 ? [bytes] : []), {
      dump: async () => undefined,
    });
    return { ...response, body };
  }
}
