/**
 * The negative corpus: every check of launch validation broken on purpose, plus malformed and oversized tokens
 * and key set endpoints that are down, slow or return garbage. Each case must be refused with its own code.
 */
import { createHmac } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLAIM,
  JwksCache,
  LaunchValidator,
  type LaunchValidatorOptions,
  LtiError,
  type LtiErrorCode,
  type LtiLaunchError,
  MemoryNonceStore,
  MemoryRegistrationStore,
  type ValidateOptions,
} from '../../src/lti/index.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import {
  b64,
  CLIENT_ID,
  DEPLOYMENT_ID,
  ISSUER,
  launchPayload,
  makePlatformKey,
  NOW,
  type PlatformKey,
  sign,
  TARGET,
} from './token-factory.js';

let key: PlatformKey;
let other: PlatformKey;
let jwks: JSONWebKeySet;
let server: TestServer;
let jwksUrl: string;

beforeAll(async () => {
  [key, other] = await Promise.all([makePlatformKey('k1'), makePlatformKey('k1')]);
  jwks = { keys: [key.publicJwk] };
  server = await startTestServer(async (req, res) => {
    const path = req.url ?? '';
    if (path.startsWith('/jwks')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    } else if (path.startsWith('/two-keys')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [key.publicJwk, { ...other.publicJwk, kid: 'k2' }] }));
    } else if (path.startsWith('/rs384-only')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [{ ...key.publicJwk, alg: 'RS512' }] }));
    } else if (path.startsWith('/slow')) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      res.end(JSON.stringify(jwks));
    } else if (path.startsWith('/error')) {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>down for maintenance</html>');
    } else if (path.startsWith('/html')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><title>Log in to the site</title></html>');
    } else if (path.startsWith('/nokeys')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: ISSUER }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  jwksUrl = `${server.url}/jwks`;
});
afterAll(async () => server?.close());

interface Case {
  name: string;
  code: LtiErrorCode;
  token: () => Promise<unknown> | unknown;
  validator?: () => Partial<LaunchValidatorOptions> | Promise<Partial<LaunchValidatorOptions>>;
  expect?: ValidateOptions;
  /** Validate once before (for replays). */
  twice?: boolean;
}

const valid = (overrides: Record<string, unknown> = {}) => sign(key, launchPayload(NOW, overrides));
const header = (h: Record<string, unknown>) => sign(key, launchPayload(), h);
const regAt = (url: string) => ({
  registration: { issuer: ISSUER, clientId: CLIENT_ID, deploymentIds: [DEPLOYMENT_ID], jwksUrl: url },
  // The whole fetch, retry included, gets 1 s: a refused connection is retried once within it, a 1.5 s answer is not awaited.
  jwks: new JwksCache({ timeoutMs: 1_000, now: () => NOW }),
});

const cases: Case[] = [
  // the token as a string
  { name: 'empty id_token', code: 'lti.token_missing', token: () => '' },
  { name: 'no id_token at all', code: 'lti.token_missing', token: () => undefined },
  { name: 'id_token that is a number', code: 'lti.token_missing', token: () => 42 },
  {
    name: 'oversized token',
    code: 'lti.token_too_large',
    token: () => valid({ [CLAIM.custom]: { blob: 'x'.repeat(70_000) } }),
  },
  { name: 'one part', code: 'lti.token_malformed', token: () => 'abcdef' },
  { name: 'two parts', code: 'lti.token_malformed', token: () => 'abc.def' },
  { name: 'four parts', code: 'lti.token_malformed', token: async () => `${await valid()}.extra` },
  { name: 'non-base64url characters', code: 'lti.token_malformed', token: () => 'a+b/.c$d.e' },
  { name: 'JWE-looking five parts', code: 'lti.token_malformed', token: () => 'a.b.c.d.e' },
  {
    name: 'header not JSON',
    code: 'lti.token_header_invalid',
    token: () => `${b64('not json')}.${b64({})}.sig`,
  },
  {
    name: 'header a JSON array',
    code: 'lti.token_header_invalid',
    token: () => `${b64([1])}.${b64({})}.sig`,
  },
  {
    name: 'payload not JSON',
    code: 'lti.token_payload_invalid',
    token: () => `${b64({ alg: 'RS256' })}.${b64('{oops')}.sig`,
  },
  {
    name: 'payload a JSON string',
    code: 'lti.token_payload_invalid',
    token: () => `${b64({ alg: 'RS256' })}.${b64('"x"')}.sig`,
  },
  {
    name: 'payload JSON null',
    code: 'lti.token_payload_invalid',
    token: () => `${b64({ alg: 'RS256' })}.${b64('null')}.sig`,
  },
  {
    name: 'alg none',
    code: 'lti.alg_not_allowed',
    token: () => `${b64({ alg: 'none' })}.${b64(launchPayload())}.`,
  },
  {
    name: 'HS256 signed with the public key as secret',
    code: 'lti.alg_not_allowed',
    token: () => {
      const input = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64(launchPayload())}`;
      const mac = createHmac('sha256', JSON.stringify(key.publicJwk)).update(input).digest('base64url');
      return `${input}.${mac}`;
    },
  },
  {
    name: 'no alg',
    code: 'lti.token_header_invalid',
    token: () => `${b64({ kid: 'k1' })}.${b64(launchPayload())}.c2ln`,
  },
  { name: 'kid not a string', code: 'lti.token_header_invalid', token: () => header({ kid: 7 }) },
  // keys and signature
  { name: 'kid not in the key set', code: 'lti.kid_unknown', token: () => header({ kid: 'rotated-away' }) },
  {
    name: 'no kid and two keys',
    code: 'lti.kid_missing',
    token: () => header({ kid: undefined }),
    validator: () => regAt(`${server.url}/two-keys`),
  },
  {
    name: 'no kid, even with a single key in the set (1EdTech: "Correct KID Required in Header")',
    code: 'lti.kid_missing',
    token: () => header({ kid: undefined }),
  },
  {
    name: 'key published for another alg',
    code: 'lti.key_unusable',
    token: () => header({}),
    validator: () => regAt(`${server.url}/rs384-only`),
  },
  {
    name: 'payload altered after signing',
    code: 'lti.signature_invalid',
    token: async () => {
      const [h, , s] = (await valid()).split('.');
      return `${h}.${b64(launchPayload(NOW, { sub: 'admin' }))}.${s}`;
    },
  },
  {
    name: 'signed by another key with the same kid',
    code: 'lti.signature_invalid',
    token: () => sign(other, launchPayload()),
  },
  {
    name: 'signature stripped',
    code: 'lti.signature_invalid',
    token: async () => (await valid()).replace(/\.[^.]+$/, '.'),
  },
  // key set endpoint
  {
    name: 'key set endpoint down',
    code: 'lti.jwks_unreachable',
    token: () => valid(),
    validator: () => regAt('http://127.0.0.1:9/jwks'),
  },
  {
    name: 'key set endpoint slow',
    code: 'lti.jwks_timeout',
    token: () => valid(),
    validator: () => regAt(`${server.url}/slow`),
  },
  {
    name: 'key set endpoint 503',
    code: 'lti.jwks_http_error',
    token: () => valid(),
    validator: () => regAt(`${server.url}/error`),
  },
  {
    name: 'key set endpoint 404',
    code: 'lti.jwks_http_error',
    token: () => valid(),
    validator: () => regAt(`${server.url}/missing`),
  },
  {
    name: 'key set is an HTML login page',
    code: 'lti.jwks_invalid',
    token: () => valid(),
    validator: () => regAt(`${server.url}/html`),
  },
  {
    name: 'key set JSON without keys',
    code: 'lti.jwks_invalid',
    token: () => valid(),
    validator: () => regAt(`${server.url}/nokeys`),
  },
  // registered claims
  { name: 'no iss', code: 'lti.iss_missing', token: () => valid({ iss: undefined }) },
  {
    name: 'iss not registered',
    code: 'lti.issuer_unknown',
    token: () => valid({ iss: 'https://elsewhere.test' }),
    validator: () => ({
      registration: undefined,
      registrations: new MemoryRegistrationStore([
        {
          issuer: ISSUER,
          clientId: CLIENT_ID,
          deploymentIds: [DEPLOYMENT_ID],
          authUrl: `${ISSUER}/auth`,
          jwksUrl,
        },
      ]),
    }),
  },
  {
    name: 'iss differs from the registration',
    code: 'lti.issuer_mismatch',
    token: () => valid({ iss: 'https://platform.test/' }),
  },
  {
    name: 'iss differs from the login',
    code: 'lti.issuer_mismatch',
    token: () => valid(),
    expect: { expectedIssuer: 'https://other.test' },
  },
  { name: 'no aud', code: 'lti.aud_missing', token: () => valid({ aud: undefined }) },
  { name: 'empty aud array', code: 'lti.aud_missing', token: () => valid({ aud: [] }) },
  {
    name: 'aud for another tool',
    code: 'lti.audience_mismatch',
    token: () => valid({ aud: 'someone-else' }),
  },
  { name: 'aud a number', code: 'lti.claim_invalid', token: () => valid({ aud: 12 }) },
  { name: 'several aud, no azp', code: 'lti.azp_missing', token: () => valid({ aud: [CLIENT_ID, 'other'] }) },
  {
    name: 'azp another client',
    code: 'lti.azp_mismatch',
    token: () => valid({ aud: [CLIENT_ID, 'other'], azp: 'other' }),
  },
  { name: 'no exp', code: 'lti.exp_missing', token: () => valid({ exp: undefined }) },
  { name: 'exp a string', code: 'lti.exp_missing', token: () => valid({ exp: '1999' }) },
  { name: 'no iat', code: 'lti.iat_missing', token: () => valid({ iat: undefined }) },
  { name: 'expired', code: 'lti.token_expired', token: () => sign(key, launchPayload(NOW - 120_000)) },
  {
    name: 'issued in the future (clock skew)',
    code: 'lti.token_issued_in_future',
    token: () => sign(key, launchPayload(NOW + 90_000)),
  },
  {
    name: 'not valid before',
    code: 'lti.token_not_yet_valid',
    token: () => valid({ nbf: Math.floor(NOW / 1000) + 300 }),
  },
  { name: 'nbf a string', code: 'lti.claim_invalid', token: () => valid({ nbf: 'soon' }) },
  { name: 'sub empty', code: 'lti.sub_invalid', token: () => valid({ sub: '' }) },
  { name: 'sub a number', code: 'lti.sub_invalid', token: () => valid({ sub: 3 }) },
  // nonce
  { name: 'no nonce', code: 'lti.nonce_missing', token: () => valid({ nonce: undefined }) },
  {
    name: 'nonce of another login',
    code: 'lti.nonce_mismatch',
    token: () => valid({ nonce: 'n-1' }),
    expect: { expectedNonce: 'n-2' },
  },
  {
    name: 'replayed id_token',
    code: 'lti.nonce_replayed',
    token: () => valid({ nonce: 'once' }),
    twice: true,
  },
  // LTI claims
  { name: 'no version', code: 'lti.version_missing', token: () => valid({ [CLAIM.version]: undefined }) },
  { name: 'version 1.1', code: 'lti.version_unsupported', token: () => valid({ [CLAIM.version]: '1.1' }) },
  {
    name: 'no message type',
    code: 'lti.message_type_missing',
    token: () => valid({ [CLAIM.messageType]: undefined }),
  },
  {
    name: 'unknown message type',
    code: 'lti.message_type_unknown',
    token: () => valid({ [CLAIM.messageType]: 'LtiSubmissionReviewRequest' }),
  },
  {
    name: 'no deployment_id',
    code: 'lti.deployment_id_missing',
    token: () => valid({ [CLAIM.deploymentId]: undefined }),
  },
  {
    name: 'unregistered deployment_id',
    code: 'lti.deployment_id_unknown',
    token: () => valid({ [CLAIM.deploymentId]: 'dep-9' }),
  },
  {
    name: 'empty deployment_id (the 1EdTech reference platform sent "")',
    code: 'lti.deployment_id_invalid',
    token: () => valid({ [CLAIM.deploymentId]: '' }),
  },
  {
    name: 'deployment_id longer than 255 characters',
    code: 'lti.deployment_id_invalid',
    token: () => valid({ [CLAIM.deploymentId]: 'd'.repeat(256) }),
  },
  {
    name: 'only roles outside the LTI vocabularies',
    code: 'lti.roles_unrecognized',
    token: () => valid({ [CLAIM.roles]: ['http://purl.imsglobal.org/vocab/lis/v2/unknown/unknown#Helper'] }),
  },
  {
    name: 'submission review without a line item',
    code: 'lti.submission_review_claim_missing',
    token: () =>
      valid({
        [CLAIM.messageType]: 'LtiSubmissionReviewRequest',
        [CLAIM.ags]: { scope: [] },
        [CLAIM.forUser]: { user_id: 'u2' },
      }),
    validator: () => ({ messageTypes: ['LtiSubmissionReviewRequest'] }),
  },
  {
    name: 'no target_link_uri',
    code: 'lti.target_link_uri_missing',
    token: () => valid({ [CLAIM.targetLinkUri]: undefined }),
  },
  {
    name: "target_link_uri not the login's",
    code: 'lti.target_link_uri_mismatch',
    token: () => valid(),
    expect: { expectedTargetLinkUri: `${TARGET}/other` },
  },
  { name: 'no roles', code: 'lti.roles_missing', token: () => valid({ [CLAIM.roles]: undefined }) },
  { name: 'roles a string', code: 'lti.claim_invalid', token: () => valid({ [CLAIM.roles]: 'Learner' }) },
  {
    name: 'no resource_link',
    code: 'lti.resource_link_missing',
    token: () => valid({ [CLAIM.resourceLink]: undefined }),
  },
  {
    name: 'resource_link without id',
    code: 'lti.resource_link_missing',
    token: () => valid({ [CLAIM.resourceLink]: { title: 'x' } }),
  },
  {
    name: 'deep linking request without settings',
    code: 'lti.deep_linking_settings_missing',
    token: () => valid({ [CLAIM.messageType]: 'LtiDeepLinkingRequest', [CLAIM.resourceLink]: undefined }),
  },
  {
    name: 'context not an object',
    code: 'lti.claim_invalid',
    token: () => valid({ [CLAIM.context]: 'course' }),
  },
  { name: 'custom an array', code: 'lti.claim_invalid', token: () => valid({ [CLAIM.custom]: ['a'] }) },
  {
    name: 'AGS claim without scope',
    code: 'lti.claim_invalid',
    token: () => valid({ [CLAIM.ags]: { lineitems: 'x' } }),
  },
];

describe('negative corpus: every broken launch refused with its own code', () => {
  it('has at least 40 cases covering at least 40 codes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.code)).size).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const base: LaunchValidatorOptions = {
      registration: { issuer: ISSUER, clientId: CLIENT_ID, deploymentIds: [DEPLOYMENT_ID], jwksUrl },
      jwks: new JwksCache({ now: () => NOW, timeoutMs: 300 }),
      nonceStore: new MemoryNonceStore({ now: () => NOW }),
      now: () => NOW,
      clockToleranceMs: 5_000,
    };
    const validator = new LaunchValidator({ ...base, ...(await c.validator?.()) });
    const token = await c.token();
    if (c.twice) await validator.validate(token, c.expect);
    const error = await validator.validate(token, c.expect).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the launch was accepted').toBeInstanceOf(LtiError);
    const lti = error as LtiError;
    expect(lti.code).toBe(c.code);
    expect(lti.message.length).toBeGreaterThan(10);
    if (!['lti.token_missing'].includes(lti.code)) expect(lti.hint, `hint of ${lti.code}`).toBeTruthy();
  });

  it('the valid token of the corpus is accepted (so the failures above are the breakages)', async () => {
    const validator = new LaunchValidator({
      registration: { issuer: ISSUER, clientId: CLIENT_ID, deploymentIds: [DEPLOYMENT_ID], jwksUrl },
      now: () => NOW,
    });
    const launch = await validator.validate(await valid({ sub: undefined }));
    expect(launch.userId).toBeUndefined();
    expect(launch.resourceLink?.id).toBe('rl-1');
  });

  it('a signature failure names the wanted kid and the kids the key set had', async () => {
    const validator = new LaunchValidator({
      registration: { issuer: ISSUER, clientId: CLIENT_ID, deploymentIds: [DEPLOYMENT_ID], jwksUrl },
      now: () => NOW,
    });
    const unknown = (await validator
      .validate(await header({ kid: 'k-new' }))
      .catch((e) => e)) as LtiLaunchError;
    expect(unknown.hint).toContain('"k-new"');
    expect(unknown.hint).toContain('k1');
    expect(unknown.details).toMatchObject({ kid: 'k-new', kids: ['k1'] });
    const forged = (await validator
      .validate(await sign(other, launchPayload()))
      .catch((e) => e)) as LtiLaunchError;
    expect(forged.code).toBe('lti.signature_invalid');
    expect(forged.details).toMatchObject({ kid: 'k1', kids: ['k1'] });
  });

  it('no error message or hint carries the id_token', async () => {
    const token = await valid({ [CLAIM.deploymentId]: 'dep-9' });
    const validator = new LaunchValidator({
      registration: { issuer: ISSUER, clientId: CLIENT_ID, deploymentIds: [DEPLOYMENT_ID], jwksUrl },
      now: () => NOW,
    });
    const error = (await validator.validate(token).catch((e) => e)) as LtiError;
    expect(JSON.stringify(error.toJSON())).not.toContain(token.split('.')[2]);
  });
});
