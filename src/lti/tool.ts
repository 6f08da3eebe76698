/** The tool in one object: login, launch, JWKS, deep linking and services over shared stores, keys and caches. */
import { assertKnownOptions } from '../core/errors.js';
import { Transport } from '../core/transport.js';
import type { LtiLaunch, LtiMessageType } from './claims.js';
import {
  type ContentItem,
  createDeepLinkingResponse,
  type DeepLinkingResponse,
  type DeepLinkingResponseOptions,
} from './deep-linking.js';
import { ltiError } from './errors.js';
import type { LtiHttpRequest, LtiHttpResponse } from './http/request.js';
import { JwksCache, type JwksCacheOptions } from './keys/jwks-cache.js';
import type { ToolKeySet } from './keys/tool-keys.js';
import { handleLaunch, type LaunchResult } from './launch/handle.js';
import { handleLogin, type LoginOptions, type StateMode } from './launch/login.js';
import { LaunchValidator } from './launch/validate.js';
import {
  isMoodle,
  type LtiRegistration,
  MemoryRegistrationStore,
  type RegistrationStore,
} from './registrations.js';
import { AgsClient } from './services/ags.js';
import { NrpsClient } from './services/nrps.js';
import { ServiceTokenProvider } from './services/token.js';
import { MemoryNonceStore, MemoryStateStore, type NonceStore, type StateStore } from './stores.js';

/** Options of {@link createLtiTool}. Durations are milliseconds. */
export interface LtiToolOptions {
  /** The platforms this tool is registered with. */
  registrations: RegistrationStore | LtiRegistration[];
  /** The tool's signing keys (deep linking responses, service tokens, the published JWKS). */
  keys?: ToolKeySet | undefined;
  /** Where the platform posts launches (must be one of the redirect URIs registered on the platform). Default: target_link_uri. */
  redirectUri?: LoginOptions['redirectUri'];
  /** Default `cookie`; `server` survives blocked third-party cookies. */
  stateMode?: StateMode | undefined;
  stateStore?: StateStore | undefined;
  nonceStore?: NonceStore | undefined;
  /** Default 600,000. */
  stateTtlMs?: number | undefined;
  cookieName?: string | undefined;
  /** A shared key set cache, or options for a new one. */
  jwks?: JwksCache | JwksCacheOptions | undefined;
  transport?: Transport | undefined;
  now?: (() => number) | undefined;
  /** Default 10,000. */
  clockToleranceMs?: number | undefined;
  maxTokenBytes?: number | undefined;
  messageTypes?: readonly LtiMessageType[] | undefined;
}

const OPTION_KEYS = [
  'registrations',
  'keys',
  'redirectUri',
  'stateMode',
  'stateStore',
  'nonceStore',
  'stateTtlMs',
  'cookieName',
  'jwks',
  'transport',
  'now',
  'clockToleranceMs',
  'maxTokenBytes',
  'messageTypes',
] as const;

/**
 * An LTI 1.3 tool. Its handlers take a framework-neutral request and return `{status, headers, body}`; see
 * {@link createNodeHandler} for node:http.
 *
 * @example
 * ```ts
 * const tool = createLtiTool({ registrations: [parseMoodleToolDetails(pasted)], keys: await ToolKeySet.generate(),
 *   redirectUri: 'https://tool.example.org/launch' });
 * const redirect = await tool.login(request);           // 302 to the platform
 * const { launch } = await tool.launch(formPost);        // validated claims
 * ```
 */
export class LtiTool {
  readonly registrations: RegistrationStore;
  readonly keys: ToolKeySet | undefined;
  readonly validator: LaunchValidator;
  readonly jwksCache: JwksCache;
  readonly #options: LtiToolOptions;
  readonly #stateStore: StateStore;
  readonly #transport: Transport;
  readonly #tokenProviders = new Map<string, ServiceTokenProvider>();

  constructor(options: LtiToolOptions) {
    assertKnownOptions('createLtiTool', options, OPTION_KEYS);
    this.#options = options;
    this.registrations = Array.isArray(options.registrations)
      ? new MemoryRegistrationStore(options.registrations)
      : options.registrations;
    this.keys = options.keys;
    this.#transport = options.transport ?? new Transport();
    this.jwksCache =
      options.jwks instanceof JwksCache
        ? options.jwks
        : new JwksCache({ transport: this.#transport, now: options.now, ...options.jwks });
    this.#stateStore = options.stateStore ?? new MemoryStateStore({ now: options.now });
    this.validator = new LaunchValidator({
      registrations: this.registrations,
      jwks: this.jwksCache,
      nonceStore: options.nonceStore ?? new MemoryNonceStore({ now: options.now }),
      now: options.now,
      clockToleranceMs: options.clockToleranceMs,
      maxTokenBytes: options.maxTokenBytes,
      messageTypes: options.messageTypes,
    });
  }

  /** OIDC login initiation (GET or POST): a 302 to the platform's authorization endpoint. */
  login(request: LtiHttpRequest): Promise<LtiHttpResponse> {
    return handleLogin(request, {
      registrations: this.registrations,
      stateStore: this.#stateStore,
      redirectUri: this.#options.redirectUri,
      stateMode: this.#options.stateMode,
      stateTtlMs: this.#options.stateTtlMs,
      cookieName: this.#options.cookieName,
      now: this.#options.now,
    });
  }

  /** The platform's form_post to the redirect URI: state checked, id_token validated. */
  launch(request: LtiHttpRequest, signal?: AbortSignal): Promise<LaunchResult> {
    return handleLaunch(request, {
      validator: this.validator,
      stateStore: this.#stateStore,
      stateMode: this.#options.stateMode,
      cookieName: this.#options.cookieName,
      signal,
    });
  }

  /** The tool's public key set, as an HTTP answer (serve it at the URL given to the platform as "Public keyset"). */
  jwksResponse(): LtiHttpResponse {
    const keys = this.#needKeys();
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
      body: JSON.stringify(keys.jwks()),
    };
  }

  /** The signed deep linking response for a deep linking launch, with its auto-submitting form. */
  deepLinkingResponse(
    launch: LtiLaunch,
    items: ContentItem[],
    options: DeepLinkingResponseOptions = {},
  ): Promise<DeepLinkingResponse> {
    return createDeepLinkingResponse(launch, items, this.#needKeys(), { now: this.#options.now, ...options });
  }

  /** An AGS client for a launch. */
  async ags(launch: LtiLaunch): Promise<AgsClient> {
    const { tokens, moodle } = await this.#services(launch);
    return new AgsClient({ tokens, transport: this.#transport, moodle }, launch.ags, this.#options.now);
  }

  /** An NRPS client for a launch. */
  async nrps(launch: LtiLaunch): Promise<NrpsClient> {
    const { tokens, moodle } = await this.#services(launch);
    return new NrpsClient({ tokens, transport: this.#transport, moodle }, launch.nrps);
  }

  async #services(launch: LtiLaunch): Promise<{ tokens: ServiceTokenProvider; moodle: boolean }> {
    const registration = await this.registrations.find(launch.issuer, launch.clientId);
    if (!registration)
      throw ltiError('service', 'lti.issuer_unknown', `No registration for ${launch.issuer}.`, {
        vars: { iss: launch.issuer, clientId: launch.clientId },
      });
    const key = `${registration.issuer}\u0000${registration.clientId}`;
    let tokens = this.#tokenProviders.get(key);
    if (!tokens) {
      tokens = new ServiceTokenProvider({
        registration,
        keys: this.#needKeys(),
        transport: this.#transport,
        now: this.#options.now,
      });
      this.#tokenProviders.set(key, tokens);
    }
    return { tokens, moodle: isMoodle(registration) };
  }

  #needKeys(): ToolKeySet {
    if (!this.keys)
      throw ltiError('config', 'lti.key_invalid', 'The tool has no keys.', {
        vars: { detail: 'pass `keys: await ToolKeySet.generate()` to createLtiTool' },
      });
    return this.keys;
  }
}

/**
 * Creates an {@link LtiTool}.
 *
 * @example
 * ```ts
 * const tool = createLtiTool({ registrations: [registration], keys: await ToolKeySet.generate() });
 * ```
 */
export function createLtiTool(options: LtiToolOptions): LtiTool {
  return new LtiTool(options);
}
