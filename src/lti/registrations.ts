import type { JSONWebKeySet } from 'jose';
import { assertKnownOptions } from '../core/errors.js';
import { ltiError } from './errors.js';

/**
 * What a tool knows about one platform it is registered with (for Moodle: one external tool configuration).
 */
export interface LtiRegistration {
  /** The platform's issuer (Moodle: "Platform ID", its wwwroot). */
  issuer: string;
  /** The client_id the platform gave this tool (Moodle: "Client ID"). */
  clientId: string;
  /** Deployment ids accepted from this platform (Moodle: "Deployment ID"). */
  deploymentIds: string[];
  /** OIDC authorization endpoint (Moodle: "Authentication request URL"). */
  authUrl: string;
  /** OAuth2 token endpoint for services (Moodle: "Access token URL"). */
  tokenUrl?: string | undefined;
  /** The platform's JWKS URL (Moodle: "Public keyset URL"). Either this or `keys`. */
  jwksUrl?: string | undefined;
  /** The platform's public keys, when they are configured instead of fetched. */
  keys?: JSONWebKeySet | undefined;
  /** `aud` of the service token assertion, when the platform wants something else than `tokenUrl`. */
  tokenAudience?: string | undefined;
  /** Wording of diagnoses: `moodle` uses Moodle's setting names. Guessed from the URLs when absent. */
  platform?: 'moodle' | 'generic' | undefined;
  /** Allowed `target_link_uri` values (exact URLs, or prefixes ending in `*`). Absent: any http(s) URL. */
  targetLinkUris?: string[] | undefined;
}

/** The part of a registration that launch validation needs. */
export type LaunchRegistration = Pick<LtiRegistration, 'issuer' | 'clientId' | 'deploymentIds'> &
  Partial<Pick<LtiRegistration, 'jwksUrl' | 'keys' | 'platform' | 'authUrl' | 'tokenUrl'>>;

const REGISTRATION_KEYS = [
  'issuer',
  'clientId',
  'deploymentIds',
  'authUrl',
  'tokenUrl',
  'jwksUrl',
  'keys',
  'tokenAudience',
  'platform',
  'targetLinkUris',
] as const;

/** True when an issuer, a JWKS URL or an endpoint looks like a Moodle site (`/mod/lti/...`). */
export function looksLikeMoodle(...urls: Array<string | undefined>): boolean {
  return urls.some((url) => typeof url === 'string' && /\/mod\/lti\/(certs|auth|token)\.php/.test(url));
}

/** True when diagnoses for this registration should use Moodle's words. */
export function isMoodle(
  registration: Partial<Pick<LtiRegistration, 'platform' | 'jwksUrl' | 'authUrl' | 'tokenUrl'>>,
): boolean {
  if (registration.platform) return registration.platform === 'moodle';
  return looksLikeMoodle(registration.jwksUrl, registration.authUrl, registration.tokenUrl);
}

function checkUrl(field: string, value: unknown, required: boolean): void {
  if (value === undefined && !required) return;
  let ok = typeof value === 'string';
  if (ok) {
    try {
      const url = new URL(value as string);
      ok = url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      ok = false;
    }
  }
  if (!ok)
    throw ltiError(
      'config',
      'lti.registration_invalid',
      `Registration field "${field}" is not an http(s) URL.`,
      {
        vars: { field, detail: value === undefined ? 'missing' : `got ${JSON.stringify(value)}` },
        details: { path: field },
      },
    );
}

/**
 * Checks a registration (URLs, ids, unknown keys) and returns a normalised copy.
 *
 * @example
 * ```ts
 * const reg = defineRegistration({
 *   issuer: 'https://lms.example.org', clientId: 'AbC123', deploymentIds: ['1'],
 *   authUrl: 'https://lms.example.org/mod/lti/auth.php',
 *   tokenUrl: 'https://lms.example.org/mod/lti/token.php',
 *   jwksUrl: 'https://lms.example.org/mod/lti/certs.php',
 * });
 * ```
 */
export function defineRegistration(input: LtiRegistration): LtiRegistration {
  assertKnownOptions('an LTI registration', input, REGISTRATION_KEYS);
  for (const field of ['issuer', 'clientId'] as const) {
    if (typeof input[field] !== 'string' || input[field] === '')
      throw ltiError('config', 'lti.registration_invalid', `Registration field "${field}" is missing.`, {
        vars: { field, detail: 'missing' },
        details: { path: field },
      });
  }
  if (
    !Array.isArray(input.deploymentIds) ||
    input.deploymentIds.some((id) => typeof id !== 'string' || id === '')
  )
    throw ltiError(
      'config',
      'lti.registration_invalid',
      'Registration field "deploymentIds" must list strings.',
      {
        vars: { field: 'deploymentIds', detail: 'expected an array of non-empty strings' },
        details: { path: 'deploymentIds' },
      },
    );
  checkUrl('authUrl', input.authUrl, true);
  checkUrl('tokenUrl', input.tokenUrl, false);
  checkUrl('jwksUrl', input.jwksUrl, false);
  if (input.jwksUrl === undefined && input.keys === undefined)
    throw ltiError('config', 'lti.jwks_missing', 'The registration has neither jwksUrl nor keys.', {
      moodle: isMoodle(input),
      details: { path: 'jwksUrl' },
    });
  return { ...input, deploymentIds: [...input.deploymentIds] };
}

/** Where a tool looks up its registrations. Implement it over your database; {@link MemoryRegistrationStore} is the in-memory one. */
export interface RegistrationStore {
  /**
   * The registration for `issuer` and `clientId`. Without `clientId` (some login requests omit it) the store
   * returns the issuer's only registration, or undefined when it has several.
   */
  find(issuer: string, clientId?: string): Promise<LtiRegistration | undefined> | LtiRegistration | undefined;
  /** True when some registration has this issuer (so a wrong client_id can be told from an unknown platform). */
  hasIssuer?(issuer: string): Promise<boolean> | boolean;
}

/**
 * Registrations held in memory.
 *
 * @example
 * ```ts
 * const store = new MemoryRegistrationStore([parseMoodleToolDetails(pastedText)]);
 * ```
 */
export class MemoryRegistrationStore implements RegistrationStore {
  readonly #items: LtiRegistration[] = [];
  constructor(registrations: LtiRegistration[] = []) {
    for (const registration of registrations) this.add(registration);
  }
  /** Adds (or replaces, for the same issuer and client id) a registration. */
  add(registration: LtiRegistration): this {
    const checked = defineRegistration(registration);
    const index = this.#items.findIndex(
      (r) => r.issuer === checked.issuer && r.clientId === checked.clientId,
    );
    if (index >= 0) this.#items[index] = checked;
    else this.#items.push(checked);
    return this;
  }
  find(issuer: string, clientId?: string): LtiRegistration | undefined {
    const matches = this.#items.filter((r) => r.issuer === issuer);
    if (clientId !== undefined) return matches.find((r) => r.clientId === clientId);
    return matches.length === 1 ? matches[0] : undefined;
  }
  hasIssuer(issuer: string): boolean {
    return this.#items.some((r) => r.issuer === issuer);
  }
  /** Every registration. */
  list(): LtiRegistration[] {
    return [...this.#items];
  }
}

/** Moodle's "Tool configuration details", as an object (the six values of that page). */
export interface MoodleToolDetails {
  platformId: string;
  clientId: string;
  deploymentId: string;
  publicKeysetUrl: string;
  accessTokenUrl: string;
  authenticationRequestUrl: string;
}

const LABELS: Array<[keyof MoodleToolDetails, RegExp]> = [
  ['platformId', /^platform\s*id$/i],
  ['clientId', /^client\s*id$/i],
  ['deploymentId', /^deployment\s*id$/i],
  ['publicKeysetUrl', /^public\s*key\s*set\s*url$/i],
  ['accessTokenUrl', /^access\s*token\s*url$/i],
  ['authenticationRequestUrl', /^authentication\s*request\s*url$/i],
];

function labelOf(text: string): keyof MoodleToolDetails | undefined {
  const clean = text.replace(/[:\s]+$/, '').trim();
  return LABELS.find(([, pattern]) => pattern.test(clean))?.[0];
}

/** Reads the text copied from Moodle's "Tool configuration details" box (label and value on one line or two). */
function parseDetailsText(text: string): Partial<MoodleToolDetails> {
  const out: Partial<MoodleToolDetails> = {};
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const whole = labelOf(line);
    if (whole) {
      const next = lines[i + 1];
      if (next !== undefined && !labelOf(next)) {
        out[whole] = next;
        i++;
      }
      continue;
    }
    // "Platform ID: value", "Platform ID<TAB>value", "Platform ID   value"
    const match = /^([A-Za-z ]+?)\s*(?::|\t|\s{2,})\s*(\S.*)$/.exec(line);
    const key = match ? labelOf(match[1] as string) : undefined;
    if (match && key) out[key] = (match[2] as string).trim();
  }
  return out;
}

/**
 * Builds a registration from Moodle's "Tool configuration details" (the box behind "View configuration details"
 * on the tool's card): either the text copied from that page, or the six values as an object.
 *
 * @example
 * ```ts
 * const reg = parseMoodleToolDetails(`Platform ID\nhttps://lms.example.org\nClient ID\nAbC123\nDeployment ID\n4
 * Public keyset URL\nhttps://lms.example.org/mod/lti/certs.php
 * Access token URL\nhttps://lms.example.org/mod/lti/token.php
 * Authentication request URL\nhttps://lms.example.org/mod/lti/auth.php`);
 * ```
 */
export function parseMoodleToolDetails(input: string | MoodleToolDetails): LtiRegistration {
  let details: Partial<MoodleToolDetails>;
  if (typeof input === 'string') details = parseDetailsText(input);
  else {
    assertKnownOptions(
      "Moodle's tool configuration details",
      input,
      LABELS.map(([key]) => key),
    );
    details = input;
  }
  const missing = LABELS.filter(([key]) => typeof details[key] !== 'string' || details[key] === '').map(
    ([key]) => key,
  );
  if (missing.length > 0)
    throw ltiError(
      'config',
      'lti.tool_details_unparsable',
      `Moodle's tool configuration details lack ${missing.join(', ')}.`,
      { moodle: true, details: { missing } },
    );
  const d = details as MoodleToolDetails;
  return defineRegistration({
    issuer: d.platformId,
    clientId: d.clientId,
    deploymentIds: [d.deploymentId],
    authUrl: d.authenticationRequestUrl,
    tokenUrl: d.accessTokenUrl,
    jwksUrl: d.publicKeysetUrl,
    platform: 'moodle',
  });
}
