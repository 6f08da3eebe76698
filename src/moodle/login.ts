/**
 * Token login through `login/token.php`: a username and password in, a web service token out. Moodle answers
 * failures with HTTP 200 and `{error, errorcode}`; they become typed errors.
 */
import { assertKnownOptions, InputError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { encodePairs } from './call/encode.js';
import { readMoodleJson, type SiteAccess } from './connection.js';
import { moodleResponseError } from './errors.js';

/** Options of {@link MoodleClient.login}. */
export interface LoginOptions {
  username: string;
  password: string;
  /** The external service's short name (default `moodle_mobile_app`). */
  service?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** What `login/token.php` returns. */
export interface LoginResult {
  /** The web service token. */
  token: string;
  /** The private token (sent only over HTTPS to the mobile app service), else null. */
  privateToken: string | null;
}

/** Posts the credentials to `login/token.php` and returns the token. */
export async function requestToken(site: SiteAccess, options: LoginOptions): Promise<LoginResult> {
  assertKnownOptions('login', options, ['username', 'password', 'service', 'signal', 'timeoutMs']);
  if (!options.username || !options.password) {
    throw new InputError('moodle.missing_credentials', 'login needs a username and a password.', {
      details: { path: options.username ? 'password' : 'username' },
    });
  }
  registerSecret(options.password);
  const response = await site.transport.request({
    method: 'POST',
    url: `${site.url}/login/token.php`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: encodePairs([
      ['username', options.username],
      ['password', options.password],
      ['service', options.service ?? 'moodle_mobile_app'],
    ]),
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const body = (await readMoodleJson(response, { fn: 'login/token.php' })) as {
    token?: unknown;
    privatetoken?: unknown;
  };
  if (typeof body?.token !== 'string' || body.token === '') {
    throw moodleResponseError(response.status, 'a JSON answer without a token', 'application/json', {
      fn: 'login/token.php',
      request: response.request,
    });
  }
  registerSecret(body.token);
  const privateToken = typeof body.privatetoken === 'string' ? body.privatetoken : null;
  registerSecret(privateToken);
  return { token: body.token, privateToken };
}
