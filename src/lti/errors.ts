/**
 * Everything an LTI failure is made of, in one place: the stable codes, the error classes, the factory every LTI
 * file throws through ({@link ltiError}), and the diagnosis of each code (the table in `hints.ts`), worded in
 * Moodle's own terms when the platform is Moodle.
 */
import { MtsError, type MtsErrorOptions } from '../core/errors.js';
import { maskSecrets } from '../core/redact.js';
import { type DiagnosisVars, HINTS, type HintEntry } from './hints.js';

export type { DiagnosisVars };

/**
 * Every stable code an LTI error can carry. Each names one broken check, so a program (or a test) can tell a
 * wrong `deployment_id` from a rotated key without reading the message.
 */
export const LTI_ERROR_CODES = [
  // The id_token as a string
  'lti.token_missing',
  'lti.token_too_large',
  'lti.token_malformed',
  'lti.token_header_invalid',
  'lti.token_payload_invalid',
  'lti.alg_not_allowed',
  'lti.kid_missing',
  'lti.kid_unknown',
  'lti.key_unusable',
  'lti.key_too_small',
  'lti.signature_invalid',
  // The platform's key set
  'lti.jwks_unreachable',
  'lti.jwks_timeout',
  'lti.jwks_http_error',
  'lti.jwks_invalid',
  'lti.jwks_missing',
  // Registered claims
  'lti.iss_missing',
  'lti.issuer_unknown',
  'lti.issuer_mismatch',
  'lti.aud_missing',
  'lti.audience_mismatch',
  'lti.azp_missing',
  'lti.azp_mismatch',
  'lti.exp_missing',
  'lti.iat_missing',
  'lti.token_expired',
  'lti.token_issued_in_future',
  'lti.token_not_yet_valid',
  'lti.sub_invalid',
  // Nonce and state
  'lti.nonce_missing',
  'lti.nonce_replayed',
  'lti.nonce_mismatch',
  'lti.nonce_store_full',
  'lti.state_missing',
  'lti.state_unknown',
  'lti.state_mismatch',
  'lti.state_cookie_missing',
  // LTI claims
  'lti.deployment_id_missing',
  'lti.deployment_id_invalid',
  'lti.deployment_id_unknown',
  'lti.version_missing',
  'lti.version_unsupported',
  'lti.message_type_missing',
  'lti.message_type_unknown',
  'lti.target_link_uri_missing',
  'lti.target_link_uri_mismatch',
  'lti.resource_link_missing',
  'lti.roles_missing',
  'lti.roles_unrecognized',
  'lti.deep_linking_settings_missing',
  'lti.submission_review_claim_missing',
  'lti.claim_invalid',
  // Login initiation
  'lti.login_param_missing',
  'lti.login_target_invalid',
  'lti.client_id_unknown',
  // Registrations and keys
  'lti.registration_invalid',
  'lti.tool_details_unparsable',
  'lti.key_invalid',
  // Deep linking
  'lti.deep_linking_item_invalid',
  'lti.deep_linking_type_not_accepted',
  'lti.deep_linking_multiple_not_accepted',
  // Services
  'lti.service_token_failed',
  'lti.scope_not_granted',
  'lti.service_unavailable',
  'lti.service_http_error',
  'lti.service_response_invalid',
  'lti.next_link_foreign',
  'lti.score_timestamp_not_increasing',
] as const;

/** One of {@link LTI_ERROR_CODES}. */
export type LtiErrorCode = (typeof LTI_ERROR_CODES)[number];

/** Options of every LTI error. */
export interface LtiErrorOptions extends MtsErrorOptions {
  /** True when the platform is (or looks like) Moodle, so the hint used Moodle's own setting names. */
  moodle?: boolean | undefined;
}

/**
 * Base class of every LTI failure. `code` is one of {@link LTI_ERROR_CODES}; `hint` says, in plain words, which
 * setting to change on the platform (in Moodle's words when the platform is Moodle).
 *
 * @example
 * ```ts
 * try { await tool.launch(request); }
 * catch (e) { if (e instanceof LtiError) console.error(e.code, e.message, e.hint); }
 * ```
 */
export class LtiError extends MtsError {
  declare readonly code: LtiErrorCode;
  /** True when the hint was written for a Moodle platform. */
  readonly moodle: boolean;
  constructor(code: LtiErrorCode, message: string, options: LtiErrorOptions = {}) {
    super(code, message, options);
    this.moodle = options.moodle ?? false;
  }
}

/** The id_token of a launch (or a deep linking request) failed a check. */
export class LtiLaunchError extends LtiError {}

/** The platform's key set could not be fetched or read. */
export class LtiKeySetError extends LtiError {}

/** The OIDC login initiation request is unusable. */
export class LtiLoginError extends LtiError {}

/** A registration, a pasted configuration or a key is unusable. */
export class LtiConfigError extends LtiError {}

/** A deep linking response cannot be built as asked. */
export class LtiDeepLinkingError extends LtiError {}

/** An LTI Advantage service call (token, AGS, NRPS) failed. */
export class LtiServiceError extends LtiError {
  /** HTTP status of the platform's answer, when there was one. */
  readonly status: number | undefined;
  /** The OAuth2 `error` field or similar code the platform sent. */
  readonly upstreamCode: string | undefined;
  constructor(
    code: LtiErrorCode,
    message: string,
    options: LtiErrorOptions & { status?: number | undefined; upstreamCode?: string | undefined } = {},
  ) {
    super(code, message, options);
    this.status = options.status;
    // The platform's own code may echo what it received: mask it like the message.
    this.upstreamCode = options.upstreamCode === undefined ? undefined : maskSecrets(options.upstreamCode);
  }
}

/** Every hint is keyed by a known code: a key that is not one fails to compile here. */
const HINTS_BY_CODE: Partial<Record<LtiErrorCode, HintEntry>> = HINTS;
const EVERY_HINT_HAS_A_CODE: [Exclude<keyof typeof HINTS, LtiErrorCode>] extends [never] ? true : never =
  true;
void EVERY_HINT_HAS_A_CODE;

/** The hint for an error code, in Moodle's words when `moodle` is true. */
export function hintFor(code: LtiErrorCode, moodle: boolean, vars: DiagnosisVars = {}): string | undefined {
  const entry = HINTS_BY_CODE[code];
  if (!entry) return undefined;
  const text = (moodle && entry.moodle) || entry.generic;
  return typeof text === 'function' ? text(vars) : text;
}

const CLASSES = {
  launch: LtiLaunchError,
  keyset: LtiKeySetError,
  login: LtiLoginError,
  config: LtiConfigError,
  deepLinking: LtiDeepLinkingError,
  service: LtiServiceError,
} as const;

/** Which class an error belongs to. */
export type LtiErrorKind = keyof typeof CLASSES;

/** Builds an LTI error of the given kind with its diagnosis as the hint. */
export function ltiError(
  kind: LtiErrorKind,
  code: LtiErrorCode,
  message: string,
  context: { moodle?: boolean | undefined; vars?: DiagnosisVars; details?: Record<string, unknown> } & Omit<
    LtiErrorOptions,
    'hint' | 'details' | 'moodle'
  > = {},
): LtiError {
  const moodle = context.moodle ?? false;
  const options: LtiErrorOptions = {
    hint: hintFor(code, moodle, context.vars),
    moodle,
    cause: context.cause,
    request: context.request,
    details: context.details,
  };
  if (kind === 'service') {
    const status = typeof context.vars?.status === 'number' ? context.vars.status : undefined;
    const upstream = typeof context.vars?.upstream === 'string' ? context.vars.upstream : undefined;
    return new LtiServiceError(code, message, { ...options, status, upstreamCode: upstream });
  }
  const Class = CLASSES[kind];
  return new Class(code, message, options);
}

/** A short report of an error for people: code, what happened, what to change. */
export function explain(error: unknown): string {
  if (error instanceof LtiError) {
    return [`${error.code}: ${error.message}`, ...(error.hint ? [`fix: ${error.hint}`] : [])].join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}
