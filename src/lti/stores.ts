/**
 * Pluggable single-use stores for login state and launch nonces, with in-memory implementations. Back them with
 * Redis or a database table when the tool runs on several processes.
 */
import { ltiError } from './errors.js';

/** What the tool remembers between login initiation and launch. */
export interface LoginState {
  /** The nonce sent to the platform with this state. */
  nonce: string;
  issuer: string;
  clientId: string;
  /** `target_link_uri` of the login request. */
  targetLinkUri: string;
  /** `lti_deployment_id` of the login request, when sent. */
  deploymentId?: string | undefined;
  /** When the state was issued (ms since epoch). */
  createdAt: number;
}

/** Single-use storage of login states. */
export interface StateStore {
  /** Saves `state` for `ttlMs`. */
  put(state: string, value: LoginState, ttlMs: number): Promise<void> | void;
  /** Returns and deletes the state (single use); undefined when unknown or expired. */
  take(state: string): Promise<LoginState | undefined> | LoginState | undefined;
}

/** Single-use record of nonces seen in launches. */
export interface NonceStore {
  /**
   * Records `nonce` (scoped by issuer) until `expiresAt` (ms since epoch). Returns false when it was already
   * recorded and has not expired: a replay. A store that cannot record it must throw, never forget another nonce
   * to make room (that would let a replay through).
   */
  use(issuer: string, nonce: string, expiresAt: number): Promise<boolean> | boolean;
  /**
   * True when `nonce` was recorded and has not expired. Optional: with it, a token that carries an already used
   * nonce is reported as a replay even when it also fails the comparison with the nonce the login sent.
   */
  has?(issuer: string, nonce: string): Promise<boolean> | boolean;
}

/** Options of the in-memory stores. */
export interface MemoryStoreOptions {
  /** Clock in ms (tests pass a fixed one). Default `Date.now`. */
  now?: (() => number) | undefined;
  /**
   * Entries kept at most. Expired entries are dropped first; when every entry is still live, a state store drops
   * its oldest state and a nonce store refuses the launch (`lti.nonce_store_full`). Default 100,000.
   */
  maxEntries?: number | undefined;
}

/**
 * A map with per-entry expiry and a size bound. Lookups ignore expired entries; each write drops the expired
 * entries at the head, and a write into a full map sweeps every expired entry (at most once per expiry: the sweep
 * remembers the earliest expiry it left behind). When it is still full, `onFull` decides: drop the oldest entry, or
 * refuse the write.
 */
class ExpiringMap<V> {
  readonly #map = new Map<string, { value: V; expiresAt: number }>();
  readonly #now: () => number;
  readonly #max: number;
  readonly #onFull: 'drop-oldest' | 'refuse';
  /** No entry expires before this (a lower bound; exact after a full sweep). */
  #earliestExpiry = Number.POSITIVE_INFINITY;
  constructor(options: MemoryStoreOptions, onFull: 'drop-oldest' | 'refuse') {
    this.#now = options.now ?? Date.now;
    this.#max = options.maxEntries ?? 100_000;
    this.#onFull = onFull;
  }
  now(): number {
    return this.#now();
  }
  get(key: string): V | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#map.delete(key);
      return undefined;
    }
    return entry.value;
  }
  /** Stores the entry; false when the map is full of live entries and refuses. */
  set(key: string, value: V, expiresAt: number): boolean {
    const now = this.#now();
    for (const [k, entry] of this.#map) {
      if (entry.expiresAt > now) break;
      this.#map.delete(k);
    }
    if (!this.#map.has(key) && this.#map.size >= this.#max) {
      if (now >= this.#earliestExpiry) this.#sweep(now);
      if (this.#map.size >= this.#max) {
        if (this.#onFull === 'refuse') return false;
        const oldest = this.#map.keys().next();
        if (!oldest.done) this.#map.delete(oldest.value);
      }
    }
    this.#map.delete(key);
    this.#map.set(key, { value, expiresAt });
    if (expiresAt < this.#earliestExpiry) this.#earliestExpiry = expiresAt;
    return true;
  }
  delete(key: string): void {
    this.#map.delete(key);
  }
  get size(): number {
    return this.#map.size;
  }
  #sweep(now: number): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [k, entry] of this.#map) {
      if (entry.expiresAt <= now) this.#map.delete(k);
      else if (entry.expiresAt < earliest) earliest = entry.expiresAt;
    }
    this.#earliestExpiry = earliest;
  }
}

/**
 * Login states in memory (one process only).
 *
 * @example
 * ```ts
 * const tool = createLtiTool({ registrations, keys, stateStore: new MemoryStateStore() });
 * ```
 */
export class MemoryStateStore implements StateStore {
  readonly #map: ExpiringMap<LoginState>;
  constructor(options: MemoryStoreOptions = {}) {
    this.#map = new ExpiringMap(options, 'drop-oldest');
  }
  put(state: string, value: LoginState, ttlMs: number): void {
    this.#map.set(state, value, this.#map.now() + ttlMs);
  }
  take(state: string): LoginState | undefined {
    const value = this.#map.get(state);
    this.#map.delete(state);
    return value;
  }
  /** States held (expired ones may still count until swept). */
  get size(): number {
    return this.#map.size;
  }
}

/**
 * Nonces in memory (one process only). A nonce is kept until its token expires; when `maxEntries` live nonces are
 * held, the next launch is refused with `lti.nonce_store_full` rather than any nonce forgotten (forgetting one
 * would let its token be replayed).
 *
 * @example
 * ```ts
 * const nonces = new MemoryNonceStore();
 * nonces.use('https://lms.example.org', 'abc', Date.now() + 60_000); // true, then false on replay
 * ```
 */
export class MemoryNonceStore implements NonceStore {
  readonly #map: ExpiringMap<true>;
  readonly #max: number;
  constructor(options: MemoryStoreOptions = {}) {
    this.#map = new ExpiringMap(options, 'refuse');
    this.#max = options.maxEntries ?? 100_000;
  }
  use(issuer: string, nonce: string, expiresAt: number): boolean {
    const key = `${issuer}\u0000${nonce}`;
    if (this.#map.get(key)) return false;
    if (!this.#map.set(key, true, Math.max(expiresAt, this.#map.now() + 1_000)))
      throw ltiError(
        'launch',
        'lti.nonce_store_full',
        `The nonce store holds ${this.#max} nonces that have not expired yet; this launch is refused rather than one of them forgotten.`,
        { vars: { max: this.#max }, details: { maxEntries: this.#max } },
      );
    return true;
  }
  has(issuer: string, nonce: string): boolean {
    return this.#map.get(`${issuer}\u0000${nonce}`) !== undefined;
  }
  /** Nonces held (expired ones may still count until swept). */
  get size(): number {
    return this.#map.size;
  }
}
