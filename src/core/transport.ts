import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, request as undiciRequest } from 'undici';
import { AttemptControl, abortedError } from './attempt.js';
import { debug, debugEnabled } from './debug.js';
import { type RedactedRequest, redactRequest, TransportError } from './errors.js';
import { maskSecrets } from './redact.js';
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
  request(req: HttpRequest): Promise<HttpResponse> {
    // Not an async function, so that a request that is never retried costs one promise less; anything thrown
    // here still reaches the caller as a rejection.
    try {
      const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
      const headers: Record<string, string> =
        req.headers === undefined
          ? { 'user-agent': this.userAgent }
          : { 'user-agent': this.userAgent, ...req.headers };
      const sent = new SentRequest(method, req, headers, req.timeoutMs ?? this.timeoutMs);
      const replayable =
        typeof req.body === 'string' || req.body instanceof Uint8Array || req.body === undefined;
      const policy =
        req.retry === undefined ? this.retryPolicy : resolveRetryPolicy(this.retryPolicy, req.retry);
      if (req.idempotent !== true || !replayable || policy.retries === 0) {
        // Never repeated (unsafe, or no retries allowed): one attempt, whatever it gives.
        if (debugEnabled()) debug('request', method, sent.redacted().url, 'attempt 1');
        return this.#attempt(sent, 1);
      }
      return this.#withRetries(sent, policy);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #withRetries(sent: SentRequest, policy: Readonly<RetryPolicy>): Promise<HttpResponse> {
    const req = sent.req;
    for (let attempt = 1; ; attempt++) {
      if (debugEnabled()) debug('request', sent.method, sent.redacted().url, `attempt ${attempt}`);
      let response: HttpResponse;
      try {
        response = await this.#attempt(sent, attempt);
      } catch (error) {
        const transportError = error as TransportError;
        const retryable =
          transportError.code === 'transport.network' || transportError.code === 'transport.timeout';
        const decision = decideRetry(policy, attempt, { networkError: retryable }, true);
        if (!decision.retry) throw error;
        req.onRetry?.({ attempt, delayMs: decision.delayMs, error });
        await sleep(decision.delayMs, req.signal);
        continue;
      }
      if (!policy.retryStatuses.includes(response.status)) return response;
      const decision = decideRetry(
        policy,
        attempt,
        { status: response.status, retryAfterMs: parseRetryAfter(response.headers['retry-after']) },
        true,
      );
      if (!decision.retry) return response;
      await response.body.dump().catch(() => undefined);
      req.onRetry?.({ attempt, delayMs: decision.delayMs, status: response.status });
      if (debugEnabled()) debug('retry', `status ${response.status}`, `in ${decision.delayMs} ms`);
      await sleep(decision.delayMs, req.signal);
    }
  }

  async #attempt(sent: SentRequest, attempt: number): Promise<HttpResponse> {
    const callerSignal = sent.req.signal;
    if (callerSignal?.aborted) throw abortedError(sent.redacted(), callerSignal.reason);
    const control = new AttemptControl(sent, callerSignal);
    let response: Awaited<ReturnType<typeof undiciRequest>>;
    try {
      response = await undiciRequest(sent.req.url, {
        dispatcher: this.dispatcher,
        method: sent.method,
        headers: sent.headers,
        body: sent.req.body as string | Uint8Array | Readable | undefined,
        signal: control.signal(),
      });
    } catch (error) {
      control.dispose();
      throw control.classify(error);
    }
    // No close listener of ours: undici takes its abort listener off the signal when the body closes, and the
    // control disposes itself then (see removeEventListener).
    const body = response.body as HttpResponse['body'];
    return new AttemptResponse(response.statusCode, response.headers, body, sent, control, attempt);
  }
}

/** One request as the caller gave it, with its redacted copy made only when an error or debug output needs it. */
class SentRequest {
  #redacted: RedactedRequest | undefined;
  constructor(
    readonly method: HttpMethod,
    readonly req: HttpRequest,
    readonly headers: Record<string, string>,
    readonly timeoutMs: number,
  ) {}

  redacted(): RedactedRequest {
    this.#redacted ??= redactRequest(this.method, this.req.url, this.headers, this.req.body);
    return this.#redacted;
  }
}

/** A response of one attempt; `request` (the redacted copy) is made on first read. */
class AttemptResponse implements HttpResponse {
  readonly #control: AttemptControl;
  readonly #sent: SentRequest;
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly body: HttpResponse['body'],
    sent: SentRequest,
    control: AttemptControl,
    readonly attempts: number,
  ) {
    this.#sent = sent;
    this.#control = control;
  }

  get request(): RedactedRequest {
    return this.#sent.redacted();
  }

  classifyError(error: unknown): TransportError {
    return this.#control.classify(error);
  }
}

/** Reads a response body as text, refusing bodies over `limitBytes` (default 64 MiB). */
export function readText(response: HttpResponse, limitBytes = 64 * 1024 * 1024): Promise<string> {
  return readBytes(response, limitBytes).then(utf8);
}

function utf8(bytes: Buffer): string {
  return bytes.toString('utf8');
}

/** Reads a response body into one buffer, refusing bodies over `limitBytes` (default 64 MiB). */
export function readBytes(response: HttpResponse, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  const body = response.body;
  // Listening to 'data' costs far less per response than an async iterator over the stream.
  return new Promise<Buffer>((resolve, reject) => {
    if (body.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    if (body.destroyed) {
      reject(response.classifyError(body.errored ?? prematureClose()));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) {
        settled = true;
        body.destroy();
        reject(
          new TransportError(
            'transport.body_too_large',
            `The response from ${response.request.url} exceeds ${limitBytes} bytes.`,
            {
              hint: 'Download it as a stream instead, or raise the limit.',
              request: response.request,
              status: response.status,
            },
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    body.on('error', (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error instanceof TransportError ? error : response.classifyError(error));
    });
    body.on('close', () => {
      if (settled) return;
      settled = true;
      reject(response.classifyError(body.errored ?? prematureClose()));
    });
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('The response body was closed before it ended.'), {
    code: 'ERR_STREAM_PREMATURE_CLOSE',
  });
}

/**
 * A short, single-line excerpt of a body for error messages: secrets masked (before cutting, so that no part of
 * one survives at the cut), HTML tags stripped.
 */
export function excerpt(body: string, max = 200): string {
  const text = maskSecrets(body);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain =
    (title ? `${title.trim()} — ` : '') +
    text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ');
  const flat = plain.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
