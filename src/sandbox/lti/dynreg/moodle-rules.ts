/**
 * What Moodle 4.5's mod_lti does with a Dynamic Registration request, as a pure function: the checks of its
 * `registration_helper::registration_to_config()` in Moodle's order, each refusal with Moodle's status and its
 * plain-text body (`missing required attribute client_name`, `domain_targetlinkuri_mismatch`...), and the answer it
 * builds from what it kept (`config_to_registration()`). Checked against the captured registrations in
 * `moodle-4.5/lti-dynreg/A-tool/`.
 */
import { SCOPE } from '../../../lti/index.js';
import { type ClientRegistration, TOOL_CONFIGURATION, type ToolConfiguration } from './messages.js';

/** Moodle's refusal of a registration: status and the plain-text code it answers. */
export interface MoodleRefusal {
  status: number;
  error: string;
}

/** PHP's `empty()`: what Moodle's `get_parameter()` treats as absent. */
function phpEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === false ||
    value === 0 ||
    value === '' ||
    value === '0' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)
  );
}

/**
 * The "domain" Moodle derives from a URL or a domain (`LTI_URL_DOMAIN_REGEX`): what follows the scheme and an
 * optional `www.`, up to the first slash, so the port is part of it.
 *
 * @example
 * ```ts
 * moodleDomain('http://127.0.0.1:8300/launch'); // '127.0.0.1:8300'
 * ```
 */
export function moodleDomain(text: string): string | undefined {
  return /(?:https?:\/\/)?(?:www\.)?([^/]+)(?:\/|$)/i.exec(text)?.[1];
}

const REQUIRED = [
  'response_types',
  'initiate_login_uri',
  'redirect_uris',
  'client_name',
  'jwks_uri',
  'token_endpoint_auth_method',
] as const;

/**
 * Moodle's verdict on a registration request body: undefined when mod_lti would accept it, else its refusal.
 *
 * @example
 * ```ts
 * moodleRegistrationRefusal({ ...request, client_name: '' }); // { status: 400, error: 'missing required attribute client_name' }
 * ```
 */
export function moodleRegistrationRefusal(payload: unknown): MoodleRefusal | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    // registration_to_config(array $payload) is given null: PHP throws a TypeError, an error page.
    return { status: 500, error: 'the registration is not a JSON object' };
  const body = payload as Record<string, unknown>;
  for (const key of REQUIRED)
    if (phpEmpty(body[key])) return { status: 400, error: `missing required attribute ${key}` };
  const config = body[TOOL_CONFIGURATION];
  if (phpEmpty(config) || typeof config !== 'object')
    return { status: 400, error: `missing required attribute ${TOOL_CONFIGURATION}` };
  const tool = config as Record<string, unknown>;
  const domain = phpEmpty(tool.domain) ? undefined : String(tool.domain);
  if (!domain) return { status: 400, error: 'missing_domain' };
  const target = phpEmpty(tool.target_link_uri) ? `https://${domain}` : String(tool.target_link_uri);
  if (moodleDomain(domain) !== moodleDomain(target))
    return { status: 400, error: 'domain_targetlinkuri_mismatch' };
  const responseTypes = body.response_types;
  if (!Array.isArray(responseTypes) || !responseTypes.includes('id_token'))
    return { status: 400, error: 'invalid_response_types' };
  if (!Array.isArray(body.redirect_uris)) return { status: 400, error: 'invalid_redirect_uris' };
  if (body.token_endpoint_auth_method !== 'private_key_jwt')
    return { status: 400, error: 'invalid_token_endpoint_auth_method' };
  if (!phpEmpty(body.application_type) && body.application_type !== 'web')
    return { status: 400, error: 'invalid_application_type' };
  return undefined;
}

/** What Moodle stores of an accepted registration (the parts a launch uses). */
export interface MoodleKeptRegistration {
  name: string;
  loginUrl: string;
  redirectUris: string[];
  jwksUrl: string;
  targetLinkUri: string;
  domain: string;
  description: string;
  logoUri: string;
  /** `toolurl_ContentItemSelectionRequest`: the deep linking message's target, when one was offered. */
  deepLinkingUrl: string | undefined;
  custom: Record<string, string>;
  /** Scopes Moodle grants (services switched on by the requested scopes). */
  scopes: string[];
  /** `sendname` / `sendemailaddr`: Moodle shares names and email only when the claims ask for them. */
  sendName: boolean;
  sendEmail: boolean;
}

/** What Moodle keeps of a registration it accepted (`registration_to_config()`). */
export function moodleKeptRegistration(body: ClientRegistration): MoodleKeptRegistration {
  const tool = body[TOOL_CONFIGURATION] as ToolConfiguration;
  const scopes = String(body.scope ?? '').split(' ');
  const claims = tool.claims ?? [];
  const deepLinking = (tool.messages ?? []).find((m) => m.type === 'LtiDeepLinkingRequest');
  const grades = scopes.includes(SCOPE.lineItem)
    ? 2
    : [SCOPE.score, SCOPE.resultReadOnly, SCOPE.lineItemReadOnly].some((s) => scopes.includes(s))
      ? 1
      : 0;
  const granted: string[] = [];
  if (grades > 0) granted.push(SCOPE.score, SCOPE.resultReadOnly, SCOPE.lineItemReadOnly);
  if (grades === 2) granted.push(SCOPE.lineItem);
  if (scopes.includes(SCOPE.nrps)) granted.push(SCOPE.nrps);
  return {
    name: body.client_name,
    loginUrl: body.initiate_login_uri,
    redirectUris: [...body.redirect_uris],
    jwksUrl: body.jwks_uri,
    targetLinkUri: tool.target_link_uri || `https://${tool.domain}`,
    domain: moodleDomain(tool.domain) ?? tool.domain,
    description: tool.description ?? '',
    logoUri: body.logo_uri ?? '',
    deepLinkingUrl: deepLinking ? (deepLinking.target_link_uri ?? '') : undefined,
    custom: { ...(tool.custom_parameters ?? {}) },
    scopes: granted,
    sendName: ['name', 'given_name', 'family_name'].some((c) => claims.includes(c)),
    sendEmail: claims.includes('email'),
  };
}

/**
 * Moodle's answer to an accepted registration (`config_to_registration()`): only the deep linking message is kept,
 * `contacts` is dropped, the scopes are the services it switched on, `deployment_id` is the tool type id.
 */
export function moodleRegistrationAnswer(
  kept: MoodleKeptRegistration,
  clientId: string,
  typeId: string,
): Record<string, unknown> {
  const claims = ['sub', 'iss'];
  if (kept.sendName) claims.push('name', 'family_name', 'given_name');
  if (kept.sendEmail) claims.push('email');
  const toolConfiguration: Record<string, unknown> = {
    version: '1.3.0',
    deployment_id: typeId,
    target_link_uri: kept.targetLinkUri,
    domain: kept.domain,
    description: kept.description,
  };
  if (kept.deepLinkingUrl !== undefined)
    toolConfiguration.messages = [
      {
        type: 'LtiDeepLinkingRequest',
        target_link_uri: kept.deepLinkingUrl,
      },
    ];
  if (Object.keys(kept.custom).length > 0) toolConfiguration.custom_parameters = kept.custom;
  toolConfiguration.claims = claims;
  return {
    client_id: clientId,
    response_types: ['id_token'],
    jwks_uri: kept.jwksUrl,
    initiate_login_uri: kept.loginUrl,
    grant_types: ['client_credentials', 'implicit'],
    redirect_uris: kept.redirectUris,
    application_type: 'web',
    token_endpoint_auth_method: 'private_key_jwt',
    client_name: kept.name,
    logo_uri: kept.logoUri,
    scope: kept.scopes.join(' '),
    [TOOL_CONFIGURATION]: toolConfiguration,
  };
}
