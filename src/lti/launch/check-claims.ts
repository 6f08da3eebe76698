/** The LTI Core checks on a verified payload, and its mapping to a typed {@link LtiLaunch}. */
import {
  type AgsClaim,
  CLAIM,
  type ContextClaim,
  type DeepLinkingSettingsClaim,
  type LaunchPresentationClaim,
  type LtiLaunch,
  type LtiMessageType,
  type NrpsClaim,
  type ResourceLinkClaim,
  type ToolPlatformClaim,
} from '../claims.js';
import { ltiError } from '../errors.js';
import type { LaunchRegistration } from '../registrations.js';

/** What the claim checks need to know. */
export interface ClaimCheckContext {
  registration: LaunchRegistration;
  moodle: boolean;
  messageTypes: readonly LtiMessageType[];
  expectedTargetLinkUri: string | undefined;
  kid: string | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

function invalid(claim: string, detail: string, moodle: boolean): never {
  throw ltiError('launch', 'lti.claim_invalid', `The ${claim} claim is malformed: ${detail}.`, {
    moodle,
    vars: { claim, detail },
    details: { claim },
  });
}

/** An optional object claim: undefined when absent, an error when present but not an object. */
function optionalObject(
  payload: Record<string, unknown>,
  name: string,
  moodle: boolean,
): Record<string, unknown> | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (!isObject(value)) invalid(name, 'not a JSON object', moodle);
  return value;
}

/** Runs the LTI Core checks and returns the typed launch. */
export function checkClaims(payload: Record<string, unknown>, ctx: ClaimCheckContext): LtiLaunch {
  const { moodle, registration } = ctx;
  const sub = payload.sub;
  if (sub !== undefined && (typeof sub !== 'string' || sub === ''))
    throw ltiError(
      'launch',
      'lti.sub_invalid',
      `"sub" is ${JSON.stringify(sub)}: a non-empty string or nothing.`,
      { moodle },
    );

  const version = payload[CLAIM.version];
  if (version === undefined)
    throw ltiError('launch', 'lti.version_missing', 'The token has no LTI version claim.', { moodle });
  if (version !== '1.3.0')
    throw ltiError(
      'launch',
      'lti.version_unsupported',
      `LTI version ${JSON.stringify(version)} is not supported.`,
      {
        moodle,
        vars: { got: String(version) },
      },
    );

  const messageType = payload[CLAIM.messageType];
  if (messageType === undefined || messageType === '')
    throw ltiError('launch', 'lti.message_type_missing', 'The token has no message_type claim.', { moodle });
  if (typeof messageType !== 'string' || !(ctx.messageTypes as readonly string[]).includes(messageType))
    throw ltiError(
      'launch',
      'lti.message_type_unknown',
      `Message type ${JSON.stringify(messageType)} is not accepted.`,
      {
        moodle,
        vars: { got: String(messageType), expected: ctx.messageTypes.join(', ') },
      },
    );

  const deploymentId = payload[CLAIM.deploymentId];
  if (typeof deploymentId !== 'string' || deploymentId === '')
    throw ltiError('launch', 'lti.deployment_id_missing', 'The token has no deployment_id claim.', {
      moodle,
    });
  if (!registration.deploymentIds.includes(deploymentId))
    throw ltiError(
      'launch',
      'lti.deployment_id_unknown',
      `Deployment "${deploymentId}" is not registered for ${registration.issuer}.`,
      {
        moodle,
        vars: { got: deploymentId, expected: registration.deploymentIds.map((d) => `"${d}"`).join(', ') },
        details: { deploymentId, registered: registration.deploymentIds },
      },
    );

  const targetLinkUri = payload[CLAIM.targetLinkUri];
  if (typeof targetLinkUri !== 'string' || targetLinkUri === '')
    throw ltiError('launch', 'lti.target_link_uri_missing', 'The token has no target_link_uri claim.', {
      moodle,
    });
  if (ctx.expectedTargetLinkUri !== undefined && targetLinkUri !== ctx.expectedTargetLinkUri)
    throw ltiError(
      'launch',
      'lti.target_link_uri_mismatch',
      `The token targets ${targetLinkUri}, the login targeted ${ctx.expectedTargetLinkUri}.`,
      {
        moodle,
        vars: { got: targetLinkUri, expected: ctx.expectedTargetLinkUri },
      },
    );

  const roles = payload[CLAIM.roles];
  if (roles === undefined)
    throw ltiError('launch', 'lti.roles_missing', 'The token has no roles claim.', { moodle });
  if (!isStringArray(roles)) invalid(CLAIM.roles, 'not an array of strings', moodle);

  const resourceLink = optionalObject(payload, CLAIM.resourceLink, moodle);
  if (
    messageType === 'LtiResourceLinkRequest' &&
    (typeof resourceLink?.id !== 'string' || resourceLink.id === '')
  )
    throw ltiError(
      'launch',
      'lti.resource_link_missing',
      'The resource link launch has no resource_link.id.',
      { moodle },
    );

  const deepLinking = optionalObject(payload, CLAIM.deepLinkingSettings, moodle);
  if (messageType === 'LtiDeepLinkingRequest') {
    if (typeof deepLinking?.deep_link_return_url !== 'string' || deepLinking.deep_link_return_url === '')
      throw ltiError(
        'launch',
        'lti.deep_linking_settings_missing',
        'The deep linking request has no deep_link_return_url.',
        { moodle },
      );
    if (!isStringArray(deepLinking.accept_types))
      invalid(CLAIM.deepLinkingSettings, 'accept_types is not an array of strings', moodle);
  }

  const context = optionalObject(payload, CLAIM.context, moodle);
  if (context && typeof context.id !== 'string') invalid(CLAIM.context, 'id is not a string', moodle);
  const custom = optionalObject(payload, CLAIM.custom, moodle);
  const ags = optionalObject(payload, CLAIM.ags, moodle);
  if (ags && !isStringArray(ags.scope)) invalid(CLAIM.ags, 'scope is not an array of strings', moodle);
  const nrps = optionalObject(payload, CLAIM.nrps, moodle);
  if (nrps && typeof nrps.context_memberships_url !== 'string')
    invalid(CLAIM.nrps, 'context_memberships_url is not a string', moodle);
  const presentation = optionalObject(payload, CLAIM.launchPresentation, moodle);
  const platform = optionalObject(payload, CLAIM.toolPlatform, moodle);

  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const customStrings: Record<string, string> = {};
  for (const [key, value] of Object.entries(custom ?? {}))
    customStrings[key] = typeof value === 'string' ? value : JSON.stringify(value);

  return {
    issuer: payload.iss as string,
    clientId: registration.clientId,
    deploymentId,
    messageType: messageType as LtiMessageType,
    version: '1.3.0',
    targetLinkUri,
    userId: sub as string | undefined,
    roles,
    resourceLink: resourceLink as ResourceLinkClaim | undefined,
    context: context as ContextClaim | undefined,
    toolPlatform: platform as ToolPlatformClaim | undefined,
    launchPresentation: presentation as LaunchPresentationClaim | undefined,
    custom: customStrings,
    deepLinking: deepLinking as DeepLinkingSettingsClaim | undefined,
    ags: ags as AgsClaim | undefined,
    nrps: nrps as NrpsClaim | undefined,
    user: {
      name: str(payload.name),
      givenName: str(payload.given_name),
      familyName: str(payload.family_name),
      email: str(payload.email),
      picture: str(payload.picture),
      locale: str(payload.locale),
    },
    kid: ctx.kid,
    payload,
  };
}
