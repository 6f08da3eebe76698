/** Every allowed algorithm verifies a good token and refuses a tampered one; keys must match the algorithm. */
import { generateKeyPairSync, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ALLOWED_ALGORITHMS, LaunchValidator, type LtiError } from '../../src/lti/index.js';
import { b64, CLIENT_ID, DEPLOYMENT_ID, ISSUER, launchPayload, NOW } from './token-factory.js';

const validatorFor = (jwk: object) =>
  new LaunchValidator({
    registration: {
      issuer: ISSUER,
      clientId: CLIENT_ID,
      deploymentIds: [DEPLOYMENT_ID],
      keys: { keys: [jwk] },
    },
    now: () => NOW,
  });

describe('allowed algorithms', () => {
  it.each(ALLOWED_ALGORITHMS.map((alg) => [alg]))('%s: valid accepted, tampered refused', async (alg) => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength: 2048, extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: `k-${alg}`, alg };
    const validator = validatorFor(jwk);
    const token = await new SignJWT(launchPayload())
      .setProtectedHeader({ alg, kid: jwk.kid })
      .sign(privateKey);
    await expect(validator.validate(token)).resolves.toMatchObject({ kid: jwk.kid });
    const [h, , s] = token.split('.');
    const tampered = `${h}.${b64(launchPayload(NOW, { sub: 'someone-else' }))}.${s}`;
    const error = (await validator.validate(tampered).catch((e) => e)) as LtiError;
    expect(error.code).toBe('lti.signature_invalid');
  });

  it('refuses an RSA key presented for an EC algorithm', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rsa' };
    const validator = validatorFor(jwk);
    const rs = await new SignJWT(launchPayload())
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
      .sign(privateKey);
    const [, p, s] = rs.split('.');
    const error = (await validator
      .validate(`${b64({ alg: 'ES256', kid: 'rsa' })}.${p}.${s}`)
      .catch((e) => e)) as LtiError;
    expect(error.code).toBe('lti.key_unusable');
  });

  it('refuses an RSA key shorter than 2048 bits, as jose would', async () => {
    // jose will not make or sign with such a key, so node:crypto does both.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'short' };
    const signingInput = `${b64({ alg: 'RS256', kid: 'short' })}.${b64(launchPayload())}`;
    const token = `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
    const error = (await validatorFor(jwk)
      .validate(token)
      .catch((e) => e)) as LtiError;
    // Its own code, and a hint that blames the size, not the key's type.
    expect(error.code).toBe('lti.key_too_small');
    expect(error.message).toContain('1024-bit');
    expect(error.hint).toContain('1024-bit RSA key');
    expect(error.hint).not.toMatch(/wrong type/);
  });
});
