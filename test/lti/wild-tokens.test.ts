/**
 * The validator against the world's tokens (`../shared/fixtures/wild/lti/`): real signed id_tokens from Canvas and
 * the 1EdTech reference platform, replayed at their own `iat` against the key sets beside them, and the 1EdTech
 * certification claim sets, signed here, each accepted or refused as the certification suite and the specs say.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CLAIM,
  decodeJwt,
  LaunchValidator,
  type LtiError,
  type LtiErrorCode,
  type LtiLaunch,
  MESSAGE_TYPES,
  MemoryNonceStore,
} from '../../src/lti/index.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';

const TOKENS = 'wild/lti/tokens/';
const CERT = 'wild/lti/ims-cert-payloads/';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const readJson = <T>(path: string) => JSON.parse(readFileSync(fixture(path), 'utf8')) as T;

interface Real {
  token: string;
  payload: Record<string, unknown>;
  jwks: JSONWebKeySet;
}

function real(name: string): Real {
  const token = readFileSync(fixture(`${TOKENS}${name}.jwt`), 'utf8').trim();
  return { token, payload: decodeJwt(token).payload, jwks: readJson(`${TOKENS}${name}.jwks.json`) };
}

/** Validates a real token at its own `iat`, registered as the token says (issuer, audience) with `deploymentIds`. */
async function replay(
  { token, payload, jwks }: Real,
  options: { deploymentIds?: string[]; clientId?: string; messageTypes?: string[] } = {},
): Promise<LtiLaunch | LtiError> {
  const now = () => (payload.iat as number) * 1000;
  const validator = new LaunchValidator({
    registration: {
      issuer: payload.iss as string,
      clientId: options.clientId ?? (payload.aud as string),
      deploymentIds: options.deploymentIds ?? [payload[CLAIM.deploymentId] as string],
      keys: jwks,
    },
    now,
    nonceStore: new MemoryNonceStore({ now }),
    messageTypes: options.messageTypes,
  });
  return validator.validate(token).catch((error: LtiError) => error);
}

describe.skipIf(!hasFixtures)(
  `real id_tokens from Canvas and the 1EdTech reference platform ${FIXTURES_SKIP_REASON}`,
  () => {
    it('has every token of the manifest (6) with its key set', () => {
      const names = readdirSync(fixture(TOKENS)).filter((f) => f.endsWith('.jwt'));
      expect(names).toHaveLength(6);
      for (const name of names)
        expect(existsSync(fixture(`${TOKENS}${name.replace('.jwt', '.jwks.json')}`))).toBe(true);
    });

    for (const name of ['altcs-canvas-admin', 'pylti-resource_link']) {
      it(`${name}: Canvas's 512-bit development key is refused for its size, and the hint says so`, async () => {
        const error = (await replay(real(name))) as LtiError;
        expect(error.code).toBe('lti.key_too_small');
        expect(error.message).toContain('512-bit');
        expect(error.hint).toContain('512-bit RSA key');
        expect(error.hint).not.toMatch(/wrong type|cannot verify/);
      });
    }

    it('pylti-deep_link: a Canvas-shaped deep linking request is accepted', async () => {
      const launch = (await replay(real('pylti-deep_link'))) as LtiLaunch;
      expect(launch.messageType).toBe('LtiDeepLinkingRequest');
      expect(launch.deepLinking?.accept_types).toContain('ltiResourceLink');
    });

    it("pylti-privacy_launch: Canvas's DataPrivacyLaunchRequest is refused by default and accepted when the tool says so", async () => {
      const token = real('pylti-privacy_launch');
      const refused = (await replay(token)) as LtiError;
      expect(refused.code).toBe('lti.message_type_unknown');
      expect(refused.hint).toContain('--message-type DataPrivacyLaunchRequest');
      const launch = (await replay(token, {
        messageTypes: [...MESSAGE_TYPES, 'DataPrivacyLaunchRequest'],
      })) as LtiLaunch;
      expect(launch.messageType).toBe('DataPrivacyLaunchRequest');
      expect(launch.resourceLink).toBeUndefined();
      expect(launch.forUser?.id).toBe('8f041d94-9943-466b-9deb-a692a6b85c02');
    });

    it('pylti-submission_review_launch: its signature verifies, and its azp (another client) is refused as the Security Framework says', async () => {
      const token = real('pylti-submission_review_launch');
      const error = (await replay(token, { messageTypes: ['LtiSubmissionReviewRequest'] })) as LtiError;
      // azp is checked after the signature: reaching it means the real signature verified.
      expect(error.code).toBe('lti.azp_mismatch');
      expect((await replay(token, { clientId: token.payload.azp as string })) as LtiError).toMatchObject({
        code: 'lti.audience_mismatch',
      });
    });

    it('the same submission review claims, re-signed with a consistent azp, are accepted when the tool takes reviews', async () => {
      const { payload } = real('pylti-submission_review_launch');
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const claims = { ...payload, azp: payload.aud };
      const input = `${b64({ alg: 'RS256', kid: 'review' })}.${b64(claims)}`;
      const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
      const jwks: JSONWebKeySet = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'review' }] };
      const resigned = { token, payload: claims, jwks };
      expect(((await replay(resigned)) as LtiError).code).toBe('lti.message_type_unknown');
      const launch = (await replay(resigned, {
        messageTypes: [...MESSAGE_TYPES, 'LtiSubmissionReviewRequest'],
      })) as LtiLaunch;
      expect(launch.messageType).toBe('LtiSubmissionReviewRequest');
      expect(launch.forUser?.user_id).toBe('1239a-ilt');
      expect(launch.ags?.lineitem).toMatch(/lineitems\/1234/);
      expect(launch.targetLinkUri).toBeUndefined();
    });

    it('uoc-imsri-deeplink: the reference platform\'s deployment_id "" is an invalid claim, not a missing one', async () => {
      const error = (await replay(real('uoc-imsri-deeplink'), {
        deploymentIds: ['testDeployment'],
      })) as LtiError;
      expect(error.code).toBe('lti.deployment_id_invalid');
      expect(error.message).toContain('empty ("")');
    });

    it('mts lti validate replays a real token, with --message-type for the other messages', async () => {
      const dir = fixture(TOKENS);
      const { payload } = real('pylti-privacy_launch');
      const args = [
        'lti',
        'validate',
        '--token',
        `@${dir}pylti-privacy_launch.jwt`,
        '--jwks',
        `${dir}pylti-privacy_launch.jwks.json`,
        '--issuer',
        payload.iss as string,
        '--client-id',
        payload.aud as string,
        '--deployment-id',
        payload[CLAIM.deploymentId] as string,
        '--now',
        String(payload.iat),
        '--json',
      ];
      const refused = await runCli(args);
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout).error.code).toBe('lti.message_type_unknown');
      const accepted = await runCli([...args, '--message-type', 'DataPrivacyLaunchRequest']);
      expect(accepted.code, accepted.stdout).toBe(0);
      expect(JSON.parse(accepted.stdout).valid).toBe(true);
    });
  },
);

/** What the certification suite expects of each claim set: accepted, or refused with this code. */
const CERT_EXPECTED: Record<string, 'valid' | LtiErrorCode> = {
  deeplinking__valid__Send_Deep_Linking_Request_Payload: 'valid',
  lti__invalid__Correct_KID_Required_in_Header: 'lti.kid_missing',
  lti__invalid__Exp_and_Iat_Fields_invalid: 'lti.token_expired',
  lti__invalid__Incorrect_KID_passed_in_JWT_Header: 'lti.kid_unknown',
  'lti__invalid__JWT_Passed_is_Not_LTI_1.3_JWT': 'lti.token_header_invalid',
  'lti__invalid__LTI_version_passed_is_not_1.3': 'lti.version_unsupported',
  lti__invalid__Launch_Instructor_with_Unknown_Role: 'lti.roles_unrecognized',
  lti__invalid__Launch_With_Missing_resource_link_id: 'lti.resource_link_missing',
  lti__invalid__No_LTI_Version_Passed_in_JWT: 'lti.version_missing',
  lti__invalid__One_or_more_JWT_fields_missing: 'lti.version_missing',
  lti__invalid__deployment_id_Claim_Missing: 'lti.deployment_id_missing',
  lti__invalid__message_type_Claim_Missing: 'lti.message_type_missing',
  lti__invalid__role_Claim_Missing: 'lti.roles_missing',
  lti__invalid__user_Claim_Missing: 'lti.sub_invalid',
};

describe.skipIf(!hasFixtures)(`the 1EdTech certification claim sets ${FIXTURES_SKIP_REASON}`, () => {
  const names = hasFixtures
    ? readdirSync(fixture(CERT))
        .filter((f) => f.endsWith('__payload.json'))
        .map((f) => f.replace('__payload.json', ''))
        .sort()
    : [];
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys: JSONWebKeySet = {
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'cert-key', alg: 'RS256', use: 'sig' }],
  };
  const NOW = Date.parse('2026-12-01T10:00:00Z');

  /** The claim set signed with the test key: its own header when it has one, its exp/iat moved to now unless kept. */
  function signCase(name: string): string {
    const payload = readJson<Record<string, unknown>>(`${CERT}${name}__payload.json`);
    const keep = existsSync(fixture(`${CERT}${name}__keep.json`))
      ? readJson<string[]>(`${CERT}${name}__keep.json`)
      : [];
    const header = existsSync(fixture(`${CERT}${name}__header.json`))
      ? readJson<Record<string, unknown>>(`${CERT}${name}__header.json`)
      : { alg: 'RS256', kid: 'cert-key', typ: 'JWT' };
    if ('iat' in payload && !keep.includes('iat')) payload.iat = Math.floor(NOW / 1000) - 5;
    if ('exp' in payload && !keep.includes('exp')) payload.exp = Math.floor(NOW / 1000) + 295;
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  }

  it('covers every claim set of the fixture (31), each with an expectation', () => {
    expect(names).toHaveLength(31);
    expect(names.filter((name) => !(name in CERT_EXPECTED) && !name.includes('__valid__'))).toEqual([]);
  });

  it.each(names)('%s', async (name) => {
    const validator = new LaunchValidator({
      registration: {
        issuer: 'https://ltiadvantagevalidator.imsglobal.org',
        clientId: 'imstester_3dfad6d',
        deploymentIds: ['testdeploy'],
        keys,
      },
      now: () => NOW,
      nonceStore: new MemoryNonceStore({ now: () => NOW }),
    });
    const expected = CERT_EXPECTED[name] ?? 'valid';
    const outcome = await validator.validate(signCase(name)).then(
      () => 'valid',
      (error: LtiError) => error.code,
    );
    expect(outcome).toBe(expected);
    expect(expected === 'valid').toBe(name.includes('__valid__'));
  });
});
