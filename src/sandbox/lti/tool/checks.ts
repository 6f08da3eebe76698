/**
 * The 1EdTech Security Framework and LTI Core checks of a launch, as a list a person can read: each check passed,
 * failed or was not reached, in the order the SDK's {@link LaunchValidator} runs them. The validator stops at the
 * first failure, so the checks before it passed and those after it were not reached.
 */

/** One check of a launch. */
export interface LaunchCheck {
  id: string;
  label: string;
  status: 'pass' | 'fail' | 'warn' | 'skipped';
  /** The error code of a failure (or of a warning). */
  code?: string | undefined;
}

interface CheckSpec {
  id: string;
  label: string;
  /** Error codes this check owns; a prefix ending in `*` matches a family. */
  codes: string[];
}

/** The checks in the order they run: the tool's state checks first, then the validator's. */
const CHECKS: CheckSpec[] = [
  { id: 'platform_answer', label: 'The platform answered the login with an id_token (no error=)', codes: [] },
  {
    id: 'state',
    label: 'state was issued by this tool at login, is unexpired and used once',
    codes: ['lti.state_missing', 'lti.state_unknown', 'lti.state_mismatch'],
  },
  {
    id: 'token',
    label: 'id_token is a compact JWS of sane size',
    codes: [
      'lti.token_missing',
      'lti.token_too_large',
      'lti.token_malformed',
      'lti.token_header_invalid',
      'lti.token_payload_invalid',
    ],
  },
  {
    id: 'alg',
    label: 'Signed with an asymmetric algorithm (RS256, PS256, ES256...)',
    codes: ['lti.alg_not_allowed'],
  },
  {
    id: 'issuer',
    label: 'Issuer (iss) is a registered platform, the one the login came from',
    codes: ['lti.iss_missing', 'lti.issuer_unknown', 'lti.issuer_mismatch'],
  },
  {
    id: 'audience',
    label: "Audience (aud) is this tool's client_id",
    codes: ['lti.aud_missing', 'lti.audience_mismatch'],
  },
  {
    id: 'key',
    label: "Signing key (kid) found in the platform's key set",
    codes: ['lti.kid_missing', 'lti.kid_unknown', 'lti.key_unusable', 'lti.jwks_*'],
  },
  { id: 'signature', label: 'Signature verifies with that key', codes: ['lti.signature_invalid'] },
  {
    id: 'azp',
    label: 'Authorized party (azp) is this tool when present or when there are several audiences',
    codes: ['lti.azp_missing', 'lti.azp_mismatch'],
  },
  {
    id: 'times',
    label: 'Not expired, not issued in the future (exp, iat, nbf, with tolerance)',
    codes: [
      'lti.exp_missing',
      'lti.iat_missing',
      'lti.token_expired',
      'lti.token_issued_in_future',
      'lti.token_not_yet_valid',
    ],
  },
  {
    id: 'nonce',
    label: 'nonce is the one this tool sent at login',
    codes: ['lti.nonce_missing', 'lti.nonce_mismatch'],
  },
  { id: 'subject', label: 'Subject (sub) is a non-empty string or absent', codes: ['lti.sub_invalid'] },
  { id: 'version', label: 'LTI version is 1.3.0', codes: ['lti.version_missing', 'lti.version_unsupported'] },
  {
    id: 'message_type',
    label: 'Message type is one this tool accepts',
    codes: ['lti.message_type_missing', 'lti.message_type_unknown'],
  },
  {
    id: 'deployment',
    label: 'deployment_id is registered for this platform',
    codes: ['lti.deployment_id_missing', 'lti.deployment_id_unknown'],
  },
  {
    id: 'target',
    label: 'target_link_uri is present and the one of the login',
    codes: ['lti.target_link_uri_missing', 'lti.target_link_uri_mismatch'],
  },
  {
    id: 'claims',
    label: 'Required claims present and well formed (roles, resource_link or deep_linking_settings...)',
    codes: [
      'lti.roles_missing',
      'lti.resource_link_missing',
      'lti.deep_linking_settings_missing',
      'lti.claim_invalid',
    ],
  },
  { id: 'replay', label: 'nonce never seen before (no replay)', codes: ['lti.nonce_replayed'] },
];

function owns(spec: CheckSpec, code: string): boolean {
  return spec.codes.some((c) => (c.endsWith('*') ? code.startsWith(c.slice(0, -1)) : c === code));
}

/**
 * The check list of a launch that passed (`failure` undefined) or failed with an error code. `platformError` is
 * set when the platform posted back `error=` instead of an id_token. `stateCookie` says whether the browser
 * brought the state cookie back (a warning, not a failure: the state is also kept on the server).
 *
 * @example
 * ```ts
 * launchChecks('lti.deployment_id_unknown', { stateCookie: true });
 * ```
 */
export function launchChecks(
  failure: string | undefined,
  options: { platformError?: boolean | undefined; stateCookie?: boolean | undefined } = {},
): LaunchCheck[] {
  const failing = options.platformError
    ? 0
    : failure === undefined
      ? -1
      : CHECKS.findIndex((spec) => owns(spec, failure));
  const statusOf = (index: number): LaunchCheck['status'] => {
    if (failure === undefined && !options.platformError) return 'pass';
    // A code no check owns: only the platform's answer is known to be fine.
    if (failing === -1) return index === 0 ? 'pass' : 'skipped';
    if (index < failing) return 'pass';
    return index === failing ? 'fail' : 'skipped';
  };
  const out: LaunchCheck[] = CHECKS.map((spec, index) => ({
    id: spec.id,
    label: spec.label,
    status: statusOf(index),
    ...(index === failing ? { code: failure } : {}),
  }));
  if (failure !== undefined && failing === -1)
    out.splice(1, 0, { id: 'other', label: 'Other check', status: 'fail', code: failure });
  out.splice(2, 0, {
    id: 'state_cookie',
    label: 'state cookie came back with the launch (binds the login to this browser)',
    status: options.stateCookie === false ? 'warn' : options.stateCookie === undefined ? 'skipped' : 'pass',
    ...(options.stateCookie === false ? { code: 'lti.state_cookie_missing' } : {}),
  });
  return out;
}
