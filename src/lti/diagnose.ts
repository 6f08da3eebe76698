/**
 * Plain-words diagnoses of LTI failures: for every error code, what to change and where, in Moodle's own
 * words (the labels of its external tool form and of its "Tool configuration details" page) when the platform is
 * Moodle, and in LTI terms otherwise.
 */
import {
  LtiConfigError,
  LtiDeepLinkingError,
  LtiError,
  type LtiErrorCode,
  type LtiErrorOptions,
  LtiKeySetError,
  LtiLaunchError,
  LtiLoginError,
  LtiServiceError,
} from './errors.js';
import { type DiagnosisVars, HINTS } from './hints.js';

export type { DiagnosisVars };

/** The hint for an error code, in Moodle's words when `moodle` is true. */
export function hintFor(code: LtiErrorCode, moodle: boolean, vars: DiagnosisVars = {}): string | undefined {
  const entry = HINTS[code];
  if (!entry) return undefined;
  const text = (moodle && entry.moodle) || entry.generic;
  return typeof text === 'function' ? text(vars) : text;
}

/** True when an issuer, a JWKS URL or an endpoint looks like a Moodle site (`/mod/lti/...`). */
export function looksLikeMoodle(...urls: Array<string | undefined>): boolean {
  return urls.some((url) => typeof url === 'string' && /\/mod\/lti\/(certs|auth|token)\.php/.test(url));
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
