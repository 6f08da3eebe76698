/** Deep Linking 2.0: the signed `LtiDeepLinkingResponse` and the auto-submitting form back to the platform. */
import { CLAIM, type LtiLaunch } from './claims.js';
import { ltiError } from './errors.js';
import { autoSubmitForm } from './http/html.js';
import { randomId, type ToolKey, ToolKeySet } from './keys/tool-keys.js';

interface ItemBase {
  title?: string | undefined;
  text?: string | undefined;
  icon?: { url: string; width?: number | undefined; height?: number | undefined } | undefined;
  thumbnail?: { url: string; width?: number | undefined; height?: number | undefined } | undefined;
}

/** A grade column the platform creates with an `ltiResourceLink`. */
export interface DeepLinkLineItem {
  scoreMaximum: number;
  label?: string | undefined;
  resourceId?: string | undefined;
  tag?: string | undefined;
  gradesReleased?: boolean | undefined;
}

/** A link that launches back into the tool. */
export interface LtiResourceLinkItem extends ItemBase {
  type: 'ltiResourceLink';
  url?: string | undefined;
  custom?: Record<string, string> | undefined;
  lineItem?: DeepLinkLineItem | undefined;
  available?: { startDateTime?: string | undefined; endDateTime?: string | undefined } | undefined;
  submission?: { startDateTime?: string | undefined; endDateTime?: string | undefined } | undefined;
  iframe?: { width?: number | undefined; height?: number | undefined } | undefined;
  window?:
    | {
        targetName?: string | undefined;
        width?: number | undefined;
        height?: number | undefined;
        windowFeatures?: string | undefined;
      }
    | undefined;
}

/** A plain web link. */
export interface LinkItem extends ItemBase {
  type: 'link';
  url: string;
  embed?: { html: string } | undefined;
  window?:
    | {
        targetName?: string | undefined;
        width?: number | undefined;
        height?: number | undefined;
        windowFeatures?: string | undefined;
      }
    | undefined;
  iframe?: { src?: string | undefined; width?: number | undefined; height?: number | undefined } | undefined;
}

/** A file to download. */
export interface FileItem extends ItemBase {
  type: 'file';
  url: string;
  mediaType?: string | undefined;
  expiresAt?: string | undefined;
}

/** An HTML fragment. */
export interface HtmlItem extends ItemBase {
  type: 'html';
  html: string;
}

/** An image. */
export interface ImageItem extends ItemBase {
  type: 'image';
  url: string;
  width?: number | undefined;
  height?: number | undefined;
}

/** One of the five content item types of Deep Linking 2.0. */
export type ContentItem = LtiResourceLinkItem | LinkItem | FileItem | HtmlItem | ImageItem;

/** Options of {@link createDeepLinkingResponse}. */
export interface DeepLinkingResponseOptions {
  /** A message the platform shows to the user. */
  msg?: string | undefined;
  /** A message the platform logs. */
  log?: string | undefined;
  /** An error message shown to the user (when the selection failed). */
  errormsg?: string | undefined;
  /** An error message the platform logs. */
  errorlog?: string | undefined;
  /** Lifetime of the response JWT. Default 300,000 (5 min). */
  expiresInMs?: number | undefined;
  /** Clock in ms. */
  now?: (() => number) | undefined;
  /** Refuse items the platform did not ask for (accept_types, accept_multiple). Default true. */
  enforceSettings?: boolean | undefined;
}

/** The signed response and what to do with it. */
export interface DeepLinkingResponse {
  /** The signed `LtiDeepLinkingResponse` JWT. */
  jwt: string;
  /** The claims that were signed. */
  payload: Record<string, unknown>;
  /** Where to post it: the request's `deep_link_return_url`. */
  returnUrl: string;
  /** A page that posts `JWT` to the return URL as soon as it loads. */
  html: string;
}

const TYPES = ['ltiResourceLink', 'link', 'file', 'html', 'image'] as const;

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function checkItem(item: ContentItem, index: number): void {
  const bad = (detail: string): never => {
    throw ltiError(
      'deepLinking',
      'lti.deep_linking_item_invalid',
      `Content item ${index} is invalid: ${detail}.`,
      {
        vars: { index, detail },
        details: { index },
      },
    );
  };
  if (!item || !(TYPES as readonly string[]).includes((item as { type?: string }).type ?? ''))
    bad(`type must be one of ${TYPES.join(', ')}`);
  if (item.type === 'html') {
    if (typeof item.html !== 'string' || item.html === '') bad('an html item needs "html"');
  } else if (item.type === 'ltiResourceLink') {
    if (item.url !== undefined && !isHttpUrl(item.url)) bad('url must be an http(s) URL');
    if (item.lineItem && !(typeof item.lineItem.scoreMaximum === 'number' && item.lineItem.scoreMaximum > 0))
      bad('lineItem.scoreMaximum must be a positive number');
    if (item.custom && Object.values(item.custom).some((v) => typeof v !== 'string'))
      bad('custom values must be strings');
  } else if (!isHttpUrl(item.url)) bad(`a ${item.type} item needs an http(s) url`);
}

/**
 * Builds and signs the `LtiDeepLinkingResponse` for a deep linking launch, with the auto-submitting form that
 * returns it to the platform. `data` is echoed only when the request carried it.
 *
 * @example
 * ```ts
 * const { html } = await createDeepLinkingResponse(launch, [
 *   { type: 'ltiResourceLink', title: 'Chapter 3 quiz', url: 'https://tool.example.org/launch',
 *     custom: { quiz: '3' }, lineItem: { scoreMaximum: 10 } },
 * ], keys);
 * res.end(html);
 * ```
 */
export async function createDeepLinkingResponse(
  launch: LtiLaunch,
  items: ContentItem[],
  keys: ToolKeySet | ToolKey,
  options: DeepLinkingResponseOptions = {},
): Promise<DeepLinkingResponse> {
  const settings = launch.deepLinking;
  if (launch.messageType !== 'LtiDeepLinkingRequest' || !settings)
    throw ltiError(
      'deepLinking',
      'lti.deep_linking_settings_missing',
      'This launch is not a deep linking request.',
    );
  items.forEach(checkItem);
  if (options.enforceSettings ?? true) {
    const accepted = settings.accept_types ?? [];
    for (const item of items) {
      if (!accepted.includes(item.type))
        throw ltiError(
          'deepLinking',
          'lti.deep_linking_type_not_accepted',
          `The platform does not accept ${item.type} items here.`,
          {
            vars: { got: item.type, expected: accepted.join(', ') || 'nothing' },
          },
        );
    }
    if (settings.accept_multiple === false && items.length > 1)
      throw ltiError(
        'deepLinking',
        'lti.deep_linking_multiple_not_accepted',
        `${items.length} items were given; the platform accepts one.`,
      );
  }
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  const payload: Record<string, unknown> = {
    iss: launch.clientId,
    aud: launch.issuer,
    iat,
    exp: iat + Math.ceil((options.expiresInMs ?? 300_000) / 1000),
    nonce: randomId(16),
    [CLAIM.deploymentId]: launch.deploymentId,
    [CLAIM.messageType]: 'LtiDeepLinkingResponse',
    [CLAIM.version]: '1.3.0',
    [CLAIM.deepLinkingContentItems]: items.map((item) => JSON.parse(JSON.stringify(item))),
  };
  if (settings.data !== undefined) payload[CLAIM.deepLinkingData] = settings.data;
  if (options.msg !== undefined) payload[CLAIM.deepLinkingMsg] = options.msg;
  if (options.log !== undefined) payload[CLAIM.deepLinkingLog] = options.log;
  if (options.errormsg !== undefined) payload[CLAIM.deepLinkingErrorMsg] = options.errormsg;
  if (options.errorlog !== undefined) payload[CLAIM.deepLinkingErrorLog] = options.errorlog;
  const signer = keys instanceof ToolKeySet ? keys.signingKey : keys;
  const jwt = await signer.sign(payload);
  return {
    jwt,
    payload,
    returnUrl: settings.deep_link_return_url,
    html: autoSubmitForm(settings.deep_link_return_url, { JWT: jwt }, 'Return to the platform'),
  };
}
