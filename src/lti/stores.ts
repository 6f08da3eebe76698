/**
 * Pluggable single-use stores for login state and launch nonces, with in-memory implementations. Back them with
 * Redis or a database table when the tool runs on several processes.
 */

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
   * recorded and has not expired: a replay.
   */
  use(issuer: string, nonce: string, expiresAt: number): Promise<boolean> | boolean;
}

/** Options of the in-memory stores. */
export interface MemoryStoreOptions {
  /** Clock in ms (tests pass a fixed one). Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Entries kept at most; the oldest are dropped first. Default 100,000. */
  maxEntries?: number | undefined;
}

/**
 * A map with per-entry expiry and a size bound, swept lazily: lookups ignore expired entries, and each write drops
 * the expired entries at the head (insertion order is expiry order for a fixed TTL).
 */
class ExpiringMap<V> {
  readonly #map = new Map<string, { value: V; expiresAt: number }>();
  readonly #now: () => number;
  readonly #max: number;
  constructor(options: MemoryStoreOptions) {
    this.#now = options.now ?? Date.now;
    this.#max = options.maxEntries ?? 100_000;
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
  set(key: string, value: V, expiresAt: number): void {
    const now = this.#now();
    for (const [k, entry] of this.#map) {
      if (entry.expiresAt > now && this.#map.size < this.#max) break;
      this.#map.delete(k);
    }
    this.#map.delete(key);
    this.#map.set(key, { value, expiresAt });
  }
  delete(key: string): void {
    this.#map.delete(key);
  }
  get size(): number {
    return this.#map.size;
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
    this.#map = new ExpiringMap(options);
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
 * Nonces in memory (one process only).
 *
 * @example
 * ```ts
 * const nonces = new MemoryNonceStore();
 * nonces.use('https://lms.example.org', 'abc', Date.now() + 60_000); // true, then false on replay
 * ```
 */
export class MemoryNonceStore implements NonceStore {
  readonly #map: ExpiringMap<true>;
  constructor(options: MemoryStoreOptions = {}) {
    this.#map = new ExpiringMap(options);
  }
  use(issuer: string, nonce: string, expiresAt: number): boolean {
    const key = `${issuer}\u0000${nonce}`;
    if (this.#map.get(key)) return false;
    this.#map.set(key, true, Math.max(expiresAt, this.#map.now() + 1_000));
    return true;
  }
}
