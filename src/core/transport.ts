import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, request as undiciRequest } from 'undici';
import { debug, debugEnabled } from './debug.js';
import { type RedactedRequest, redactRequest, TransportError } from './errors.js';
import { decideRetry, parseRetryAfter, type RetryPolicy, resolveRetryPolicy, sleep } from './retry.js';

/** The package's user agent. */
export const USER_AGENT = 'moodle-totara-sdk/0.1 (+https://www.npmjs.com/package/moodle-totara-sdk)';

let sharedAgent: Agent | undefined;

/**
 * The keep-alive connection pool shared by every client that was given no dispatcher of its own. undici keeps one
 * pool per origin inside it, so all clients of one site reuse the same sockets.
 */
export function sharedDispatcher(): Dispatcher {
  sharedAgent ??= new Agent({
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: 10_000 },
  });
  return sharedAgent;
}

/** Options of a {@link Transport}. Durations are milliseconds. */
export interface TransportOptions {
  /** An undici Dispatcher (a ProxyAgent, a MockAgent, a fault injector). Defaults to {@link sharedDispatcher}. */
  dispatcher?: Dispatcher | undefined;
  /** Deadline of one attempt, headers and body included. Default 30,000; 0 disables it. */
  timeoutMs?: number | undefined;
  /** Retry pacing, or false to never retry. Only requests marked `idempotent` are retried at all. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** Sent as `User-Agent`. */
  userAgent?: string | undefined;
}

/** HTTP methods the SDK uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request through the {@link Transport}. */
export interface HttpRequest {
  method?: HttpMethod | undefined;
  url: string | URL;
  headers?: Record<string, string> | undefined;
  body?: string | Uint8Array | Readable | FormData | undefined;
  /** Overrides the transport's deadline for this request; 0 disables it. */
  timeoutMs?: number | undefined;
  /** Aborts the request (and any wait between retries). */
  signal?: AbortSignal | undefined;
  /** True when repeating the request is harmless: only then is it retried. */
  idempotent?: boolean | undefined;
  /** Overrides the transport's retry pacing for this request. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** Called before each retry (for progress output and tests). */
  onRetry?:
    | ((info: { attempt: number; delayMs: number; status?: number | undefined; error?: unknown }) => void)
    | undefined;
}

/** A response whose body has not been read yet. Read it with one of the helpers or drain it. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { dump(): Promise<void> };
  /** The redacted request that produced it, for error reports. */
  request: RedactedRequest;
  /** How many attempts it took. */
  attempts: number;
  /** Turns an error raised while reading the body into the matching {@link TransportError}. */
  classifyError(error: unknown): TransportError;
}

/**
 * The SDK's single HTTP client on undici: shared keep-alive pools, deadlines composed with the caller's
 * `AbortSignal`, typed errors with a redacted copy of the request, and the one retry policy for safe requests.
 */
export class Transport {
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  readonly retryPolicy: Readonly<RetryPolicy>;
  readonly userAgent: string;

  constructor(options: TransportOptions = {}) {
    this.dispatcher = options.dispatcher ?? sharedDispatcher();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryPolicy = resolveRetryPolicy(options.retry);
    this.userAgent = options.userAgent ?? USER_AGENT;
  }

  /**
   * Sends a request. Resolves with any HTTP status (callers decide what a status means); rejects with a
   * {@link TransportError} for network failures (`transport.network`), deadlines (`transport.timeout`) and
   * caller aborts (`transport.aborted`). Safe requests are retried on network errors, 5xx and 429 as the policy
   * allows; a request body that is a stream is never retried.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    const policy =
      req.retry === undefined ? this.retryPolicy : resolveRetryPolicy(this.retryPolicy, req.retry);
    const replayable =
      typeof req.body === 'string' || req.body instanceof Uint8Array || req.body === undefined;
    const safe = req.idempotent === true && replayable;
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    let redacted: RedactedRequest | undefined;
    const redactedRequest = () => {
      redacted ??= redactRequest(method, req.url, headers, req.body);
      return redacted;
    };

    for (let attempt = 1; ; attempt++) {
      if (debugEnabled()) debug('request', method, redactedRequest().url, `attempt ${attempt}`);
      let response: HttpResponse;
      try {
        response = await this.#attempt(method, req, headers, timeoutMs, redactedRequest, attempt);
      } catch (error) {
        const transportError = error as TransportError;
        const retryable =
          transportError.code === 'transport.network' || transportError.code === 'transport.timeout';
        const decision = decideRetry(policy, attempt, { networkError: retryable }, safe);
        if (!decision.retry) throw error;
        req.onRetry?.({ attempt, delayMs: decision.delayMs, error });
        await sleep(decision.delayMs, req.signal);
        continue;
      }
      const decision = decideRetry(
        policy,
        attempt,
        { status: response.status, retryAfterMs: parseRetryAfter(response.headers['retry-after']) },
        safe,
      );
      if (!decision.retry) return response;
      await response.body.dump().catch(() => undefined);
      req.onRetry?.({ attempt, delayMs: decision.delayMs, status: response.status });
      if (debugEnabled()) debug('retry', `status ${response.status}`, `in ${decision.delayMs} ms`);
      await sleep(decision.delayMs, req.signal);
    }
  }

  async #attempt(
    method: HttpMethod,
    req: HttpRequest,
    headers: Record<string, string>,
    timeoutMs: number,
    redactedRequest: () => RedactedRequest,
    attempt: number,
  ): Promise<HttpResponse> {
    if (req.signal?.aborted) throw abortedError(redactedRequest(), req.signal.reason);
    const controller = new AbortController();
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort(new Error('deadline'));
          }, timeoutMs)
        : undefined;
    const onCallerAbort = () => controller.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    };
    const classify = (error: unknown): TransportError => {
      if (timedOut) {
        return new TransportError(
          'transport.timeout',
          `No complete answer from ${redactedRequest().url} within ${timeoutMs} ms.`,
          {
            hint: 'The server is slow or unreachable; raise timeoutMs for this call or check the site.',
            request: redactedRequest(),
            cause: error,
          },
        );
      }
      if (req.signal?.aborted) return abortedError(redactedRequest(), error);
      return networkError(redactedRequest(), error);
    };
    try {
      const {
        statusCode,
        headers: responseHeaders,
        body,
      } = await undiciRequest(req.url, {
        dispatcher: this.dispatcher,
        method,
        headers,
        body: req.body as string | Uint8Array | Readable | undefined,
        signal: controller.signal,
      });
      if (timer) {
        body.once('close', cleanup);
        body.once('end', cleanup);
      } else {
        body.once('close', cleanup);
      }
      return {
        status: statusCode,
        headers: responseHeaders,
        body: body as HttpResponse['body'],
        get request() {
          return redactedRequest();
        },
        attempts: attempt,
        classifyError: classify,
      };
    } catch (error) {
      cleanup();
      throw classify(error);
    }
  }
}

function abortedError(request: RedactedRequest, cause: unknown): TransportError {
  return new TransportError('transport.aborted', `The request to ${request.url} was aborted by the caller.`, {
    request,
    cause,
  });
}

function networkError(request: RedactedRequest, cause: unknown): TransportError {
  const code = (cause as { code?: string } | undefined)?.code;
  const reason = code ? ` (${code})` : '';
  let hint = 'Check the URL, that the server is running and that this machine can reach it.';
  if (code === 'ECONNREFUSED') hint = 'Nothing listens at that address: check the host and port.';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') hint = 'The host name does not resolve: check the URL.';
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT'))
    hint = 'TLS failed: check the certificate or the https/http scheme.';
  return new TransportError('transport.network', `Could not reach ${request.url}${reason}.`, {
    hint,
    request,
    cause,
  });
}

/** Reads a response body as text, refusing bodies over `limitBytes` (default 64 MiB). */
export async function readText(response: HttpResponse, limitBytes = 64 * 1024 * 1024): Promise<string> {
  return (await readBytes(response, limitBytes)).toString('utf8');
}

/** Reads a response body into one buffer, refusing bodies over `limitBytes` (default 64 MiB). */
export async function readBytes(response: HttpResponse, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) {
        response.body.destroy();
        throw new TransportError(
          'transport.body_too_large',
          `The response from ${response.request.url} exceeds ${limitBytes} bytes.`,
          {
            hint: 'Download it as a stream instead, or raise the limit.',
            request: response.request,
            status: response.status,
          },
        );
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw error instanceof TransportError ? error : response.classifyError(error);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** A short, single-line excerpt of a body for error messages (HTML tags stripped, secrets masked upstream). */
export function excerpt(text: string, max = 200): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain =
    (title ? `${title.trim()} — ` : '') +
    text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ');
  const flat = plain.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
