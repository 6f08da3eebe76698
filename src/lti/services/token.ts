/** OAuth2 client-credentials tokens for LTI Advantage services, with a signed JWT assertion, cached per scope set. */
import { assertKnownOptions, TransportError } from '../../core/errors.js';
import { registerSecret } from '../../core/redact.js';
import { excerpt, readText, Transport } from '../../core/transport.js';
import { ltiError } from '../errors.js';
import { randomId, type ToolKey, ToolKeySet } from '../keys/tool-keys.js';
import { isMoodle, type LtiRegistration } from '../registrations.js';

/** Options of a {@link ServiceTokenProvider}. Durations are milliseconds. */
export interface ServiceTokenOptions {
  /** The platform registration (`tokenUrl`, `clientId`, optional `tokenAudience`). */
  registration: Pick<LtiRegistration, 'clientId' | 'tokenUrl' | 'tokenAudience'> & Partial<LtiRegistration>;
  /** The tool's keys; the signing key signs the assertion. */
  keys: ToolKeySet | ToolKey;
  transport?: Transport | undefined;
  /** Clock in ms. */
  now?: (() => number) | undefined;
  /** Renew a token this long before it expires. Default 30,000. */
  refreshBeforeMs?: number | undefined;
  /** Lifetime of the assertion JWT. Default 300,000. */
  assertionLifetimeMs?: number | undefined;
}

/** An access token and what it grants. */
export interface ServiceToken {
  accessToken: string;
  /** Scopes granted (as the platform said, else as asked). */
  scopes: string[];
  /** Expiry in ms since epoch. */
  expiresAt: number;
}

const OPTION_KEYS = [
  'registration',
  'keys',
  'transport',
  'now',
  'refreshBeforeMs',
  'assertionLifetimeMs',
] as const;

/** The cache key (and `scope` parameter) of a set of scopes: distinct, sorted, space-separated. */
const scopeKey = (scopes: readonly string[]): string => [...new Set(scopes)].sort().join(' ');

/**
 * Gets access tokens from the platform's token endpoint with `client_credentials` and a `private_key_jwt`
 * assertion (`iss` = `sub` = client_id, `aud` = token endpoint or the configured audience, `jti`, signed with the
 * tool's key and `kid`). Tokens are cached per set of scopes; concurrent requests for one set share one call.
 *
 * @example
 * ```ts
 * const tokens = new ServiceTokenProvider({ registration, keys });
 * const token = await tokens.get([SCOPE.score]);
 * ```
 */
export class ServiceTokenProvider {
  readonly #registration: ServiceTokenOptions['registration'];
  readonly #signer: ToolKey;
  readonly #transport: Transport;
  readonly #now: () => number;
  readonly #refreshBeforeMs: number;
  readonly #assertionLifetimeMs: number;
  readonly #cache = new Map<string, ServiceToken>();
  readonly #inflight = new Map<string, Promise<ServiceToken>>();
  /** Token requests sent so far. */
  requestCount = 0;

  constructor(options: ServiceTokenOptions) {
    assertKnownOptions('ServiceTokenProvider', options, OPTION_KEYS);
    this.#registration = options.registration;
    this.#signer = options.keys instanceof ToolKeySet ? options.keys.signingKey : options.keys;
    this.#transport = options.transport ?? new Transport();
    this.#now = options.now ?? Date.now;
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 30_000;
    this.#assertionLifetimeMs = options.assertionLifetimeMs ?? 300_000;
  }

  /** A valid token for `scopes` (from the cache when it has one). */
  async get(scopes: readonly string[], signal?: AbortSignal): Promise<ServiceToken> {
    const key = scopeKey(scopes);
    const cached = this.#cache.get(key);
    if (cached && cached.expiresAt - this.#refreshBeforeMs > this.#now()) return cached;
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = this.#request(key, signal).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    const token = await pending;
    this.#cache.set(key, token);
    return token;
  }

  /** Forgets the token of `scopes` (after the platform refused it). */
  invalidate(scopes: readonly string[]): void {
    this.#cache.delete(scopeKey(scopes));
  }

  async #request(scope: string, signal: AbortSignal | undefined): Promise<ServiceToken> {
    const reg = this.#registration;
    const moodle = isMoodle(reg);
    if (!reg.tokenUrl)
      throw ltiError('service', 'lti.registration_invalid', 'The registration has no tokenUrl.', {
        vars: { field: 'tokenUrl', detail: 'missing (Moodle: "Access token URL")' },
      });
    const iat = Math.floor(this.#now() / 1000);
    const assertion = await this.#signer.sign({
      iss: reg.clientId,
      sub: reg.clientId,
      aud: reg.tokenAudience ?? reg.tokenUrl,
      iat,
      exp: iat + Math.ceil(this.#assertionLifetimeMs / 1000),
      jti: randomId(16),
    });
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope,
    }).toString();
    this.requestCount++;
    let status: number;
    let text: string;
    try {
      const response = await this.#transport.request({
        method: 'POST',
        url: reg.tokenUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal,
      });
      status = response.status;
      text = await readText(response, 1024 * 1024);
    } catch (error) {
      if (error instanceof TransportError)
        throw ltiError(
          'service',
          'lti.service_token_failed',
          `Could not reach the token endpoint: ${error.message}`,
          {
            moodle,
            cause: error,
            vars: { upstream: error.code },
            request: error.request,
          },
        );
      throw error;
    }
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (status !== 200 || typeof json?.access_token !== 'string') {
      const upstream = typeof json?.error === 'string' ? json.error : undefined;
      throw ltiError(
        'service',
        'lti.service_token_failed',
        `The token endpoint answered HTTP ${status}${upstream ? ` (${upstream})` : `: ${excerpt(text, 120)}`}.`,
        {
          moodle,
          vars: { status, upstream },
          details: { status, upstream },
        },
      );
    }
    registerSecret(json.access_token);
    const granted =
      typeof json.scope === 'string' ? json.scope.split(/\s+/).filter(Boolean) : scope.split(' ');
    const missing = scope.split(' ').filter((s) => s && !granted.includes(s));
    if (missing.length > 0)
      throw ltiError(
        'service',
        'lti.scope_not_granted',
        `The platform did not grant ${missing.join(', ')}.`,
        {
          moodle,
          vars: { scope: missing.join(', ') },
          details: { missing },
        },
      );
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : 3600;
    return { accessToken: json.access_token, scopes: granted, expiresAt: this.#now() + expiresIn * 1000 };
  }
}
