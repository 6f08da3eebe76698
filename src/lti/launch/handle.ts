/** The tool's launch endpoint: the platform's form_post of id_token and state, checked and validated. */
import { CLAIM, type LtiLaunch } from '../claims.js';
import { LtiError, ltiError } from '../errors.js';
import { escapeHtml } from '../http/html.js';
import {
  headerValue,
  type LtiHttpRequest,
  type LtiHttpResponse,
  requestCookies,
  requestParams,
} from '../http/request.js';
import type { StateStore } from '../stores.js';
import { decodeJwt } from './decode.js';
import { type StateMode, stateCookieName } from './login.js';
import type { LaunchValidator } from './validate.js';

/** Whether an (unverified) id_token says it comes from Moodle: only used to word a hint. */
function fromMoodle(idToken: string): boolean {
  try {
    const platform = decodeJwt(idToken).payload[CLAIM.toolPlatform] as
      | { product_family_code?: unknown }
      | undefined;
    return platform?.product_family_code === 'moodle';
  } catch {
    return false;
  }
}

/** Options of {@link handleLaunch}. */
export interface LaunchOptions {
  validator: LaunchValidator;
  stateStore: StateStore;
  /** Must match the login handler's. Default `cookie`. */
  stateMode?: StateMode | undefined;
  /** Must match the login handler's. Default `lti_state`. */
  cookieName?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** A validated launch, and the headers to send with the tool's page (they clear the state cookie). */
export interface LaunchResult {
  launch: LtiLaunch;
  headers: Record<string, string | string[]>;
}

/**
 * Handles the platform's POST to the redirect URI: state present, bound to this browser (cookie mode), known and
 * unused; then the id_token validated with the nonce and target the login sent.
 *
 * @example
 * ```ts
 * const { launch, headers } = await handleLaunch(request, { validator, stateStore });
 * ```
 */
export async function handleLaunch(request: LtiHttpRequest, options: LaunchOptions): Promise<LaunchResult> {
  const params = requestParams(request);
  const error = params.get('error');
  if (error)
    throw ltiError(
      'launch',
      'lti.token_missing',
      `The platform answered the login with error "${error}"${params.get('error_description') ? `: ${params.get('error_description')}` : ''}.`,
      {
        details: { upstream: error },
      },
    );
  const idToken = params.get('id_token');
  if (!idToken) throw ltiError('launch', 'lti.token_missing', 'The launch request carries no id_token.');
  const state = params.get('state');
  if (!state) throw ltiError('launch', 'lti.state_missing', 'The launch request carries no state.');
  const prefix = options.cookieName ?? 'lti_state';
  const mode = options.stateMode ?? 'cookie';
  if (mode === 'cookie') {
    const cookies = requestCookies(request);
    if (!cookies.has(stateCookieName(prefix, state))) {
      const any = [...cookies.keys()].some((name) => name.startsWith(`${prefix}_`));
      if (any)
        throw ltiError(
          'launch',
          'lti.state_mismatch',
          'The posted state is not the one this browser started.',
        );
      throw ltiError(
        'launch',
        'lti.state_cookie_missing',
        'The state cookie set at login did not come back with the launch.',
        {
          moodle: fromMoodle(idToken),
        },
      );
    }
  }
  const stored = await options.stateStore.take(state);
  if (!stored)
    throw ltiError('launch', 'lti.state_unknown', 'The posted state is unknown, expired or already used.');
  const launch = await options.validator.validate(idToken, {
    expectedNonce: stored.nonce,
    expectedTargetLinkUri: stored.targetLinkUri,
    expectedIssuer: stored.issuer,
    signal: options.signal,
  });
  const headers: Record<string, string | string[]> = {};
  if (mode === 'cookie') headers['set-cookie'] = [`${stateCookieName(prefix, state)}=; Path=/; Max-Age=0`];
  return { launch, headers };
}

/**
 * An HTTP answer for a failed login or launch: 400 (or 401 for signature and key problems) with the code, the
 * message and the fix, as JSON when the client asks for JSON and as a small HTML page otherwise.
 *
 * @example
 * ```ts
 * try { ... } catch (e) { return errorResponse(e, request); }
 * ```
 */
export function errorResponse(error: unknown, request?: LtiHttpRequest): LtiHttpResponse {
  const lti = error instanceof LtiError ? error : undefined;
  const code = lti?.code ?? 'internal';
  const message = lti ? lti.message : 'The launch failed.';
  const hint = lti?.hint;
  const status = !lti ? 500 : /signature|kid|alg|key|jwks/.test(code) ? 401 : 400;
  const wantsJson = request ? /json/.test(headerValue(request, 'accept') ?? '') : false;
  if (wantsJson) {
    return {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify({ error: { code, message, hint } }),
    };
  }
  const body = [
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>LTI launch failed</title></head><body>',
    '<h1>LTI launch failed</h1>',
    `<p><strong>${escapeHtml(message)}</strong></p>`,
    hint ? `<p>${escapeHtml(hint)}</p>` : '',
    `<p><code>${escapeHtml(code)}</code></p>`,
    '</body></html>',
  ].join('\n');
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body,
  };
}
