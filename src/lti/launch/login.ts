/** OIDC third-party login initiation: the tool's answer to the platform's login request. */
import { ltiError } from '../errors.js';
import { type LtiHttpRequest, type LtiHttpResponse, requestParams } from '../http/request.js';
import { randomId } from '../keys/tool-keys.js';
import { isMoodle, type LtiRegistration, type RegistrationStore } from '../registrations.js';
import type { StateStore } from '../stores.js';

/**
 * How the login state survives until the launch. `cookie`: kept server-side AND bound to the browser by a cookie
 * (the default, strongest). `server`: kept server-side only, keyed by the opaque state value the platform echoes
 * back: works when the browser blocks third-party cookies in the platform's iframe.
 */
export type StateMode = 'cookie' | 'server';

/** Options of {@link handleLogin}. Durations are milliseconds. */
export interface LoginOptions {
  registrations: RegistrationStore;
  stateStore: StateStore;
  /** The URL the platform posts the id_token to (one of the registered redirect URIs). Default: target_link_uri. */
  redirectUri?: string | ((registration: LtiRegistration, targetLinkUri: string) => string) | undefined;
  /** Default `cookie`. */
  stateMode?: StateMode | undefined;
  /** How long a login may take to come back as a launch. Default 600,000 (10 min). */
  stateTtlMs?: number | undefined;
  /** Prefix of the state cookie's name. Default `lti_state`. */
  cookieName?: string | undefined;
  /** Clock in ms. */
  now?: (() => number) | undefined;
}

/** The name of the cookie that binds one login state to the browser. */
export function stateCookieName(prefix: string, state: string): string {
  return `${prefix}_${state}`;
}

function allowedTarget(registration: LtiRegistration, target: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const allowed = registration.targetLinkUris;
  if (!allowed || allowed.length === 0) return true;
  return allowed.some((entry) =>
    entry.endsWith('*') ? target.startsWith(entry.slice(0, -1)) : entry === target,
  );
}

/**
 * Answers the platform's OIDC login initiation (GET or POST with `iss`, `login_hint`, `target_link_uri`,
 * `lti_message_hint`, `client_id`, `lti_deployment_id`) with a redirect to the platform's authorization endpoint,
 * after storing a single-use state bound to a fresh nonce.
 *
 * @example
 * ```ts
 * const response = await handleLogin({ method: 'POST', url: '/login', body: formText }, {
 *   registrations, stateStore: new MemoryStateStore(), redirectUri: 'https://tool.example.org/launch',
 * });
 * // response.status === 302, response.headers.location = the platform's auth URL
 * ```
 */
export async function handleLogin(request: LtiHttpRequest, options: LoginOptions): Promise<LtiHttpResponse> {
  const params = requestParams(request);
  const iss = params.get('iss') ?? '';
  const clientId = params.get('client_id') ?? undefined;
  const registration = iss ? await options.registrations.find(iss, clientId) : undefined;
  for (const name of ['iss', 'login_hint', 'target_link_uri']) {
    if (!params.get(name))
      throw ltiError('login', 'lti.login_param_missing', `The login request has no "${name}".`, {
        moodle: registration ? isMoodle(registration) : false,
        vars: { param: name },
        details: { param: name },
      });
  }
  if (!registration) {
    const known = options.registrations.hasIssuer ? await options.registrations.hasIssuer(iss) : false;
    if (known && clientId !== undefined)
      throw ltiError(
        'login',
        'lti.client_id_unknown',
        `Issuer ${iss} has no registration with client_id ${clientId}.`,
        {
          vars: { iss, clientId },
        },
      );
    throw ltiError(
      'login',
      'lti.issuer_unknown',
      `No registration for issuer ${iss}${clientId ? ` and client_id ${clientId}` : ''}.`,
      {
        vars: { iss, clientId },
        details: { iss, clientId },
      },
    );
  }
  const moodle = isMoodle(registration);
  const target = params.get('target_link_uri') as string;
  if (!allowedTarget(registration, target))
    throw ltiError(
      'login',
      'lti.login_target_invalid',
      `target_link_uri ${target} is not allowed for this tool.`,
      {
        moodle,
        vars: { got: target },
      },
    );
  const deploymentId = params.get('lti_deployment_id') ?? undefined;
  if (deploymentId !== undefined && !registration.deploymentIds.includes(deploymentId))
    throw ltiError(
      'login',
      'lti.deployment_id_unknown',
      `Deployment "${deploymentId}" is not registered for ${iss}.`,
      {
        moodle,
        vars: { got: deploymentId, expected: registration.deploymentIds.map((d) => `"${d}"`).join(', ') },
      },
    );

  const now = (options.now ?? Date.now)();
  const state = randomId(24);
  const nonce = randomId(24);
  const ttlMs = options.stateTtlMs ?? 600_000;
  await options.stateStore.put(
    state,
    {
      nonce,
      issuer: iss,
      clientId: registration.clientId,
      targetLinkUri: target,
      deploymentId,
      createdAt: now,
    },
    ttlMs,
  );
  const redirectUri =
    typeof options.redirectUri === 'function'
      ? options.redirectUri(registration, target)
      : (options.redirectUri ?? target);

  const auth = new URL(registration.authUrl);
  auth.searchParams.set('scope', 'openid');
  auth.searchParams.set('response_type', 'id_token');
  auth.searchParams.set('response_mode', 'form_post');
  auth.searchParams.set('prompt', 'none');
  auth.searchParams.set('client_id', registration.clientId);
  auth.searchParams.set('redirect_uri', redirectUri);
  auth.searchParams.set('login_hint', params.get('login_hint') as string);
  auth.searchParams.set('state', state);
  auth.searchParams.set('nonce', nonce);
  const messageHint = params.get('lti_message_hint');
  if (messageHint !== null) auth.searchParams.set('lti_message_hint', messageHint);

  const headers: Record<string, string | string[]> = {
    location: auth.toString(),
    'cache-control': 'no-store',
  };
  if ((options.stateMode ?? 'cookie') === 'cookie') {
    const secure = new URL(redirectUri).protocol === 'https:';
    headers['set-cookie'] = [
      `${stateCookieName(options.cookieName ?? 'lti_state', state)}=1; Path=/; Max-Age=${Math.ceil(ttlMs / 1000)}; HttpOnly; ${secure ? 'SameSite=None; Secure' : 'SameSite=Lax'}`,
    ];
  }
  return { status: 302, headers, body: '' };
}
