/** Choosing and importing the key that verifies a token, from a JSON Web Key Set. */
import { KeyObject, type webcrypto } from 'node:crypto';
import { importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { ltiError } from '../errors.js';

/** Signature algorithms accepted on LTI messages: RSA, RSA-PSS and ECDSA. Never `none`, never HMAC. */
export const ALLOWED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;
/** One of {@link ALLOWED_ALGORITHMS}. */
export type LtiAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

/** A verification key as jose takes it. */
export type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

/** The key a token asks for. */
export interface KeyRequest {
  kid: string | undefined;
  alg: LtiAlgorithm;
}

/** Context of a lookup, for diagnoses. */
export interface KeyLookupContext {
  moodle?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** A key found for a token, and what the key set held (for diagnoses). */
export interface KeySelection {
  key: VerifyKey;
  /** The same key as a node:crypto KeyObject (for the synchronous signature check). */
  keyObject: KeyObject;
  kid: string | undefined;
  kids: string[];
}

/** @internal */
export function selectionKey(want: KeyRequest): string {
  return want.kid === undefined ? `\u0000${want.alg}` : `${want.kid}\u0000${want.alg}`;
}

/** @internal */
export function kidsOf(jwks: JSONWebKeySet): string[] {
  return jwks.keys.map((k) => k.kid ?? '(no kid)');
}

function ktyFor(alg: LtiAlgorithm): string {
  return alg.startsWith('ES') ? 'EC' : 'RSA';
}

/** Parses a `Cache-Control` header's max-age into ms (undefined when absent), 0 for no-store/no-cache. */
export function cacheLifetimeMs(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(text)) return 0;
  const match = /(^|,)\s*(?:s-)?max-age\s*=\s*"?(\d+)"?/i.exec(text);
  return match ? Number(match[2]) * 1000 : undefined;
}

/** Checks that a parsed document is a JWKS. */
export function assertJwks(value: unknown, source: string, moodle?: boolean): JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray(keys) ||
    keys.some((k) => typeof k !== 'object' || k === null || typeof (k as JWK).kty !== 'string')
  )
    throw ltiError('keyset', 'lti.jwks_invalid', `${source} is not a JSON Web Key Set.`, {
      moodle,
      vars: { jwksUrl: source },
    });
  return value as JSONWebKeySet;
}

/**
 * @internal
 * Picks and imports the key for a token from a key set: by `kid`, or the only key of the right type when the token
 * has no `kid`. Returns undefined when the `kid` is not there (the caller may refetch).
 */
export async function pick(
  jwks: JSONWebKeySet,
  imported: Map<string, KeySelection>,
  want: KeyRequest,
  source: string,
  moodle: boolean | undefined,
): Promise<KeySelection | undefined> {
  const cacheKey = selectionKey(want);
  const cached = imported.get(cacheKey);
  if (cached) return cached;
  let jwk: JWK | undefined;
  if (want.kid !== undefined) {
    jwk = jwks.keys.find((k) => k.kid === want.kid);
    if (!jwk) return undefined;
  } else {
    const usable = jwks.keys.filter(
      (k) => k.kty === ktyFor(want.alg) && (k.use === undefined || k.use === 'sig'),
    );
    if (usable.length !== 1)
      throw ltiError(
        'launch',
        'lti.kid_missing',
        `The token has no "kid" and ${source} holds ${usable.length} usable keys.`,
        {
          moodle,
          details: { kids: kidsOf(jwks) },
        },
      );
    jwk = usable[0] as JWK;
  }
  const vars = { kid: want.kid, alg: want.alg };
  if (
    jwk.kty !== ktyFor(want.alg) ||
    (jwk.alg !== undefined && jwk.alg !== want.alg) ||
    (jwk.use !== undefined && jwk.use !== 'sig')
  )
    throw ltiError(
      'launch',
      'lti.key_unusable',
      `Key ${want.kid ?? '(no kid)'} (${jwk.kty}${jwk.alg ? ` ${jwk.alg}` : ''}) cannot verify ${want.alg}.`,
      {
        moodle,
        vars,
      },
    );
  let key: VerifyKey;
  try {
    key = await importJWK(jwk, want.alg);
  } catch (error) {
    throw ltiError(
      'launch',
      'lti.key_unusable',
      `Key ${want.kid ?? '(no kid)'} in ${source} cannot be imported.`,
      {
        moodle,
        vars,
        cause: error,
      },
    );
  }
  const keyObject = KeyObject.from(key as webcrypto.CryptoKey);
  // jose refuses RSA keys under 2048 bits when it verifies; the signature check here runs on node:crypto, so the
  // same floor is enforced at import.
  const bits = keyObject.asymmetricKeyDetails?.modulusLength;
  if (jwk.kty === 'RSA' && (bits === undefined || bits < 2048))
    throw ltiError(
      'launch',
      'lti.key_unusable',
      `Key ${want.kid ?? '(no kid)'} in ${source} is a ${bits ?? '?'}-bit RSA key; at least 2048 bits are required.`,
      { moodle, vars },
    );
  const selection: KeySelection = {
    key,
    keyObject,
    kid: want.kid,
    kids: kidsOf(jwks),
  };
  imported.set(cacheKey, selection);
  return selection;
}

/**
 * Selects the verification key from a static key set (a registration's `keys`, a JWKS file).
 *
 * @example
 * ```ts
 * const { key } = await selectStaticKey(jwks, { kid: header.kid, alg: 'RS256' });
 * ```
 */
export async function selectStaticKey(
  jwks: JSONWebKeySet,
  want: KeyRequest,
  context: KeyLookupContext & { source?: string | undefined; imported?: Map<string, KeySelection> } = {},
): Promise<KeySelection> {
  const source = context.source ?? 'the configured key set';
  const found = await pick(jwks, context.imported ?? new Map(), want, source, context.moodle);
  if (found) return found;
  throw ltiError(
    'launch',
    'lti.kid_unknown',
    `Key "${want.kid}" is not in ${source} (it holds ${kidsOf(jwks).join(', ') || 'no keys'}).`,
    {
      moodle: context.moodle,
      vars: { kid: want.kid, kids: kidsOf(jwks).join(', '), jwksUrl: source },
      details: { kid: want.kid, kids: kidsOf(jwks) },
    },
  );
}
