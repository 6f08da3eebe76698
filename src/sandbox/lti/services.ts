/** The simulated platform's service state: client assertions checked, tokens granted, line items and scores kept. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { CLAIM, SCOPE } from '../../lti/claims.js';
import type { JwksCache } from '../../lti/keys/jwks-cache.js';
import { type LtiAlgorithm, selectStaticKey } from '../../lti/keys/select.js';
import { sendJson } from '../http.js';
import type { SimPlatform } from './platform.js';

/** An access token's grant. */
export interface Grant {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

/** A line item and its scores. */
export interface StoredLineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceId: string;
  tag: string;
  resourceLinkId: string;
  scores: Map<
    string,
    { scoreGiven?: number; scoreMaximum?: number; comment?: string; timestamp: string; time: number }
  >;
}

const ALL_SCOPES: string[] = Object.values(SCOPE);

/** The state of the services: grants and line items. */
export class SimServices {
  readonly grants = new Map<string, Grant>();
  readonly lineItems = new Map<string, StoredLineItem>();
  readonly #usedJti = new Set<string>();
  #nextId = 1;
  constructor(
    readonly platform: SimPlatform,
    readonly jwks: JwksCache,
  ) {}

  /** Checks a client assertion and grants a token, or says why not (OAuth2 error codes). */
  async token(form: URLSearchParams): Promise<{ status: number; body: Record<string, unknown> }> {
    const fail = (error: string, description: string) => ({
      status: 400,
      body: { error, error_description: description },
    });
    if (form.get('grant_type') !== 'client_credentials')
      return fail('unsupported_grant_type', 'grant_type must be client_credentials');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return fail('invalid_request', 'client_assertion_type must be jwt-bearer');
    const assertion = form.get('client_assertion') ?? '';
    let payload: Record<string, unknown>;
    try {
      payload = await this.verifyToolJwt(assertion);
    } catch (error) {
      return fail('invalid_client', `client assertion rejected: ${(error as Error).message}`);
    }
    const now = Math.floor(this.platform.now() / 1000);
    const tokenUrl = `${this.platform.baseUrl}/mod/lti/token.php`;
    if (payload.iss !== payload.sub) return fail('invalid_client', 'iss and sub must both be the client id');
    if (payload.aud !== tokenUrl && !(Array.isArray(payload.aud) && payload.aud.includes(tokenUrl)))
      return fail('invalid_client', `aud must be ${tokenUrl}`);
    if (typeof payload.exp !== 'number' || payload.exp < now)
      return fail('invalid_client', 'assertion expired');
    if (typeof payload.jti !== 'string' || this.#usedJti.has(payload.jti))
      return fail('invalid_client', 'jti missing or reused');
    this.#usedJti.add(payload.jti);
    const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !ALL_SCOPES.includes(s)))
      return { status: 400, body: { error: 'invalid_scope' } };
    const accessToken = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
    this.grants.set(accessToken, {
      clientId: String(payload.sub),
      scopes,
      expiresAt: this.platform.now() + 3_600_000,
    });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') },
    };
  }

  /** Verifies a tool's key signature on a JWT it sent (client assertion, deep linking response). */
  async verifyToolJwt(jwt: string): Promise<Record<string, unknown>> {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const tool = this.platform.tools.get(String(claims.iss));
    if (!tool) throw new Error(`unknown client ${String(claims.iss)}`);
    const header = decodeProtectedHeader(jwt);
    const want = { kid: header.kid, alg: (header.alg ?? 'RS256') as LtiAlgorithm };
    const { key } = tool.publicJwks
      ? await selectStaticKey(tool.publicJwks, want)
      : await this.jwks.getKey(tool.jwksUrl as string, want);
    await compactVerify(jwt, key, { algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'] });
    return claims;
  }

  /** What the platform makes of a deep linking response (Moodle's contentitem_return.php). */
  async deepLinkingReturn(jwt: string): Promise<{ status: number; body: Record<string, unknown> }> {
    let claims: Record<string, unknown>;
    try {
      claims = await this.verifyToolJwt(jwt);
    } catch (error) {
      return { status: 400, body: { error: 'invalid_jwt', message: (error as Error).message } };
    }
    const now = Math.floor(this.platform.now() / 1000);
    const problems: string[] = [];
    if (claims.aud !== this.platform.issuer) problems.push(`aud must be ${this.platform.issuer}`);
    if (typeof claims.exp !== 'number' || claims.exp < now) problems.push('expired');
    if (claims[CLAIM.messageType] !== 'LtiDeepLinkingResponse')
      problems.push('message_type must be LtiDeepLinkingResponse');
    if (claims[CLAIM.version] !== '1.3.0') problems.push('version must be 1.3.0');
    const tool = this.platform.tools.get(String(claims.iss));
    if (claims[CLAIM.deploymentId] !== tool?.deploymentId)
      problems.push('deployment_id does not match the tool');
    if (problems.length > 0)
      return { status: 400, body: { error: 'invalid_response', message: problems.join('; ') } };
    return {
      status: 200,
      body: {
        items: claims[CLAIM.deepLinkingContentItems] ?? [],
        data: claims[CLAIM.deepLinkingData],
        msg: claims[CLAIM.deepLinkingMsg],
      },
    };
  }

  /** The grant of a request's bearer token, when it holds one of `scopes`. */
  authorise(req: IncomingMessage, res: ServerResponse, scopes: string[]): Grant | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? this.grants.get(token) : undefined;
    if (!grant || grant.expiresAt <= this.platform.now()) {
      sendJson(res, 401, { error: 'invalid_token' });
      return undefined;
    }
    if (!scopes.some((s) => grant.scopes.includes(s))) {
      sendJson(res, 403, { error: 'insufficient_scope' });
      return undefined;
    }
    return grant;
  }

  lineItemUrl(id: string): string {
    return `${this.platform.baseUrl}/mod/lti/services.php/${this.platform.context.id}/lineitems/${id}/lineitem`;
  }

  createLineItem(body: Record<string, unknown>): StoredLineItem {
    const id = String(this.#nextId++);
    const item: StoredLineItem = {
      id: this.lineItemUrl(id),
      label: String(body.label ?? ''),
      scoreMaximum: Number(body.scoreMaximum ?? 100),
      resourceId: String(body.resourceId ?? ''),
      tag: String(body.tag ?? ''),
      resourceLinkId: String(body.resourceLinkId ?? ''),
      scores: new Map(),
    };
    this.lineItems.set(id, item);
    return item;
  }
}
