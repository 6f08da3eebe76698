/**
 * The sandbox's `/totara/oauth2/token.php`, answering as Totara 17.3 does: HTTP 200 whatever happens, the JSON body
 * sent as `text/html` with a session cookie, credentials read from the form body or HTTP Basic only (never the query
 * string or a JSON body), the grant type checked before the client, and an unknown client answered exactly like a
 * wrong secret. Tokens are kept in memory.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http.js';

const UNSUPPORTED_GRANT = {
  error: 'unsupported_grant_type',
  error_description: 'The authorization grant type is not supported by the authorization server.',
  hint: 'Check that all required parameters have been provided',
  message: 'The authorization grant type is not supported by the authorization server.',
};

const INVALID_CLIENT = {
  error: 'invalid_client',
  error_description: 'Client authentication failed',
  message: 'Client authentication failed',
};

/** Issued tokens and the credentials they are issued for. */
export class SandboxTokenStore {
  readonly #tokens = new Map<string, number>();
  /** Token requests answered with a token. */
  issued = 0;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    readonly lifetimeSec: number,
  ) {}

  /** True when `token` was issued and has not expired or been revoked. */
  valid(token: string): boolean {
    const expires = this.#tokens.get(token);
    if (expires === undefined) return false;
    if (Date.now() >= expires) {
      this.#tokens.delete(token);
      return false;
    }
    return true;
  }

  /** Revokes every token (as when an admin regenerates the client secret). */
  revokeAll(): void {
    this.#tokens.clear();
  }

  /** Makes every issued token expire now (they stay known, as expired JWTs stay parseable). */
  expireAll(): void {
    for (const token of this.#tokens.keys()) this.#tokens.set(token, 0);
  }

  /** Issues a token as the endpoint would (for tests: one without HTTP, or one already expired with 0). */
  issue(lifetimeSec: number = this.lifetimeSec): string {
    const token = randomBytes(24).toString('hex');
    this.#tokens.set(token, Date.now() + lifetimeSec * 1000);
    this.issued++;
    return token;
  }

  /** Handles a token request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)).toString('utf8');
    const type = String(req.headers['content-type'] ?? '');
    const form =
      req.method === 'POST' && type.includes('application/x-www-form-urlencoded')
        ? new URLSearchParams(body)
        : new URLSearchParams();
    const send = (value: object) =>
      sendJson(res, 200, value, {
        'content-type': 'text/html; charset=utf-8',
        'set-cookie': `TotaraSession=${randomBytes(13).toString('hex')}; path=/; HttpOnly`,
        'cache-control': 'no-store, no-cache, must-revalidate',
      });
    if (form.get('grant_type') !== 'client_credentials') return send(UNSUPPORTED_GRANT);
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (basic && id === null) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const decodePart = (text: string) => {
        try {
          return decodeURIComponent(text);
        } catch {
          return text;
        }
      };
      id = decodePart(decoded.slice(0, colon));
      secret = decodePart(decoded.slice(colon + 1));
    }
    if (id !== this.clientId || secret !== this.clientSecret) return send(INVALID_CLIENT);
    send({ token_type: 'Bearer', expires_in: this.lifetimeSec, access_token: this.issue() });
  }
}
