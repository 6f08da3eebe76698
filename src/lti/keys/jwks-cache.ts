/** The platforms' key sets, fetched through the SDK's transport and cached. */
import type { JSONWebKeySet } from 'jose';
import { assertKnownOptions, TransportError } from '../../core/errors.js';
import { readText, Transport } from '../../core/transport.js';
import { ltiError } from '../errors.js';
import {
  assertJwks,
  cacheLifetimeMs,
  type KeyLookupContext,
  type KeyRequest,
  type KeySelection,
  kidsOf,
  pick,
  selectionKey,
} from './select.js';

/** Options of a {@link JwksCache}. Durations are milliseconds. */
export interface JwksCacheOptions {
  /** The HTTP client (its dispatcher, proxy and user agent). Default: a new {@link Transport}. */
  transport?: Transport | undefined;
  /** Deadline of one key set fetch. Default 5,000. */
  timeoutMs?: number | undefined;
  /** Least time between two refetches of one URL forced by an unknown `kid` (a flood of forged kids costs one fetch). Default 30,000. */
  cooldownMs?: number | undefined;
  /** Lifetime when the response has no usable `Cache-Control: max-age`. Default 600,000 (10 min). */
  defaultMaxAgeMs?: number | undefined;
  /** Lower bound of a cache lifetime taken from `max-age` (and of `no-cache`). Default 60,000. */
  minMaxAgeMs?: number | undefined;
  /** Upper bound of a cache lifetime taken from `max-age`. Default 86,400,000 (1 day). */
  maxMaxAgeMs?: number | undefined;
  /** Largest key set accepted, in bytes. Default 1 MiB. */
  maxBytes?: number | undefined;
  /** Clock in ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

const OPTION_KEYS = [
  'transport',
  'timeoutMs',
  'cooldownMs',
  'defaultMaxAgeMs',
  'minMaxAgeMs',
  'maxMaxAgeMs',
  'maxBytes',
  'now',
] as const;

interface Entry {
  jwks: JSONWebKeySet;
  expiresAt: number;
  imported: Map<string, KeySelection>;
}

/**
 * A cache of platforms' key sets, fetched through the SDK's {@link Transport}: entries live as long as the
 * response's `Cache-Control: max-age` (within bounds), an unknown `kid` triggers one refetch (at most once per
 * cooldown, so a flood of forged kids cannot hammer the platform), concurrent fetches of one URL are shared, and a
 * stale key set is kept when a refresh fails.
 *
 * @example
 * ```ts
 * const cache = new JwksCache({ timeoutMs: 3_000 });
 * const { key } = await cache.getKey('https://lms.example.org/mod/lti/certs.php', { kid, alg: 'RS256' });
 * ```
 */
export class JwksCache {
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #cooldownMs: number;
  readonly #defaultMaxAgeMs: number;
  readonly #minMaxAgeMs: number;
  readonly #maxMaxAgeMs: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<Entry>>();
  readonly #lastForcedFetch = new Map<string, number>();
  /** Fetches made so far (for tests and diagnostics). */
  fetchCount = 0;

  constructor(options: JwksCacheOptions = {}) {
    assertKnownOptions('JwksCache', options, OPTION_KEYS);
    this.#transport = options.transport ?? new Transport();
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#defaultMaxAgeMs = options.defaultMaxAgeMs ?? 600_000;
    this.#minMaxAgeMs = options.minMaxAgeMs ?? 60_000;
    this.#maxMaxAgeMs = options.maxMaxAgeMs ?? 86_400_000;
    this.#maxBytes = options.maxBytes ?? 1024 * 1024;
    this.#now = options.now ?? Date.now;
  }

  /** The key for `want` when the cache holds it fresh and already imported (no I/O, no await); else undefined. */
  peekKey(url: string, want: KeyRequest): KeySelection | undefined {
    const entry = this.#entries.get(url);
    if (!entry || entry.expiresAt <= this.#now()) return undefined;
    return entry.imported.get(selectionKey(want));
  }

  /** The verification key for `want` from the key set at `url`. */
  async getKey(url: string, want: KeyRequest, context: KeyLookupContext = {}): Promise<KeySelection> {
    const cached = this.#entries.get(url);
    const fetchedNow = !cached || cached.expiresAt <= this.#now();
    let entry = fetchedNow ? await this.#refresh(url, cached, context) : cached;
    let found = await pick(entry.jwks, entry.imported, want, url, context.moodle);
    // A key set fetched by this very call is already current: refetching it at once would find the same keys.
    if (
      !found &&
      !fetchedNow &&
      this.#now() - (this.#lastForcedFetch.get(url) ?? Number.NEGATIVE_INFINITY) >= this.#cooldownMs
    ) {
      this.#lastForcedFetch.set(url, this.#now());
      entry = await this.#refresh(url, undefined, context);
      found = await pick(entry.jwks, entry.imported, want, url, context.moodle);
    }
    if (found) return found;
    const kids = kidsOf(entry.jwks);
    throw ltiError(
      'launch',
      'lti.kid_unknown',
      `Key "${want.kid}" is not in the key set at ${url} (it holds ${kids.join(', ') || 'no keys'}).`,
      {
        moodle: context.moodle,
        vars: { kid: want.kid, kids: kids.join(', '), jwksUrl: url },
        details: { kid: want.kid, kids, jwksUrl: url },
      },
    );
  }

  /** The key set at `url`, from the cache when fresh. */
  async getKeySet(url: string, context: KeyLookupContext = {}): Promise<JSONWebKeySet> {
    const entry = this.#entries.get(url);
    if (entry && entry.expiresAt > this.#now()) return entry.jwks;
    return (await this.#refresh(url, entry, context)).jwks;
  }

  /** Forgets every cached key set. */
  clear(): void {
    this.#entries.clear();
    this.#lastForcedFetch.clear();
  }

  async #refresh(url: string, stale: Entry | undefined, context: KeyLookupContext): Promise<Entry> {
    let pending = this.#inflight.get(url);
    if (!pending) {
      pending = this.#fetch(url, context).finally(() => this.#inflight.delete(url));
      this.#inflight.set(url, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (stale) return stale;
      throw error;
    }
  }

  async #fetch(url: string, context: KeyLookupContext): Promise<Entry> {
    this.fetchCount++;
    const vars = { jwksUrl: url };
    let text: string;
    let status: number;
    let cacheControl: string | string[] | undefined;
    try {
      const response = await this.#transport.request({
        url,
        headers: { accept: 'application/jwk-set+json, application/json' },
        timeoutMs: this.#timeoutMs,
        idempotent: true,
        retry: { retries: 1 },
        signal: context.signal,
      });
      status = response.status;
      cacheControl = response.headers['cache-control'];
      if (status !== 200) {
        await response.body.dump().catch(() => undefined);
        throw ltiError('keyset', 'lti.jwks_http_error', `The key set at ${url} answered HTTP ${status}.`, {
          moodle: context.moodle,
          vars: { ...vars, status },
          details: { status, jwksUrl: url },
        });
      }
      text = await readText(response, this.#maxBytes);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      if (error.code === 'transport.body_too_large')
        throw ltiError(
          'keyset',
          'lti.jwks_invalid',
          `The key set at ${url} is larger than ${this.#maxBytes} bytes.`,
          {
            moodle: context.moodle,
            vars,
            cause: error,
          },
        );
      const code = error.code === 'transport.timeout' ? 'lti.jwks_timeout' : 'lti.jwks_unreachable';
      throw ltiError('keyset', code, `Could not fetch the key set at ${url}: ${error.message}`, {
        moodle: context.moodle,
        vars,
        cause: error,
        details: { jwksUrl: url },
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const jwks = assertJwks(parsed, url, context.moodle);
    const lifetime = cacheLifetimeMs(cacheControl);
    const maxAge =
      lifetime === undefined
        ? this.#defaultMaxAgeMs
        : Math.min(this.#maxMaxAgeMs, Math.max(this.#minMaxAgeMs, lifetime));
    const now = this.#now();
    const entry: Entry = { jwks, expiresAt: now + maxAge, imported: new Map() };
    this.#entries.set(url, entry);
    return entry;
  }
}
