/** The time checks of a launch: `exp`, `iat` and `nbf` against a clock, with a tolerance, diagnosed in seconds. */
import { ltiError } from '../errors.js';

/** Throws when the token is expired, issued in the future or not yet valid at `now` (ms) give or take `tol` (ms). */
export function checkTimes(
  payload: Record<string, unknown>,
  now: number,
  tol: number,
  moodle: boolean,
): void {
  const toleranceSeconds = Math.round(tol / 1000);
  const { exp, iat, nbf } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw ltiError('launch', 'lti.exp_missing', 'The token has no numeric "exp".', { moodle });
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw ltiError('launch', 'lti.iat_missing', 'The token has no numeric "iat".', { moodle });
  if (exp * 1000 + tol <= now) {
    const ageSeconds = Math.round((now - exp * 1000) / 1000);
    throw ltiError(
      'launch',
      'lti.token_expired',
      `The token expired at ${new Date(exp * 1000).toISOString()} (${ageSeconds} s ago).`,
      {
        moodle,
        vars: { ageSeconds, toleranceSeconds },
        details: { exp, now: Math.floor(now / 1000) },
      },
    );
  }
  if (iat * 1000 - tol > now) {
    const skewSeconds = Math.round((iat * 1000 - now) / 1000);
    throw ltiError(
      'launch',
      'lti.token_issued_in_future',
      `The token was issued ${skewSeconds} s in the future.`,
      {
        moodle,
        vars: { skewSeconds, toleranceSeconds },
        details: { iat, now: Math.floor(now / 1000) },
      },
    );
  }
  if (nbf !== undefined) {
    if (typeof nbf !== 'number')
      throw ltiError('launch', 'lti.claim_invalid', '"nbf" is not a number.', {
        vars: { claim: 'nbf', detail: typeof nbf },
      });
    if (nbf * 1000 - tol > now) {
      const skewSeconds = Math.round((nbf * 1000 - now) / 1000);
      throw ltiError(
        'launch',
        'lti.token_not_yet_valid',
        `The token is not valid for another ${skewSeconds} s.`,
        {
          moodle,
          vars: { skewSeconds, toleranceSeconds, nbf: new Date(nbf * 1000).toISOString() },
        },
      );
    }
  }
}
