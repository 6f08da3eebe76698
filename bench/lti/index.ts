/**
 * bench/lti: launch validations per second with a warm key cache (every LTI check, nonce store included) against
 * `jose.jwtVerify` alone on the same tokens (signature, iss, aud, exp only): the floor. Target >= 0.8x.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { CLAIM, JwksCache, LaunchValidator, MemoryNonceStore } from '../../src/lti/index.js';
import { report } from '../util.js';
import toolLaunch from './tool-launch.js';

const TOKENS = 2_000;
const ROUNDS = 5;
const ISSUER = 'https://lms.bench';
const CLIENT = 'bench-client';
const NOW = Date.parse('2026-06-01T10:00:00Z');

export default async function bench(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mod/lti/certs.php`;
  try {
    const iat = Math.floor(NOW / 1000);
    const tokens: string[] = [];
    for (let i = 0; i < TOKENS; i++) {
      tokens.push(
        await new SignJWT({
          nonce: `nonce-${i}`,
          sub: String(i),
          name: 'Bench User',
          [CLAIM.version]: '1.3.0',
          [CLAIM.messageType]: 'LtiResourceLinkRequest',
          [CLAIM.deploymentId]: '1',
          [CLAIM.targetLinkUri]: 'https://tool.bench/launch',
          [CLAIM.resourceLink]: { id: 'rl-1', title: 'Activity' },
          [CLAIM.roles]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
          [CLAIM.context]: { id: '2', label: 'C', title: 'Course' },
          [CLAIM.custom]: { a: '1', b: '2' },
        })
          .setProtectedHeader({ alg: 'RS256', kid: 'bench-1', typ: 'JWT' })
          .setIssuer(ISSUER)
          .setAudience(CLIENT)
          .setIssuedAt(iat)
          .setExpirationTime(iat + 60)
          .sign(privateKey),
      );
    }
    const jwks = new JwksCache({ now: () => NOW });
    const key = await importJWK(jwk, 'RS256');
    const validator = () =>
      new LaunchValidator({
        registration: { issuer: ISSUER, clientId: CLIENT, deploymentIds: ['1'], jwksUrl },
        jwks,
        nonceStore: new MemoryNonceStore({ now: () => NOW }),
        now: () => NOW,
      });
    await validator().validate(tokens[0]); // warm the key cache (one fetch)

    // Interleaved in chunks so that both sides see the same machine load (the CPU is shared).
    let oursMs = 0;
    let joseMs = 0;
    const CHUNK = 50;
    for (let round = 0; round < ROUNDS; round++) {
      const ours = validator(); // a fresh nonce store: the same tokens are not replays in the next round
      for (let i = 0; i < tokens.length; i += CHUNK) {
        const chunk = tokens.slice(i, i + CHUNK);
        const flip = (i / CHUNK) % 2 === 0;
        const runOurs = async () => {
          const start = performance.now();
          for (const token of chunk) await ours.validate(token);
          oursMs += performance.now() - start;
        };
        const runJose = async () => {
          const start = performance.now();
          for (const token of chunk)
            await jwtVerify(token, key, {
              issuer: ISSUER,
              audience: CLIENT,
              algorithms: ['RS256'],
              currentDate: new Date(NOW),
            });
          joseMs += performance.now() - start;
        };
        if (flip) {
          await runOurs();
          await runJose();
        } else {
          await runJose();
          await runOurs();
        }
      }
    }
    const total = TOKENS * ROUNDS;
    report({
      name: 'lti launch validations/s (warm JWKS cache, all checks)',
      ours: (total / oursMs) * 1000,
      anchor: (total / joseMs) * 1000,
      anchorName: 'jose.jwtVerify alone',
      unit: 'ops/s',
      better: 'higher',
      target: 0.8,
    });
    if (jwks.fetchCount !== 1) throw new Error(`the key set was fetched ${jwks.fetchCount} times`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  await toolLaunch();
}
