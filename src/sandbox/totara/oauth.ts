/** The sandbox's `/totara/oauth2/token.php`: OAuth2 client credentials, tokens kept in memory. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readForm, sendJson } from '../http.js';

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

  /** Revokes every token (as when an admin regenerates the client secret or tokens expire). */
  revokeAll(): void {
    this.#tokens.clear();
  }

  /** Handles a token request. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(res, 405, {
        error: 'invalid_request',
        error_description: 'The token endpoint takes POST only.',
      });
      return;
    }
    const form = await readForm(req, url);
    if (form.get('grant_type') !== 'client_credentials') {
      sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported by the authorization server.',
      });
      return;
    }
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      return;
    }
    const token = randomBytes(24).toString('hex');
    this.#tokens.set(token, Date.now() + this.lifetimeSec * 1000);
    this.issued++;
    sendJson(res, 200, { token_type: 'Bearer', expires_in: this.lifetimeSec, access_token: token });
  }
}
