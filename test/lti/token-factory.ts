/**
 * Makes LTI id_tokens for tests: a platform key pair generated per test file (RSA 2048), a valid launch payload,
 * and helpers to break it on purpose.
 */
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { CLAIM } from '../../src/lti/index.js';

export const ISSUER = 'https://platform.test';
export const CLIENT_ID = 'client-abc';
export const DEPLOYMENT_ID = 'dep-1';
export const TARGET = 'https://tool.test/launch';
export const NOW = Date.parse('2026-03-01T12:00:00Z');

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** One platform signing key and its public JWK. */
export interface PlatformKey {
  kid: string;
  privateKey: Key;
  publicJwk: JWK;
}

/** Generates an RSA 2048 platform key. */
export async function makePlatformKey(kid: string, alg = 'RS256'): Promise<PlatformKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength: 2048, extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A valid resource link launch payload at `now` (ms). */
export function launchPayload(now = NOW, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(now / 1000);
  const payload: Record<string, unknown> = {
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: 'user-1',
    iat,
    exp: iat + 60,
    nonce: `nonce-${Math.random().toString(36).slice(2)}`,
    name: 'Ada Lovelace',
    [CLAIM.version]: '1.3.0',
    [CLAIM.messageType]: 'LtiResourceLinkRequest',
    [CLAIM.deploymentId]: DEPLOYMENT_ID,
    [CLAIM.targetLinkUri]: TARGET,
    [CLAIM.resourceLink]: { id: 'rl-1', title: 'Quiz' },
    [CLAIM.roles]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
    [CLAIM.context]: { id: 'c-1', title: 'Course' },
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete payload[key];
    else payload[key] = value;
  }
  return payload;
}

/** Signs a payload with a platform key (header overridable). */
export async function sign(
  key: PlatformKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header } as { alg: string })
    .sign(key.privateKey);
}

/** base64url of a JSON value or a raw string. */
export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}
