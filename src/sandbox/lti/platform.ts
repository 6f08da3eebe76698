/**
 * The simulated LTI 1.3 platform's state and rules (no HTTP here): its keys, registered tools, users and courses,
 * pending launches, and the id_tokens it signs, following Moodle's behaviour.
 */
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import {
  CLAIM,
  generateToolKey,
  type MoodlePlatformEndpoints,
  membershipRole,
  moodlePlatformEndpoints,
  SCOPE,
  type ToolKey,
} from '../../lti/index.js';
import { checkToolConfig } from './tool-config.js';
import type {
  LaunchFaults,
  LaunchRequestSpec,
  LoginInitiation,
  SimContext,
  SimTool,
  SimToolConfig,
  SimUser,
} from './types.js';

const SHORT_CLAIMS: Record<string, string> = {
  deployment_id: CLAIM.deploymentId,
  message_type: CLAIM.messageType,
  version: CLAIM.version,
  target_link_uri: CLAIM.targetLinkUri,
  resource_link: CLAIM.resourceLink,
  roles: CLAIM.roles,
  context: CLAIM.context,
  deep_linking_settings: CLAIM.deepLinkingSettings,
};

/** Default users: Moodle-like ids and names. */
export const DEFAULT_USERS: SimUser[] = [
  {
    id: '2',
    name: 'Admin User',
    givenName: 'Admin',
    familyName: 'User',
    email: 'admin@example.com',
    username: 'admin',
    roles: ['Instructor', 'http://purl.imsglobal.org/vocab/lis/v2/person#Administrator'],
  },
  {
    id: '3',
    name: 'Stu Dent',
    givenName: 'Stu',
    familyName: 'Dent',
    email: 'student1@example.com',
    username: 'student1',
    roles: ['Learner'],
  },
  {
    id: '4',
    name: 'Tea Cher',
    givenName: 'Tea',
    familyName: 'Cher',
    email: 'teacher1@example.com',
    username: 'teacher1',
    roles: ['Instructor'],
  },
  {
    id: '5',
    name: 'Paul Fischer',
    givenName: 'Paul',
    familyName: 'Fischer',
    email: 'paul@example.com',
    username: 'paul',
    roles: ['Learner'],
  },
];

/** Default course. */
export const DEFAULT_CONTEXT: SimContext = { id: '2', label: 'SANDBOX', title: 'Sandbox course' };

/** A launch waiting for the tool to come back to the auth endpoint. */
export interface PendingLaunch {
  spec: LaunchRequestSpec;
  tool: SimTool;
  user: SimUser | undefined;
  loginHint: string;
  createdAt: number;
}

const rand = (bytes: number) => randomBytes(bytes).toString('hex');

const ALL_SCOPES: string[] = [
  SCOPE.lineItem,
  SCOPE.lineItemReadOnly,
  SCOPE.resultReadOnly,
  SCOPE.score,
  SCOPE.nrps,
];

/** Moodle's custom parameter substitution variables that the simulator knows (unknown ones are sent unchanged, as Moodle does). */
function substitute(
  value: string,
  user: SimUser | undefined,
  context: SimContext,
  resourceLink: { id: string; title: string } | undefined,
  roles: string[],
): string {
  const values: Record<string, string | undefined> = {
    '$User.id': user?.id,
    '$User.username': user?.username,
    '$Person.name.full': user?.name,
    '$Person.name.given': user?.givenName,
    '$Person.name.family': user?.familyName,
    '$Person.email.primary': user?.email,
    '$Context.id': context.id,
    '$Context.title': context.title,
    '$Context.label': context.label,
    '$CourseSection.title': context.title,
    '$CourseSection.label': context.label,
    '$ResourceLink.id': resourceLink?.id,
    '$ResourceLink.title': resourceLink?.title,
    '$Membership.role': roles.join(','),
  };
  const found = values[value];
  return value.startsWith('$') && found !== undefined ? found : value;
}

/** The URL a launch targets: the spec's, else the tool's deep linking or launch URL. */
function targetOf(spec: LaunchRequestSpec, tool: SimTool): string {
  const deepLinking = spec.messageType === 'LtiDeepLinkingRequest';
  return (
    spec.targetLinkUri ?? (deepLinking ? (tool.deepLinkingUrl ?? tool.targetLinkUri) : tool.targetLinkUri)
  );
}

/** True when a launch with these faults should be accepted by a correct tool (a rotated key is refetched). */
function acceptable(faults: LaunchFaults): boolean {
  return (
    !faults.expired &&
    !faults.wrongAudience &&
    !faults.unpublishedKey &&
    !faults.replayedNonce &&
    (faults.missingClaims ?? []).length === 0 &&
    faults.deploymentId === undefined &&
    Math.abs(faults.clockSkewMs ?? 0) < 5_000
  );
}

/** The platform's state and rules. */
export class SimPlatform {
  issuer = '';
  baseUrl = '';
  readonly tools = new Map<string, SimTool>();
  readonly users: SimUser[];
  readonly context: SimContext;
  /** Deep linking responses the platform accepted, newest last (shown on its pages). */
  readonly deepLinkingResults: Array<{
    clientId: string;
    receivedAt: string;
    items: unknown[];
    msg?: unknown;
  }> = [];
  readonly tokenLifetimeMs: number;
  readonly now: () => number;
  #keys: ToolKey[] = [];
  #unpublished: ToolKey | undefined;
  readonly #pending = new Map<string, PendingLaunch>();
  readonly #usedNonces = new Map<string, string>();
  #nextDeployment = 1;
  /** Returns the URL of the line item of a resource link (created on first use), for the AGS claim. */
  lineItemFor: ((resourceLinkId: string, label: string) => string) | undefined;

  constructor(options: {
    users?: SimUser[] | undefined;
    context?: SimContext | undefined;
    tokenLifetimeMs?: number | undefined;
    now?: (() => number) | undefined;
  }) {
    this.users = (options.users ?? DEFAULT_USERS).map((user) => ({ ...user }));
    this.context = { ...(options.context ?? DEFAULT_CONTEXT) };
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  #firstKey: Promise<void> | undefined;

  /** Generates the first signing key (once); everything that signs or publishes keys waits for it. */
  ready(): Promise<void> {
    this.#firstKey ??= (async () => {
      const key = await generateToolKey({ kid: rand(10) });
      if (this.#keys.length === 0) this.#keys.push(key);
    })();
    return this.#firstKey;
  }

  /** The platform's endpoints, at Moodle's paths. */
  get endpoints(): MoodlePlatformEndpoints {
    return moodlePlatformEndpoints(this.baseUrl);
  }

  /** Signs a JWT with the platform's key (id_tokens, registration tokens). */
  async sign(payload: JWTPayload): Promise<string> {
    await this.ready();
    return (this.#keys[0] as ToolKey).sign(payload);
  }

  /** Verifies a JWT the platform signed; rejects as jose does (expired, bad signature...). */
  async verifyOwn(jwt: string): Promise<JWTPayload> {
    await this.ready();
    return (await jwtVerify(jwt, createLocalJWKSet(this.jwks()), { currentDate: new Date(this.now()) }))
      .payload;
  }

  /** The next deployment id (Moodle: the tool type id). */
  nextDeploymentId(): string {
    return String(this.#nextDeployment++);
  }

  /** Adds a user, or replaces the one with the same id. */
  upsertUser(user: SimUser): SimUser {
    const index = this.users.findIndex((u) => u.id === user.id);
    if (index >= 0) this.users[index] = user;
    else this.users.push(user);
    return user;
  }

  /** The published key set. */
  jwks(): JSONWebKeySet {
    return { keys: this.#keys.map((key) => ({ ...key.publicJwk })) };
  }

  /** Replaces the signing key (the old one leaves the JWKS, as after a key rotation). */
  async rotateKey(): Promise<string> {
    const key = await generateToolKey({ kid: rand(10) });
    this.#keys = [key];
    return key.kid;
  }

  /** Registers a tool and returns it with its client id and deployment id. */
  registerTool(input: SimToolConfig): SimTool {
    const config = checkToolConfig(input);
    const tool: SimTool = {
      ...config,
      clientId: config.clientId ?? randomBytes(11).toString('base64url').slice(0, 15),
      deploymentId: config.deploymentId ?? this.nextDeploymentId(),
      redirectUris: config.redirectUris ?? [config.targetLinkUri],
    };
    this.tools.set(tool.clientId, tool);
    return tool;
  }

  /** What Moodle shows in "Tool configuration details" for a tool. */
  toolDetails(tool: SimTool): Record<string, string> {
    const urls = this.endpoints;
    return {
      platformId: this.issuer,
      clientId: tool.clientId,
      deploymentId: tool.deploymentId,
      publicKeysetUrl: urls.jwksUrl,
      accessTokenUrl: urls.tokenUrl,
      authenticationRequestUrl: urls.authUrl,
    };
  }

  /** Finds the tool of a launch: by client id, or the only one. */
  toolFor(clientId: string | undefined): SimTool | undefined {
    if (clientId !== undefined) return this.tools.get(clientId);
    return this.tools.size === 1 ? [...this.tools.values()][0] : undefined;
  }

  /** Starts a launch: returns the login initiation the browser sends to the tool. */
  startLaunch(spec: LaunchRequestSpec, tool: SimTool): LoginInitiation {
    const deepLinking = spec.messageType === 'LtiDeepLinkingRequest';
    const wantedRole = deepLinking ? 'Instructor' : 'Learner';
    const user = spec.anonymous
      ? undefined
      : spec.userId !== undefined
        ? this.users.find((u) => u.id === spec.userId)
        : this.users.find((u) => u.roles.includes(wantedRole));
    const loginHint = user?.id ?? `anon-${rand(4)}`;
    const messageHint = JSON.stringify({ launchid: `ltilaunch_${rand(6)}` });
    this.#pending.set(messageHint, { spec, tool, user, loginHint, createdAt: this.now() });
    return {
      url: tool.loginUrl,
      method: 'POST',
      params: {
        iss: this.issuer,
        target_link_uri: targetOf(spec, tool),
        login_hint: loginHint,
        lti_message_hint: messageHint,
        client_id: tool.clientId,
        lti_deployment_id: tool.deploymentId,
      },
    };
  }

  /**
   * The pending launch of an `lti_message_hint` (single use).
   * @internal
   */
  takePending(messageHint: string): PendingLaunch | undefined {
    const pending = this.#pending.get(messageHint);
    this.#pending.delete(messageHint);
    if (pending && this.now() - pending.createdAt > 600_000) return undefined;
    return pending;
  }

  /**
   * Builds and signs the id_token of a pending launch.
   * @internal
   */
  async idToken(pending: PendingLaunch, nonce: string): Promise<string> {
    const { spec, tool, user } = pending;
    const faults = spec.faults ?? {};
    const skew = faults.clockSkewMs ?? 0;
    let iat = Math.floor((this.now() + skew) / 1000);
    if (faults.expired) iat -= Math.ceil(this.tokenLifetimeMs / 1000) + 120;
    const deepLinking = spec.messageType === 'LtiDeepLinkingRequest';
    // A replay reuses the nonce of the last launch the tool had every reason to accept, so that the tool sees a
    // nonce it has already recorded (a nonce from a refused launch would only be a mismatch).
    const usedNonce = faults.replayedNonce ? (this.#usedNonces.get(tool.clientId) ?? nonce) : nonce;
    if (acceptable(faults)) this.#usedNonces.set(tool.clientId, nonce);
    const roles = (spec.roles ?? user?.roles ?? []).map(membershipRole);
    const urls = this.endpoints;
    const context = spec.context ?? this.context;
    const resourceLink = deepLinking
      ? undefined
      : { id: spec.resourceLinkId ?? '1', title: spec.resourceLinkTitle ?? 'Sandbox activity' };
    // Moodle shares names and email with a dynamically registered tool only when its claims asked for them.
    const sendName =
      !tool.claims || ['name', 'given_name', 'family_name'].some((c) => tool.claims?.includes(c));
    const sendEmail = !tool.claims || tool.claims.includes('email');
    const custom: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...tool.custom, ...spec.custom }))
      custom[key] = substitute(value, user, context, resourceLink, roles);
    const scopes = tool.scopes ?? ALL_SCOPES;
    const agsScopes = scopes.filter((s) => s !== SCOPE.nrps);
    const payload: Record<string, unknown> = {
      nonce: usedNonce,
      iat,
      exp: iat + Math.ceil(this.tokenLifetimeMs / 1000),
      iss: this.issuer,
      aud: faults.wrongAudience ? `not-${tool.clientId}` : tool.clientId,
      [CLAIM.deploymentId]: faults.deploymentId ?? tool.deploymentId,
      [CLAIM.targetLinkUri]: targetOf(spec, tool),
      ...(user ? { sub: user.id } : {}),
      ...(user && sendName
        ? { name: user.name, given_name: user.givenName, family_name: user.familyName }
        : {}),
      ...(user && sendEmail ? { email: user.email } : {}),
      [CLAIM.roles]: roles,
      [CLAIM.context]: { ...context, type: ['CourseSection'] },
      [CLAIM.messageType]: deepLinking ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest',
      [CLAIM.version]: '1.3.0',
      [CLAIM.launchPresentation]: {
        locale: 'en',
        document_target: 'iframe',
        return_url: urls.launchReturnUrl,
      },
      [CLAIM.toolPlatform]: {
        product_family_code: 'moodle',
        version: '2024100706',
        guid: 'sandbox',
        name: 'sandbox',
        description: 'moodle-totara-sdk sandbox platform',
      },
      [CLAIM.custom]: custom,
      [CLAIM.ext]: { user_username: user?.username ?? '', lms: 'moodle-2' },
    };
    if (agsScopes.length > 0)
      payload[CLAIM.ags] = {
        scope: agsScopes,
        lineitems: `${urls.servicesUrl}/${this.context.id}/lineitems?type_id=${tool.deploymentId}`,
      };
    if (scopes.includes(SCOPE.nrps))
      payload[CLAIM.nrps] = {
        context_memberships_url: `${urls.servicesUrl}/CourseSection/${this.context.id}/bindings/${tool.deploymentId}/memberships`,
        service_versions: ['1.0', '2.0'],
      };
    if (deepLinking) {
      payload[CLAIM.deepLinkingSettings] = {
        accept_types: ['ltiResourceLink', 'link', 'file', 'html', 'image'],
        accept_presentation_document_targets: ['frame', 'iframe', 'window'],
        accept_copy_advice: false,
        accept_multiple: true,
        accept_unsigned: false,
        auto_create: false,
        can_confirm: false,
        deep_link_return_url: `${urls.deepLinkingReturnUrl}?course=${this.context.id}&id=${tool.deploymentId}`,
        title: tool.name ?? 'Sandbox tool',
        ...(spec.deepLinkingData !== undefined ? { data: spec.deepLinkingData } : {}),
      };
    } else if (resourceLink) {
      payload[CLAIM.resourceLink] = resourceLink;
      const lineItem =
        agsScopes.length > 0 ? this.lineItemFor?.(resourceLink.id, resourceLink.title) : undefined;
      if (lineItem) (payload[CLAIM.ags] as Record<string, unknown>).lineitem = lineItem;
    }
    for (const name of faults.missingClaims ?? []) delete payload[SHORT_CLAIMS[name] ?? name];
    await this.ready();
    let signer = this.#keys[0] as ToolKey;
    if (faults.rotateKey) {
      await this.rotateKey();
      signer = this.#keys[0] as ToolKey;
    }
    if (faults.unpublishedKey) {
      this.#unpublished ??= await generateToolKey({ kid: `unpublished-${rand(4)}` });
      signer = this.#unpublished;
    }
    return signer.sign(payload);
  }
}
