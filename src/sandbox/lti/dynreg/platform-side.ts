/**
 * The platform's side of LTI Dynamic Registration, as Moodle 4.5's mod_lti does it: the OpenID configuration, the
 * "Add LTI Advantage" start (a 302 to the tool with `openid_configuration` and a signed `registration_token`), and
 * the registration endpoint with Moodle's checks, statuses and plain-text errors. Registrations this platform starts
 * itself INTO a tool (`mts lti platform --register`) answer as a standards platform does: 201, with a deployment.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml, SCOPE } from '../../../lti/index.js';
import type { SimPlatform } from '../platform.js';
import type { SimTool } from '../types.js';
import {
  type ClientRegistration,
  PLATFORM_CONFIGURATION,
  type PlatformOpenIdConfiguration,
  TOOL_CONFIGURATION,
  type ToolConfiguration,
} from './messages.js';
import {
  moodleDomain,
  moodleKeptRegistration,
  moodleRegistrationAnswer,
  moodleRegistrationRefusal,
} from './moodle-rules.js';

/** Who started a registration: Moodle's admin page (`moodle`: mod_lti's rules) or `--register` (`register`). */
export type RegistrationMode = 'moodle' | 'register';

/** One registration request the platform received, and what it answered. */
export interface ReceivedRegistration {
  receivedAt: string;
  mode: RegistrationMode;
  status: number;
  /** The client id of the tool it created or updated, when accepted. */
  clientId?: string | undefined;
  /** What a Moodle platform would have refused in this request (a `register` mode registration is not refused for it). */
  moodleWouldRefuse?: string | undefined;
  error?: string | undefined;
  request: unknown;
  answer: unknown;
}

/** An HTTP answer of the registration endpoint. */
export interface DeskAnswer {
  status: number;
  contentType: string;
  body: string;
}

interface IssuedToken {
  mode: RegistrationMode;
  clientId: string;
  used: boolean;
  waiters: Array<(record: ReceivedRegistration) => void>;
}

const text = (status: number, body: string): DeskAnswer => ({
  status,
  contentType: 'text/html; charset=utf-8',
  body,
});

/** A Moodle-like error page (Moodle answers registration token failures with its 404 error page). */
export function moodleErrorPage(status: number, message: string): DeskAnswer {
  return text(
    status,
    `<!DOCTYPE html><html><head><title>Error</title></head><body><div class="box errorbox alert alert-danger"><p class="errormessage">${escapeHtml(message)}</p></div></body></html>`,
  );
}

/** The platform's OpenID configuration, with Moodle's fields. */
export function openIdConfiguration(platform: SimPlatform): PlatformOpenIdConfiguration {
  const urls = platform.endpoints;
  return {
    issuer: platform.issuer,
    token_endpoint: urls.tokenUrl,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    jwks_uri: urls.jwksUrl,
    authorization_endpoint: urls.authUrl,
    registration_endpoint: urls.registrationUrl,
    scopes_supported: [
      SCOPE.lineItemReadOnly,
      SCOPE.resultReadOnly,
      SCOPE.score,
      SCOPE.lineItem,
      SCOPE.nrps,
      'openid',
    ],
    response_types_supported: ['id_token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
    [PLATFORM_CONFIGURATION]: {
      product_family_code: 'moodle',
      version: 'moodle-totara-sdk sandbox',
      messages_supported: [
        { type: 'LtiResourceLinkRequest' },
        { type: 'LtiDeepLinkingRequest', placements: ['ContentArea'] },
      ],
      variables: [
        'User.id',
        'User.username',
        'Person.name.full',
        'Person.name.given',
        'Person.name.family',
        'Person.email.primary',
        'Context.id',
        'Context.title',
        'Context.label',
        'ResourceLink.id',
        'ResourceLink.title',
        'Membership.role',
      ],
    },
  };
}

/** The registration desk of the simulated platform: the tokens it issued and the registrations it received. */
export class RegistrationDesk {
  readonly received: ReceivedRegistration[] = [];
  readonly #tokens = new Map<string, IssuedToken>();

  constructor(readonly platform: SimPlatform) {}

  /**
   * A registration token, as Moodle makes them: an RS256 JWT of the platform's key, `sub` = the client id it will
   * issue (or, for an update, the tool type id), `scope` `reg` or `reg-update`, valid one hour.
   */
  async issueToken(mode: RegistrationMode, update?: SimTool): Promise<string> {
    const clientId = update?.clientId ?? randomBytes(11).toString('base64url').slice(0, 15);
    const iat = Math.floor(this.platform.now() / 1000);
    const token = await this.platform.sign({
      sub: update ? update.deploymentId : clientId,
      scope: update ? 'reg-update' : 'reg',
      iat,
      exp: iat + 3600,
    });
    this.#tokens.set(token, { mode, clientId, used: false, waiters: [] });
    return token;
  }

  /** Resolves with the registration made with `token` (or rejects after `timeoutMs`). */
  waitFor(token: string, timeoutMs: number): Promise<ReceivedRegistration> {
    const issued = this.#tokens.get(token);
    if (!issued) return Promise.reject(new Error('unknown registration token'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no registration arrived')), timeoutMs);
      timer.unref();
      issued.waiters.push((record) => {
        clearTimeout(timer);
        resolve(record);
      });
    });
  }

  /** The tool already registered for the domain of a tool URL (Moodle then asks "update or new"). */
  toolForDomain(url: string): SimTool | undefined {
    const domain = moodleDomain(url);
    return [...this.platform.tools.values()].find(
      (tool) => tool.domain !== undefined && tool.domain === domain,
    );
  }

  /** The registration endpoint: POST registers, GET reads a registration (with a `reg-update` token). */
  async handle(method: string, authorization: string | undefined, body: string): Promise<DeskAnswer> {
    if (!authorization?.startsWith('Bearer ')) return text(401, 'missing_registration_token');
    const jwt = authorization.slice(7).trim();
    let claims: Record<string, unknown>;
    try {
      claims = (await this.platform.verifyOwn(jwt)) as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      return moodleErrorPage(
        404,
        `Exception - ${code === 'ERR_JWT_EXPIRED' ? 'Expired token' : 'Signature verification failed'}`,
      );
    }
    const issued = this.#tokens.get(jwt);
    const mode = issued?.mode ?? 'moodle';
    const update =
      claims.scope === 'reg-update'
        ? [...this.platform.tools.values()].find((t) => t.deploymentId === String(claims.sub))
        : undefined;
    if (claims.scope === 'reg-update' && !update) return text(400, 'Unknown client');
    if (claims.scope !== 'reg' && claims.scope !== 'reg-update') return text(403, 'Incorrect scope');
    const clientId = update?.clientId ?? String(claims.sub);
    if (claims.scope === 'reg' && (this.platform.tools.has(clientId) || issued?.used))
      return text(401, 'token_already_used');
    if (method === 'GET') {
      // Inferred from Moodle's source: a reg-update token reads the current registration.
      if (!update) return text(400, 'no registration to read');
      return this.#json(200, this.#moodleAnswer(update));
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      payload = undefined;
    }
    const refusal = moodleRegistrationRefusal(payload);
    const record: ReceivedRegistration = {
      receivedAt: new Date(this.platform.now()).toISOString(),
      mode,
      status: 0,
      request: payload,
      answer: undefined,
    };
    let answer: DeskAnswer;
    if (refusal && (mode === 'moodle' || refusal.error !== 'domain_targetlinkuri_mismatch')) {
      answer =
        mode === 'moodle'
          ? text(refusal.status, refusal.error)
          : this.#json(400, { error: 'invalid_client_metadata', error_description: refusal.error });
      record.error = refusal.error;
    } else {
      record.moodleWouldRefuse = refusal?.error;
      const tool = this.#register(payload as ClientRegistration, clientId, mode, update);
      record.clientId = tool.clientId;
      answer =
        mode === 'moodle'
          ? this.#json(200, this.#moodleAnswer(tool))
          : this.#json(201, this.#standardAnswer(payload as ClientRegistration, tool));
      if (issued) issued.used = true;
    }
    record.status = answer.status;
    record.answer = answer.contentType.startsWith('application/json') ? JSON.parse(answer.body) : answer.body;
    this.received.push(record);
    if (issued && record.clientId) for (const waiter of issued.waiters.splice(0)) waiter(record);
    return answer;
  }

  #json(status: number, value: unknown): DeskAnswer {
    return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
  }

  #register(
    body: ClientRegistration,
    clientId: string,
    mode: RegistrationMode,
    update: SimTool | undefined,
  ): SimTool {
    const kept = moodleKeptRegistration(body);
    const tool: SimTool = {
      name: kept.name,
      targetLinkUri: kept.targetLinkUri,
      loginUrl: kept.loginUrl,
      redirectUris: kept.redirectUris,
      jwksUrl: kept.jwksUrl,
      deepLinkingUrl: kept.deepLinkingUrl || undefined,
      clientId,
      deploymentId: update?.deploymentId ?? this.platform.nextDeploymentId(),
      custom: kept.custom,
      // Moodle leaves a tool that registered itself Pending until an admin activates it.
      state: mode === 'moodle' ? (update?.state ?? 'pending') : 'active',
      claims: body[TOOL_CONFIGURATION].claims ?? [],
      scopes:
        mode === 'moodle'
          ? kept.scopes
          : String(body.scope ?? '')
              .split(' ')
              .filter((s) => (Object.values(SCOPE) as string[]).includes(s)),
      domain: kept.domain,
      description: kept.description,
      logoUri: kept.logoUri,
    };
    this.platform.tools.set(clientId, tool);
    return tool;
  }

  #moodleAnswer(tool: SimTool): Record<string, unknown> {
    const claims = tool.claims ?? [];
    return moodleRegistrationAnswer(
      {
        name: tool.name ?? '',
        loginUrl: tool.loginUrl,
        redirectUris: tool.redirectUris,
        jwksUrl: tool.jwksUrl ?? '',
        targetLinkUri: tool.targetLinkUri,
        domain: tool.domain ?? moodleDomain(tool.targetLinkUri) ?? '',
        description: tool.description ?? '',
        logoUri: tool.logoUri ?? '',
        deepLinkingUrl: tool.deepLinkingUrl,
        custom: tool.custom ?? {},
        scopes: tool.scopes ?? [],
        sendName: ['name', 'given_name', 'family_name'].some((c) => claims.includes(c)),
        sendEmail: claims.includes('email'),
      },
      tool.clientId,
      tool.deploymentId,
    );
  }

  /** RFC 7591's answer: the registration as kept, with the client id and the deployment the platform created. */
  #standardAnswer(body: ClientRegistration, tool: SimTool): Record<string, unknown> {
    const configuration: ToolConfiguration = {
      ...body[TOOL_CONFIGURATION],
      deployment_id: tool.deploymentId,
    };
    return {
      client_id: tool.clientId,
      ...body,
      scope: (tool.scopes ?? []).join(' '),
      [TOOL_CONFIGURATION]: configuration,
    };
  }
}
