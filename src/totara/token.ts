/**
 * OAuth2 client credentials against `/totara/oauth2/token.php`: one token cached until shortly before it expires,
 * fetched once however many calls wait for it (single flight).
 */
import { TransportError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { excerpt, readText, type Transport } from '../core/transport.js';
import { TotaraAuthError } from './errors.js';

/** An access token and when it stops working. */
export interface TotaraAccessToken {
  /** The bearer token (a secret: never log it). */
  accessToken: string;
  /** When the server said it expires. */
  expiresAt: Date;
  /** `Bearer`. */
  tokenType: string;
}

/** How long before `expires_in` a cached token is replaced: 10% of its life, at most 60 s. */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(60_000, Math.floor(lifetimeMs / 10));
}

/** Fetches and caches client-credentials tokens for one site and client. Secrets live in private fields. */
export class TotaraTokenSource {
  readonly #transport: Transport;
  readonly #tokenUrl: string;
  readonly #clientId: string;
  readonly #clientSecret: string;
  #cached: { token: TotaraAccessToken; refreshAt: number } | undefined;
  #pending: Promise<TotaraAccessToken> | undefined;
  /** Token requests sent so far (for tests and diagnostics). */
  fetchCount = 0;

  constructor(transport: Transport, baseUrl: string, clientId: string, clientSecret: string) {
    this.#transport = transport;
    this.#tokenUrl = `${baseUrl}/totara/oauth2/token.php`;
    this.#clientId = clientId;
    this.#clientSecret = clientSecret;
    registerSecret(clientSecret);
  }

  /** A valid token: the cached one, the one being fetched, or a new one. */
  get(signal?: AbortSignal): Promise<TotaraAccessToken> {
    if (this.#cached && Date.now() < this.#cached.refreshAt) return Promise.resolve(this.#cached.token);
    // The shared fetch ignores any one caller's signal, so a caller giving up does not fail the others.
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return untilAborted(this.#pending, signal);
  }

  /** Forgets `token` (when the server rejected it) so that the next {@link get} fetches another. */
  invalidate(token: string): void {
    if (this.#cached?.token.accessToken === token) this.#cached = undefined;
  }

  async #fetch(): Promise<TotaraAccessToken> {
    this.fetchCount++;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.#clientId,
      client_secret: this.#clientSecret,
    }).toString();
    const response = await this.#transport.request({
      method: 'POST',
      url: this.#tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      // Asking for a token twice is harmless: retry network errors and 5xx.
      idempotent: true,
    });
    const text = await readText(response, 1024 * 1024);
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object') {
      throw new TransportError(
        'totara.token_unexpected_response',
        `The token endpoint ${this.#tokenUrl} answered HTTP ${response.status} with something other than JSON: ${excerpt(text)}`,
        {
          hint: 'Check that the URL is the Totara wwwroot (the site answering /totara/oauth2/token.php) and that it runs Totara 17 or later.',
          request: response.request,
          status: response.status,
        },
      );
    }
    if (typeof parsed.error === 'string' || typeof parsed.access_token !== 'string') {
      const code = typeof parsed.error === 'string' ? parsed.error : 'no_access_token';
      const description =
        typeof parsed.error_description === 'string'
          ? parsed.error_description
          : typeof parsed.message === 'string'
            ? parsed.message
            : 'no access_token in the response';
      throw new TotaraAuthError(
        'totara.auth.token',
        `Totara refused a token for client "${this.#clientId}": ${code} (${description}).`,
        {
          hint:
            code === 'invalid_client'
              ? 'Check MTS_TOTARA_CLIENT_ID and MTS_TOTARA_CLIENT_SECRET against the API client (Site administration > Development > API > Clients), and that the client is enabled.'
              : 'Check the client credentials and that the API is enabled on the site.',
          request: response.request,
          status: response.status,
          category: code,
          details: { oauthError: code },
        },
      );
    }
    const accessToken = parsed.access_token;
    const expiresInSec = Number(parsed.expires_in);
    const lifetimeMs = Number.isFinite(expiresInSec) && expiresInSec > 0 ? expiresInSec * 1000 : 3_600_000;
    const now = Date.now();
    registerSecret(accessToken, { expiresAt: now + lifetimeMs });
    const token: TotaraAccessToken = {
      accessToken,
      expiresAt: new Date(now + lifetimeMs),
      tokenType: typeof parsed.token_type === 'string' ? parsed.token_type : 'Bearer',
    };
    this.#cached = { token, refreshAt: now + lifetimeMs - refreshMarginMs(lifetimeMs) };
    return token;
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
