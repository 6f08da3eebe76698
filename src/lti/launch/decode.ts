/** Strict decoding of a compact JWS (no verification): size bound, three base64url parts, JSON objects. */
import { ltiError } from '../errors.js';

/** Largest id_token accepted by default: 64 KiB (real launches are a few KiB). */
export const DEFAULT_MAX_TOKEN_BYTES = 64 * 1024;

/** A decoded, unverified JWT. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The signature part, base64url. */
  signature: string;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string, what: 'header' | 'payload'): Record<string, unknown> {
  const code = what === 'header' ? 'lti.token_header_invalid' : 'lti.token_payload_invalid';
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch (error) {
    throw ltiError('launch', code, `The JWT ${what} is not JSON.`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw ltiError('launch', code, `The JWT ${what} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/**
 * Decodes a compact JWT without verifying it, refusing anything that is not one. For display (`mts lti decode`)
 * and as the first step of validation.
 *
 * @example
 * ```ts
 * const { header, payload } = decodeJwt(idToken);
 * console.log(header.kid, payload.iss);
 * ```
 */
export function decodeJwt(token: unknown, maxBytes = DEFAULT_MAX_TOKEN_BYTES): DecodedJwt {
  if (typeof token !== 'string' || token === '')
    throw ltiError('launch', 'lti.token_missing', 'No id_token was given.');
  if (token.length > maxBytes)
    throw ltiError(
      'launch',
      'lti.token_too_large',
      `The id_token is ${token.length} bytes; the limit is ${maxBytes}.`,
      {
        details: { bytes: token.length, limit: maxBytes },
      },
    );
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !B64URL.test(p)) || parts[0] === '' || parts[1] === '')
    throw ltiError(
      'launch',
      'lti.token_malformed',
      `The id_token is not a compact JWS (${parts.length} part${parts.length === 1 ? '' : 's'}, three base64url parts expected).`,
    );
  const [h, p, s] = parts as [string, string, string];
  return { header: decodePart(h, 'header'), payload: decodePart(p, 'payload'), signature: s };
}
