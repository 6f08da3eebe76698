/**
 * bench/lti: launch validations per second with a warm key cache (every LTI check, nonce store included), side by
 * side with the anchor, `jose.jwtVerify` (signature, iss, aud, exp only; WebCrypto's asynchronous verify), and the
 * physical floor, a bare `node:crypto` RSA verify of the same tokens (nothing else). Two cases:
 * - sequential: one launch after another (await each);
 * - concurrent: a burst of launches in flight at once. Our signature check is synchronous (it runs on the event
 *   loop), while jose's WebCrypto verify and the asynchronous `crypto.verify` floor run on libuv's thread pool,
 *   so this case shows what that choice costs when many launches arrive together.
 * Samples of each side are interleaved (the order rotates every sample, the CPU is shared with other work); each
 * line gives the best and the median sample, and a ratio line against the anchor and against the floor.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { CLAIM, JwksCache, LaunchValidator, MemoryNonceStore } from '../../src/lti/index.js';
import toolLaunch from './tool-launch.js';

const TOKENS = 400;
const SAMPLES = 11;
const ISSUER = 'https://lms.bench';
const CLIENT = 'bench-client';
const NOW = Date.parse('2026-06-01T10:00:00Z');
/** The anchor must stay within this factor of ours (ours / jose throughput). */
const TARGET_VS_ANCHOR = 0.8;

type Side = 'ours' | 'jose' | 'floor';
const SIDES: Side[] = ['ours', 'jose', 'floor'];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(3));

/** The bare check: the RSA signature of the signing input, no JSON, no claims. */
function floorVerify(token: string, key: KeyObject): boolean {
  const dot = token.lastIndexOf('.');
  return cryptoVerify(
    'sha256',
    Buffer.from(token.slice(0, dot)),
    key,
    Buffer.from(token.slice(dot + 1), 'base64url'),
  );
}

function floorVerifyAsync(token: string, key: KeyObject): Promise<boolean> {
  const dot = token.lastIndexOf('.');
  return new Promise((resolve, reject) =>
    cryptoVerify(
      'sha256',
      Buffer.from(token.slice(0, dot)),
      key,
      Buffer.from(token.slice(dot + 1), 'base64url'),
      (error, ok) => (error ? reject(error) : resolve(ok)),
    ),
  );
}

export default async function bench(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
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
    const joseKey = await importJWK(jwk, 'RS256');
    const floorKey = createPublicKey({ key: jwk, format: 'jwk' });
    // A fresh nonce store per sample: the same tokens are not replays in the next one.
    const validator = () =>
      new LaunchValidator({
        registration: { issuer: ISSUER, clientId: CLIENT, deploymentIds: ['1'], jwksUrl },
        jwks,
        nonceStore: new MemoryNonceStore({ now: () => NOW }),
        now: () => NOW,
      });
    await validator().validate(tokens[0]); // warm the key cache (one fetch)
    const joseOptions = {
      issuer: ISSUER,
      audience: CLIENT,
      algorithms: ['RS256'],
      currentDate: new Date(NOW),
    };

    const sequential: Record<Side, () => Promise<unknown>> = {
      async ours() {
        const v = validator();
        for (const token of tokens) await v.validate(token);
      },
      async jose() {
        for (const token of tokens) await jwtVerify(token, joseKey, joseOptions);
      },
      async floor() {
        for (const token of tokens)
          if (!floorVerify(token, floorKey)) throw new Error('floor: bad signature');
      },
    };
    const concurrent: Record<Side, () => Promise<unknown>> = {
      ours() {
        const v = validator();
        return Promise.all(tokens.map((token) => v.validate(token)));
      },
      jose: () => Promise.all(tokens.map((token) => jwtVerify(token, joseKey, joseOptions))),
      floor: () => Promise.all(tokens.map((token) => floorVerifyAsync(token, floorKey))),
    };

    for (const [label, run] of [
      ['sequential', sequential],
      [`concurrent (${TOKENS} in flight)`, concurrent],
    ] as const) {
      const perSecond: Record<Side, number[]> = { ours: [], jose: [], floor: [] };
      for (const side of SIDES) await run[side](); // one unmeasured pass each: JIT and pools warm
      for (let sample = 0; sample < SAMPLES; sample++) {
        // Rotate the order so that no side always runs first (or right after the same neighbour).
        const order = SIDES.map((_, i) => SIDES[(i + sample) % SIDES.length] as Side);
        for (const side of order) {
          const start = performance.now();
          await run[side]();
          perSecond[side].push((TOKENS / (performance.now() - start)) * 1000);
        }
      }
      const best = (side: Side) => Math.max(...perSecond[side]);
      const mid = (side: Side) => median(perSecond[side]);
      const name = `lti launch validations/s, ${label}`;
      process.stdout.write(
        `${name}: ours best ${fmt(best('ours'))} median ${fmt(mid('ours'))} ops/s, jose.jwtVerify best ${fmt(best('jose'))} median ${fmt(mid('jose'))} ops/s, node:crypto verify floor best ${fmt(best('floor'))} median ${fmt(mid('floor'))} ops/s (${SAMPLES} interleaved samples of ${TOKENS})\n`,
      );
      const anchorRatio = mid('ours') / mid('jose');
      process.stdout.write(
        `${name}: ratio vs jose.jwtVerify (anchor) best ${(best('ours') / best('jose')).toFixed(2)}x median ${anchorRatio.toFixed(2)}x (target >= ${TARGET_VS_ANCHOR}x) ${anchorRatio >= TARGET_VS_ANCHOR ? 'PASS' : 'MISS'}\n`,
      );
      process.stdout.write(
        `${name}: ratio vs node:crypto verify (floor) best ${(best('ours') / best('floor')).toFixed(2)}x median ${(mid('ours') / mid('floor')).toFixed(2)}x\n`,
      );
    }
    if (jwks.fetchCount !== 1) throw new Error(`the key set was fetched ${jwks.fetchCount} times`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  await toolLaunch();
}
