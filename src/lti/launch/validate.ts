import { assertKnownOptions } from '../../core/errors.js';
import { CLAIM, type LtiLaunch, type LtiMessageType, MESSAGE_TYPES } from '../claims.js';
import { ltiError } from '../errors.js';
import { JwksCache } from '../keys/jwks-cache.js';
import { ALLOWED_ALGORITHMS, type KeySelection, type LtiAlgorithm, selectStaticKey } from '../keys/select.js';
import { isMoodle, type LaunchRegistration, type RegistrationStore } from '../registrations.js';
import type { NonceStore } from '../stores.js';
import { checkClaims } from './check-claims.js';
import { checkTimes } from './check-times.js';
import { DEFAULT_MAX_TOKEN_BYTES, decodeJwt } from './decode.js';
import { verifyCompactSignature } from './verify-signature.js';

/** Options of a {@link LaunchValidator}. Durations are milliseconds. */
export interface LaunchValidatorOptions {
  /** Where registrations are looked up by issuer and client id. Either this or `registration`. */
  registrations?: RegistrationStore | undefined;
  /** The one registration to validate against (the CLI, a single-platform tool). */
  registration?: LaunchRegistration | undefined;
  /** The key set cache (share one per process). Default: a new one. */
  jwks?: JwksCache | undefined;
  /** Records nonces so that a replayed id_token is refused. Without it, nonces are only compared to `expectedNonce`. */
  nonceStore?: NonceStore | undefined;
  /** Clock in ms since epoch; pass a fixed clock to validate a captured launch at its own `iat`. */
  now?: (() => number) | undefined;
  /** Accepted clock difference with the platform. Default 10,000. */
  clockToleranceMs?: number | undefined;
  /** Largest id_token accepted. Default 64 KiB. */
  maxTokenBytes?: number | undefined;
  /** Message types accepted. Default: resource link and deep linking requests. */
  messageTypes?: readonly LtiMessageType[] | undefined;
}

/** Per-launch expectations, from the login state. */
export interface ValidateOptions {
  /** The nonce sent at login; the token must carry it. */
  expectedNonce?: string | undefined;
  /** The `target_link_uri` of the login request; the token must target the same URL. */
  expectedTargetLinkUri?: string | undefined;
  /** The issuer the login came from. */
  expectedIssuer?: string | undefined;
  /** Aborts the key set fetch. */
  signal?: AbortSignal | undefined;
}

const OPTION_KEYS = [
  'registrations',
  'registration',
  'jwks',
  'nonceStore',
  'now',
  'clockToleranceMs',
  'maxTokenBytes',
  'messageTypes',
] as const;

/**
 * Validates LTI 1.3 id_tokens: every check of the 1EdTech Security Framework and LTI Core, each failure an
 * {@link LtiError} with its own code and a diagnosis naming the platform setting to fix.
 *
 * @example
 * ```ts
 * const validator = new LaunchValidator({ registrations, nonceStore: new MemoryNonceStore() });
 * const launch = await validator.validate(idToken, { expectedNonce: state.nonce });
 * console.log(launch.userId, launch.roles, launch.context?.title);
 * ```
 */
export class LaunchValidator {
  readonly #registrations: RegistrationStore | undefined;
  readonly #registration: LaunchRegistration | undefined;
  readonly #jwks: JwksCache;
  readonly #nonces: NonceStore | undefined;
  readonly #now: () => number;
  readonly #toleranceMs: number;
  readonly #maxBytes: number;
  readonly #messageTypes: readonly LtiMessageType[];
  readonly #staticKeys = new WeakMap<object, Map<string, KeySelection>>();
  readonly #moodle = new WeakMap<object, boolean>();

  constructor(options: LaunchValidatorOptions) {
    assertKnownOptions('LaunchValidator', options, OPTION_KEYS);
    if (!options.registrations && !options.registration)
      throw ltiError(
        'config',
        'lti.registration_invalid',
        'LaunchValidator needs `registrations` or `registration`.',
        {
          vars: { field: 'registrations', detail: 'missing' },
        },
      );
    this.#registrations = options.registrations;
    this.#registration = options.registration;
    this.#jwks = options.jwks ?? new JwksCache({ now: options.now });
    this.#nonces = options.nonceStore;
    this.#now = options.now ?? Date.now;
    this.#toleranceMs = options.clockToleranceMs ?? 10_000;
    this.#maxBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
    this.#messageTypes = options.messageTypes ?? MESSAGE_TYPES;
  }

  /** Validates one id_token and returns the launch with typed claims. Rejects with an {@link LtiError}. */
  async validate(idToken: unknown, expect: ValidateOptions = {}): Promise<LtiLaunch> {
    const { header, payload } = decodeJwt(idToken, this.#maxBytes);
    const alg = header.alg;
    if (typeof alg !== 'string' || !(ALLOWED_ALGORITHMS as readonly string[]).includes(alg))
      throw ltiError(
        'launch',
        'lti.alg_not_allowed',
        `Signature algorithm ${JSON.stringify(alg)} is not allowed.`,
        {
          vars: { alg: String(alg) },
          details: { alg, allowed: ALLOWED_ALGORITHMS },
        },
      );
    const kid = header.kid;
    if (kid !== undefined && typeof kid !== 'string')
      throw ltiError('launch', 'lti.token_header_invalid', 'The JWT header "kid" is not a string.');

    const iss = payload.iss;
    if (typeof iss !== 'string' || iss === '')
      throw ltiError('launch', 'lti.iss_missing', 'The token has no "iss" claim.');
    const aud = payload.aud;
    if (aud === undefined || aud === '' || (Array.isArray(aud) && aud.length === 0))
      throw ltiError('launch', 'lti.aud_missing', 'The token has no "aud" claim.');
    const audiences = typeof aud === 'string' ? [aud] : aud;
    if (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string'))
      throw ltiError('launch', 'lti.claim_invalid', '"aud" is neither a string nor an array of strings.', {
        vars: { claim: 'aud', detail: typeof aud },
      });

    const registration =
      this.#registration && expect.expectedIssuer === undefined
        ? this.#checkFixed(this.#registration, iss, audiences as string[])
        : await this.#findRegistration(iss, audiences as string[], payload.azp, expect.expectedIssuer);
    let moodle = this.#moodle.get(registration);
    if (moodle === undefined) {
      moodle = isMoodle(registration);
      this.#moodle.set(registration, moodle);
    }

    const peeked =
      registration.jwksUrl && !registration.keys
        ? this.#jwks.peekKey(registration.jwksUrl, {
            kid: kid as string | undefined,
            alg: alg as LtiAlgorithm,
          })
        : undefined;
    const selection =
      peeked ??
      (await this.#key(
        registration,
        { kid: kid as string | undefined, alg: alg as LtiAlgorithm },
        moodle,
        expect.signal,
      ));
    if (!verifyCompactSignature(idToken as string, selection.keyObject, alg as LtiAlgorithm))
      throw ltiError(
        'launch',
        'lti.signature_invalid',
        `The signature does not verify with key ${selection.kid ?? '(no kid)'}.`,
        {
          moodle,
          vars: { kid: selection.kid, kids: selection.kids.join(', ') },
          details: { kid: selection.kid, kids: selection.kids },
        },
      );
    const platformIsMoodle =
      moodle ||
      (registration.platform === undefined &&
        (payload[CLAIM.toolPlatform] as { product_family_code?: unknown } | undefined)
          ?.product_family_code === 'moodle');

    if (audiences.length > 1 && payload.azp === undefined)
      throw ltiError(
        'launch',
        'lti.azp_missing',
        `The token has ${audiences.length} audiences and no "azp".`,
        {
          moodle: platformIsMoodle,
        },
      );
    if (payload.azp !== undefined && payload.azp !== registration.clientId)
      throw ltiError(
        'launch',
        'lti.azp_mismatch',
        `"azp" is ${JSON.stringify(payload.azp)}, not ${registration.clientId}.`,
        {
          moodle: platformIsMoodle,
          vars: { got: String(payload.azp), expected: registration.clientId },
        },
      );
    checkTimes(payload, this.#now(), this.#toleranceMs, platformIsMoodle);

    const nonce = payload.nonce;
    if (typeof nonce !== 'string' || nonce === '')
      throw ltiError('launch', 'lti.nonce_missing', 'The token has no "nonce".', {
        moodle: platformIsMoodle,
      });
    if (expect.expectedNonce !== undefined && nonce !== expect.expectedNonce)
      throw ltiError('launch', 'lti.nonce_mismatch', "The token's nonce is not the one sent at login.", {
        moodle: platformIsMoodle,
        vars: { got: nonce, expected: expect.expectedNonce },
      });

    const launch = checkClaims(payload, {
      registration,
      moodle: platformIsMoodle,
      messageTypes: this.#messageTypes,
      expectedTargetLinkUri: expect.expectedTargetLinkUri,
      kid: selection.kid,
    });

    if (this.#nonces) {
      const used = this.#nonces.use(iss, nonce, (payload.exp as number) * 1000 + this.#toleranceMs);
      if (!(typeof used === 'boolean' ? used : await used))
        throw ltiError('launch', 'lti.nonce_replayed', 'This nonce was already used by an earlier launch.', {
          moodle: platformIsMoodle,
        });
    }
    return launch;
  }

  async #findRegistration(
    iss: string,
    audiences: string[],
    azp: unknown,
    expectedIssuer: string | undefined,
  ): Promise<LaunchRegistration> {
    if (expectedIssuer !== undefined && iss !== expectedIssuer)
      throw ltiError(
        'launch',
        'lti.issuer_mismatch',
        `The token's issuer is ${iss}, the login came from ${expectedIssuer}.`,
        {
          vars: { got: iss, expected: expectedIssuer },
        },
      );
    if (this.#registration) return this.#checkFixed(this.#registration, iss, audiences);
    const store = this.#registrations as RegistrationStore;
    const candidates = typeof azp === 'string' ? [azp, ...audiences] : audiences;
    for (const clientId of candidates) {
      if (!audiences.includes(clientId)) continue;
      const found = await store.find(iss, clientId);
      if (found) return found;
    }
    const known = store.hasIssuer ? await store.hasIssuer(iss) : false;
    if (known)
      throw ltiError(
        'launch',
        'lti.audience_mismatch',
        `Issuer ${iss} is registered, but not with client id ${audiences.join(', ')}.`,
        {
          vars: { got: audiences.join(', '), expected: 'a registered client_id' },
        },
      );
    throw ltiError('launch', 'lti.issuer_unknown', `No registration for issuer ${iss}.`, {
      vars: { iss, clientId: audiences.join(', ') },
      details: { iss },
    });
  }

  #checkFixed(fixed: LaunchRegistration, iss: string, audiences: string[]): LaunchRegistration {
    if (iss !== fixed.issuer)
      throw ltiError(
        'launch',
        'lti.issuer_mismatch',
        `The token's issuer is ${iss}, expected ${fixed.issuer}.`,
        {
          moodle: isMoodle(fixed),
          vars: { got: iss, expected: fixed.issuer },
        },
      );
    if (!audiences.includes(fixed.clientId))
      throw ltiError(
        'launch',
        'lti.audience_mismatch',
        `The token is for ${audiences.join(', ')}, not ${fixed.clientId}.`,
        {
          moodle: isMoodle(fixed),
          vars: { got: audiences.join(', '), expected: fixed.clientId },
        },
      );
    return fixed;
  }

  async #key(
    registration: LaunchRegistration,
    want: { kid: string | undefined; alg: LtiAlgorithm },
    moodle: boolean,
    signal: AbortSignal | undefined,
  ): Promise<KeySelection> {
    if (registration.keys) {
      let imported = this.#staticKeys.get(registration.keys);
      if (!imported) {
        imported = new Map();
        this.#staticKeys.set(registration.keys, imported);
      }
      return selectStaticKey(registration.keys, want, { moodle, imported });
    }
    if (!registration.jwksUrl)
      throw ltiError(
        'config',
        'lti.jwks_missing',
        `The registration of ${registration.issuer} has no jwksUrl.`,
        { moodle },
      );
    return this.#jwks.getKey(registration.jwksUrl, want, { moodle, signal });
  }
}

/**
 * Validates one id_token against one registration (a convenience over {@link LaunchValidator}).
 *
 * @example
 * ```ts
 * const launch = await validateLaunch(idToken, {
 *   registration: { issuer, clientId, deploymentIds: ['1'], jwksUrl },
 *   now: () => Date.parse('2026-11-21T19:06:57Z'),
 * });
 * ```
 */
export async function validateLaunch(
  idToken: unknown,
  options: LaunchValidatorOptions & ValidateOptions,
): Promise<LtiLaunch> {
  const { expectedNonce, expectedTargetLinkUri, expectedIssuer, signal, ...validatorOptions } = options;
  return new LaunchValidator(validatorOptions).validate(idToken, {
    expectedNonce,
    expectedTargetLinkUri,
    expectedIssuer,
    signal,
  });
}
