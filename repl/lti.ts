/** `.lti JWT`: decodes an LTI 1.3 id_token and validates it against the issuer's key set. */
import { InputError, MtsError } from '../src/core/errors.js';
import type { ReplSession } from './session.js';

type LtiModule = {
  decodeJwt(token: unknown): { header: Record<string, unknown>; payload: Record<string, unknown> };
  validateLaunch(token: unknown, options: Record<string, unknown>): Promise<unknown>;
};

const DEPLOYMENT_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/deployment_id';

/**
 * Decodes the token, then validates it with a registration taken from the token itself (issuer, audience,
 * deployment) and the key set of the session's site when the issuer is that site, else the issuer's Moodle path.
 * `at-iat` after the token validates at the token's own issue time (captured launches expire in 60 s).
 */
export async function ltiReport(session: ReplSession, arg: string): Promise<Record<string, unknown>> {
  const [token, flag] = arg.split(/\s+/);
  if (!token)
    throw new InputError('repl.bad_argument', 'Usage: .lti JWT [at-iat]', {
      hint: 'Paste the id_token of a launch.',
    });
  const lti = (await session.bindings.lti.promise) as unknown as LtiModule;
  const { header, payload } = lti.decodeJwt(token);
  const issuer = String(payload.iss ?? '');
  const audience = Array.isArray(payload.aud) ? String(payload.aud[0] ?? '') : String(payload.aud ?? '');
  const site = await session.target.lti().catch(() => undefined);
  const jwksUrl =
    site && site.issuer.replace(/\/+$/, '') === issuer.replace(/\/+$/, '')
      ? site.jwksUrl
      : `${issuer.replace(/\/+$/, '')}/mod/lti/certs.php`;
  const options: Record<string, unknown> = {
    registration: {
      issuer,
      clientId: audience,
      deploymentIds: [String(payload[DEPLOYMENT_CLAIM] ?? '')],
      jwksUrl,
    },
  };
  if (flag === 'at-iat' && typeof payload.iat === 'number') {
    const iat = payload.iat * 1000;
    options.now = () => iat;
  }
  try {
    const launch = await lti.validateLaunch(token, options);
    return { valid: true, jwksUrl, launch, header, payload };
  } catch (error) {
    const problem =
      error instanceof MtsError ? error.toJSON() : { code: 'internal', message: (error as Error).message };
    return { valid: false, error: problem, jwksUrl, header, payload };
  }
}
