/**
 * One attempt of a transport request, and what may end it early: its deadline (all deadlines in flight share one
 * timer) and the caller's AbortSignal, in one small abort handle that undici takes as the request's `signal`.
 * Internal to the transport.
 */
import { performance } from 'node:perf_hooks';
import { type RedactedRequest, TransportError } from './errors.js';

/** What an attempt needs to know of its request. */
export interface AttemptRequest {
  readonly timeoutMs: number;
  readonly req: { readonly signal?: AbortSignal | undefined };
  /** The redacted copy, made on first use. */
  redacted(): RedactedRequest;
}

/**
 * The deadlines of the attempts in flight, behind one timer armed for the earliest. A call that ends before its
 * deadline (nearly all) costs linking and unlinking in a list instead of a timer of its own; the timer is unref'd,
 * so it never keeps a finished program alive (an attempt in flight has its socket for that).
 */
interface Link {
  prev: Link;
  next: Link;
}
const inFlight: Link = { prev: undefined as unknown as Link, next: undefined as unknown as Link };
inFlight.prev = inFlight;
inFlight.next = inFlight;
let sweepTimer: ReturnType<typeof setTimeout> | undefined;
let sweepAt = Number.POSITIVE_INFINITY;

function watchDeadline(control: AttemptControl): void {
  const last = inFlight.prev;
  control.prev = last;
  control.next = inFlight;
  last.next = control;
  inFlight.prev = control;
  if (control.deadline < sweepAt) armSweep(control.deadline);
}

function unwatchDeadline(control: AttemptControl): void {
  control.prev.next = control.next;
  control.next.prev = control.prev;
  control.prev = control;
  control.next = control;
}

function armSweep(at: number): void {
  if (sweepTimer !== undefined) clearTimeout(sweepTimer);
  sweepAt = at;
  sweepTimer = setTimeout(sweep, Math.max(0, Math.ceil(at - performance.now())));
  sweepTimer.unref();
}

function sweep(): void {
  sweepTimer = undefined;
  sweepAt = Number.POSITIVE_INFINITY;
  const now = performance.now();
  let next = Number.POSITIVE_INFINITY;
  let link = inFlight.next;
  while (link !== inFlight) {
    const control = link as AttemptControl;
    link = link.next;
    if (control.deadline <= now) {
      unwatchDeadline(control);
      control.timedOut = true;
      control.abort(new Error('deadline'));
    } else if (control.deadline < next) next = control.deadline;
  }
  if (next !== Number.POSITIVE_INFINITY) armSweep(next);
}

type AbortListener = (this: unknown, event?: unknown) => void;

/**
 * The abort handle of one attempt: the deadline and the caller's signal in one, without an AbortController,
 * a closure or an EventTarget per request (they dominated the cost of a fast call). undici and Node's http2 accept
 * it as a request `signal`: they read `aborted` and `reason` and add one `abort` listener.
 */
export class AttemptControl implements Link {
  /** Neighbours in the list of deadlines in flight (itself when not in it). */
  prev: Link = this;
  next: Link = this;
  aborted = false;
  reason: unknown;
  timedOut = false;
  #listeners: AbortListener[] | undefined;
  /** When the attempt times out, on the performance.now() clock (Infinity: never). */
  readonly deadline: number;
  #caller: AbortSignal | undefined;
  readonly #sent: AttemptRequest;

  constructor(sent: AttemptRequest, caller: AbortSignal | undefined) {
    this.#sent = sent;
    this.deadline = sent.timeoutMs > 0 ? performance.now() + sent.timeoutMs : Number.POSITIVE_INFINITY;
    if (sent.timeoutMs > 0) watchDeadline(this);
    if (caller) {
      this.#caller = caller;
      caller.addEventListener('abort', this, { once: true });
    }
  }

  /** What undici is given as `signal`: this object, or nothing when neither a deadline nor a caller can abort. */
  signal(): AbortSignal | undefined {
    return this.deadline === Number.POSITIVE_INFINITY && this.#caller === undefined
      ? undefined
      : (this as unknown as AbortSignal);
  }

  /** The caller's signal fired (EventTarget calls `handleEvent` of a listener object). */
  handleEvent(): void {
    this.abort(this.#caller?.reason);
  }

  addEventListener(type: string, listener: AbortListener): void {
    if (type !== 'abort') return;
    if (this.#listeners) this.#listeners.push(listener);
    else this.#listeners = [listener];
  }

  /**
   * undici calls this when the request is over: its response body closed (read, dumped or destroyed) or the
   * request failed. With no listener left, the deadline and the caller's signal are let go.
   */
  removeEventListener(type: string, listener: AbortListener): void {
    if (type !== 'abort') return;
    const listeners = this.#listeners;
    if (listeners) {
      const index = listeners.indexOf(listener);
      if (index >= 0) listeners.splice(index, 1);
      if (listeners.length > 0) return;
    }
    this.dispose();
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener.call(this, { type: 'abort', target: this });
  }

  /** Stops the deadline and forgets the caller's signal (the answer is complete, or failed). */
  dispose(): void {
    unwatchDeadline(this);
    this.#caller?.removeEventListener('abort', this);
    this.#caller = undefined;
  }

  classify(error: unknown): TransportError {
    const sent = this.#sent;
    if (this.timedOut) {
      return new TransportError(
        'transport.timeout',
        `No complete answer from ${sent.redacted().url} within ${sent.timeoutMs} ms.`,
        {
          hint: 'The server is slow or unreachable; raise timeoutMs for this call or check the site.',
          request: sent.redacted(),
          cause: error,
        },
      );
    }
    if (sent.req.signal?.aborted) return abortedError(sent.redacted(), error);
    return networkError(sent.redacted(), error);
  }
}

export function abortedError(request: RedactedRequest, cause: unknown): TransportError {
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
