/**
 * The tool's side of LTI Dynamic Registration 1.0: read the platform's OpenID configuration, POST a client
 * registration that Moodle accepts (client_name, private_key_jwt, `domain` with the port...), and turn the answer
 * into a registration the tool can launch with.
 */

import { TransportError } from '../../../core/errors.js';
import { readText, Transport } from '../../../core/transport.js';
import { type LtiRegistration, SCOPE } from '../../../lti/index.js';
import { DynamicRegistrationError, moodleRefusalHint } from './errors.js';
import {
  type ClientRegistration,
  type ClientRegistrationAnswer,
  PLATFORM_CONFIGURATION,
  type PlatformOpenIdConfiguration,
  TOOL_CONFIGURATION,
} from './messages.js';

/** What a tool offers in its registration. URLs are absolute. */
export interface RegisteringTool {
  /** `client_name` (Moodle requires it). */
  name: string;
  loginUrl: string;
  /** The resource link redirect URI and `target_link_uri`. */
  launchUrl: string;
  /** The deep linking redirect URI. */
  deepLinkingUrl: string;
  jwksUrl: string;
  logoUrl?: string | undefined;
  description?: string | undefined;
  contacts?: string[] | undefined;
  custom?: Record<string, string> | undefined;
  /** Claims asked for. Default: iss, sub, name, given_name, family_name, email (Moodle sends names and email only when asked). */
  claims?: string[] | undefined;
  /** Scopes asked for. Default: every AGS and NRPS scope. */
  scopes?: string[] | undefined;
}

const DEFAULT_CLAIMS = ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'];
const DEFAULT_SCOPES = [
  SCOPE.lineItem,
  SCOPE.lineItemReadOnly,
  SCOPE.resultReadOnly,
  SCOPE.score,
  SCOPE.nrps,
];

/**
 * The client registration a tool sends, in the shape Moodle accepts: `domain` is the launch URL's host with its
 * port (Moodle compares them, port included), `token_endpoint_auth_method` is `private_key_jwt`, and scopes the
 * platform does not list in `scopes_supported` are left out.
 *
 * @example
 * ```ts
 * const body = clientRegistrationRequest({ name: 'My tool', loginUrl, launchUrl, deepLinkingUrl, jwksUrl });
 * ```
 */
export function clientRegistrationRequest(
  tool: RegisteringTool,
  platform?: Pick<PlatformOpenIdConfiguration, 'scopes_supported'>,
): ClientRegistration {
  const launch = new URL(tool.launchUrl);
  const supported = platform?.scopes_supported;
  const scopes = (tool.scopes ?? DEFAULT_SCOPES).filter((s) => !supported || supported.includes(s));
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: tool.loginUrl,
    redirect_uris: [tool.launchUrl, tool.deepLinkingUrl],
    client_name: tool.name,
    jwks_uri: tool.jwksUrl,
    ...(tool.logoUrl ? { logo_uri: tool.logoUrl } : {}),
    token_endpoint_auth_method: 'private_key_jwt',
    ...(tool.contacts?.length ? { contacts: tool.contacts } : {}),
    scope: scopes.join(' '),
    [TOOL_CONFIGURATION]: {
      // URL.host leaves out a default port and keeps any other, as Moodle's domain regex reads a URL.
      domain: launch.host,
      target_link_uri: tool.launchUrl,
      custom_parameters: { ...(tool.custom ?? {}) },
      description: tool.description ?? tool.name,
      claims: tool.claims ?? DEFAULT_CLAIMS,
      messages: [
        {
          type: 'LtiDeepLinkingRequest',
          target_link_uri: tool.deepLinkingUrl,
          label: `${tool.name}: pick content`,
          placements: ['ContentArea'],
        },
        { type: 'LtiResourceLinkRequest', target_link_uri: tool.launchUrl, label: tool.name },
      ],
    },
  };
}

/** The outcome of a registration: what was sent, what the platform granted, and the registration to launch with. */
export interface DynamicRegistrationOutcome {
  /** The registration the tool keeps (issuer, client id, deployment, endpoints). */
  registration: LtiRegistration;
  platform: PlatformOpenIdConfiguration;
  request: ClientRegistration;
  /** HTTP status of the platform's answer (Moodle: 200; RFC 7591: 201). */
  status: number;
  answer: ClientRegistrationAnswer;
  granted: RegistrationGrant;
}

/** What the platform granted, in short. */
export interface RegistrationGrant {
  clientId: string;
  deploymentId: string | undefined;
  scopes: string[];
  /** Scopes asked for and not granted. */
  scopesRefused: string[];
  claims: string[];
  messages: string[];
  /** Things a person should know (Moodle's "Pending" state, dropped messages, name/email privacy). */
  notes: string[];
}

const URL_FIELDS = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'registration_endpoint',
] as const;

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Checks an OpenID configuration has the five URLs Dynamic Registration needs. */
export function parseOpenIdConfiguration(text: string, url: string): PlatformOpenIdConfiguration {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const config = json as Record<string, unknown> | undefined;
  const missing =
    config && typeof config === 'object' ? URL_FIELDS.filter((f) => !isHttpUrl(config[f])) : [...URL_FIELDS];
  if (missing.length > 0)
    throw new DynamicRegistrationError(
      'dynreg.openid_configuration_invalid',
      `The OpenID configuration at ${url} ${config ? `lacks ${missing.join(', ')}` : 'is not JSON'}.`,
      {
        details: { url, missing },
        hint: 'The platform must publish issuer, authorization_endpoint, token_endpoint, jwks_uri and registration_endpoint (Moodle: /mod/lti/openid-configuration.php).',
      },
    );
  return config as unknown as PlatformOpenIdConfiguration;
}

/** Options of {@link registerWithPlatform}. */
export interface RegisterWithPlatformOptions {
  /** `openid_configuration` from the registration URL. */
  openidConfigurationUrl: string;
  /** `registration_token` from the registration URL, sent as the bearer token (may be absent). */
  registrationToken?: string | undefined;
  tool: RegisteringTool;
  transport?: Transport | undefined;
  signal?: AbortSignal | undefined;
}

async function fetchText(
  transport: Transport,
  request: Parameters<Transport['request']>[0],
): Promise<{ status: number; text: string }> {
  const response = await transport.request(request);
  return { status: response.status, text: await readText(response, 1024 * 1024) };
}

/** The text of an error answer: a plain-text code as Moodle sends it, or an HTML error page's message. */
function upstreamText(text: string): string {
  const message = /<p[^>]*class="errormessage"[^>]*>([\s\S]*?)<\/p>/i.exec(text)?.[1];
  const flat = (message ?? text)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/**
 * Registers a tool with a platform (LTI Dynamic Registration 1.0, tool side): GET the OpenID configuration, POST
 * the client registration with the registration token as bearer, read the answer.
 *
 * @example
 * ```ts
 * const outcome = await registerWithPlatform({ openidConfigurationUrl, registrationToken, tool });
 * store.add(outcome.registration);
 * ```
 */
export async function registerWithPlatform(
  options: RegisterWithPlatformOptions,
): Promise<DynamicRegistrationOutcome> {
  const transport = options.transport ?? new Transport({ retry: false });
  const configUrl = options.openidConfigurationUrl;
  if (!isHttpUrl(configUrl))
    throw new DynamicRegistrationError(
      'dynreg.initiation_invalid',
      'The registration URL was opened without an http(s) openid_configuration parameter.',
      {
        details: { openid_configuration: configUrl },
        hint: 'Paste this URL into Moodle\'s "Tool URL" and press "Add LTI Advantage"; the platform adds openid_configuration and registration_token.',
      },
    );
  let config: { status: number; text: string };
  try {
    config = await fetchText(transport, {
      url: configUrl,
      headers: { accept: 'application/json' },
      idempotent: true,
      signal: options.signal,
    });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new DynamicRegistrationError(
      'dynreg.openid_configuration_unreachable',
      `Could not fetch the platform's OpenID configuration at ${configUrl}: ${error.message}`,
      { cause: error, hint: 'The tool must reach the platform: check the URL, DNS and firewall.' },
    );
  }
  if (config.status !== 200)
    throw new DynamicRegistrationError(
      'dynreg.openid_configuration_unreachable',
      `The platform's OpenID configuration at ${configUrl} answered HTTP ${config.status}.`,
      {
        status: config.status,
        upstream: upstreamText(config.text),
        hint: 'Check the openid_configuration URL.',
      },
    );
  const platform = parseOpenIdConfiguration(config.text, configUrl);
  const request = clientRegistrationRequest(options.tool, platform);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.registrationToken) headers.authorization = `Bearer ${options.registrationToken}`;
  let posted: { status: number; text: string };
  try {
    posted = await fetchText(transport, {
      method: 'POST',
      url: platform.registration_endpoint,
      headers,
      body: JSON.stringify(request),
      signal: options.signal,
    });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new DynamicRegistrationError(
      'dynreg.registration_refused',
      `Could not reach the registration endpoint ${platform.registration_endpoint}: ${error.message}`,
      { cause: error, hint: 'The tool must reach the platform: check the URL, DNS and firewall.' },
    );
  }
  if (posted.status < 200 || posted.status >= 300) {
    const upstream = upstreamText(posted.text);
    throw new DynamicRegistrationError(
      'dynreg.registration_refused',
      `The platform refused the registration: HTTP ${posted.status} ${upstream}`,
      { status: posted.status, upstream, hint: moodleRefusalHint(upstream, posted.status) },
    );
  }
  let answer: ClientRegistrationAnswer | undefined;
  try {
    answer = JSON.parse(posted.text) as ClientRegistrationAnswer;
  } catch {
    answer = undefined;
  }
  if (!answer || typeof answer.client_id !== 'string' || answer.client_id === '')
    throw new DynamicRegistrationError(
      'dynreg.registration_answer_invalid',
      `The platform answered HTTP ${posted.status} without a client_id.`,
      {
        status: posted.status,
        upstream: upstreamText(posted.text),
        hint: 'The answer must be the registration as JSON with client_id.',
      },
    );
  const granted = grantOf(request, answer, platform);
  const moodle = platform[PLATFORM_CONFIGURATION]?.product_family_code === 'moodle';
  const registration: LtiRegistration = {
    issuer: platform.issuer,
    clientId: answer.client_id,
    deploymentIds: granted.deploymentId ? [granted.deploymentId] : [],
    authUrl: platform.authorization_endpoint,
    tokenUrl: platform.token_endpoint,
    jwksUrl: platform.jwks_uri,
    platform: moodle ? 'moodle' : 'generic',
  };
  return { registration, platform, request, status: posted.status, answer, granted };
}

function grantOf(
  request: ClientRegistration,
  answer: ClientRegistrationAnswer,
  platform: PlatformOpenIdConfiguration,
): RegistrationGrant {
  const tool = answer[TOOL_CONFIGURATION];
  const asked = String(request.scope ?? '')
    .split(' ')
    .filter(Boolean);
  const scopes = String(answer.scope ?? request.scope ?? '')
    .split(' ')
    .filter(Boolean);
  const claims = tool?.claims ?? [];
  const messages = (tool?.messages ?? []).map((m) => m.type);
  const notes: string[] = [];
  const moodle = platform[PLATFORM_CONFIGURATION]?.product_family_code === 'moodle';
  if (moodle) {
    notes.push(
      'Moodle keeps a dynamically registered tool "Pending" until an admin presses Activate on its card in Manage tools; activities already bound to it launch anyway.',
    );
    if (!messages.includes('LtiResourceLinkRequest'))
      notes.push(
        'Moodle kept only the deep linking message; resource links launch the tool URL (target_link_uri).',
      );
  }
  if (!claims.includes('name') && !claims.includes('given_name'))
    notes.push('The platform will not send names (no name claim granted).');
  if (!claims.includes('email')) notes.push('The platform will not send email addresses.');
  if (!tool?.deployment_id)
    notes.push(
      'The answer has no deployment_id: add the deployment id by hand before a launch can be accepted.',
    );
  return {
    clientId: answer.client_id,
    deploymentId: tool?.deployment_id,
    scopes,
    scopesRefused: asked.filter((s) => !scopes.includes(s)),
    claims,
    messages,
    notes,
  };
}
