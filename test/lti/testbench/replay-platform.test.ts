/**
 * Replays of `moodle-4.5/lti-dynreg/` against the platform simulator: each request a real Moodle 4.5 received (A,
 * Moodle as platform) gets Moodle's answer from our platform, and each request Moodle as a tool sent to the test
 * platform (B) gets an answer of the kind Moodle accepted.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM } from '../../../src/lti/index.js';
import { parseAutoSubmitForm } from '../../../src/sandbox/lti/browser.js';
import type { ClientRegistration } from '../../../src/sandbox/lti/dynreg/messages.js';
import {
  moodleKeptRegistration,
  moodleRegistrationAnswer,
  moodleRegistrationRefusal,
} from '../../../src/sandbox/lti/dynreg/moodle-rules.js';
import { FIXTURES_SKIP_REASON, hasFixtures } from '../../helpers/fixtures.js';
import { type Capture, dynreg, header, type PlatformServer, startPlatform } from './fixtures.js';

const VARIANTS = [
  '002-domain_without_port',
  '003-missing_client_name',
  '004-bad_auth_method',
  '005-no_bearer',
  '006-ok',
];

describe.skipIf(!hasFixtures)(`Moodle's registration rules, replayed ${FIXTURES_SKIP_REASON}`, () => {
  it.each(VARIANTS)('%s: the refusal (or acceptance) Moodle gave', async (variant) => {
    const capture = await dynreg(`A-tool/${variant}-2-post-registration.json`);
    const refusal = moodleRegistrationRefusal(capture.request.body_json);
    if (capture.response.status === 200) expect(refusal).toBeUndefined();
    else if (variant !== '005-no_bearer')
      expect(refusal).toEqual({ status: capture.response.status, error: capture.response.body });
  });

  it("builds Moodle's answer to the accepted registration, key for key", async () => {
    const capture = await dynreg('A-tool/006-ok-2-post-registration.json');
    const kept = moodleKeptRegistration(capture.request.body_json as ClientRegistration);
    const answer = moodleRegistrationAnswer(kept, 'z7D4SXUzMUtL1N2', '1');
    expect(JSON.stringify(answer)).toBe(JSON.stringify(capture.response.body_json));
  });
});

describe.skipIf(!hasFixtures)(`the platform answers as Moodle (mod_lti) did ${FIXTURES_SKIP_REASON}`, () => {
  let platform: PlatformServer;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  /** Moodle's "Add LTI Advantage" start, against our platform: the 302 and its registration token. */
  async function start(
    toolUrl: string,
    type?: string,
  ): Promise<{ status: number; location: string; body: string }> {
    const url = new URL(`${platform.url}/mod/lti/startltiadvregistration.php`);
    url.searchParams.set('url', toolUrl);
    if (type !== undefined) url.searchParams.set('type', type);
    const answer = await fetch(url, { redirect: 'manual' });
    return {
      status: answer.status,
      location: answer.headers.get('location') ?? '',
      body: await answer.text(),
    };
  }

  async function post(capture: Capture, authorization: string | undefined): Promise<Response> {
    return fetch(`${platform.url}/mod/lti/openid-registration.php`, {
      method: capture.request.method,
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: capture.request.method === 'POST' ? (capture.request.body ?? undefined) : undefined,
    });
  }

  const tokens = new Map<string, string>();
  it('starts a registration as startltiadvregistration.php does: 302, query kept, a reg token for a new client', async () => {
    const moodle = await dynreg('A-browser/05-ok-1-startltiadvregistration.json');
    const toolUrl = new URL(moodle.request.url).searchParams.get('url') as string;
    for (const variant of VARIANTS) {
      const answer = await start(`${toolUrl}?variant=${variant}`);
      expect(answer.status).toBe(moodle.response.status);
      const location = new URL(answer.location);
      const expected = new URL(header(moodle.response.headers, 'location') as string);
      expect(`${location.origin}${location.pathname}`).toBe(`${expected.origin}${expected.pathname}`);
      expect(location.searchParams.get('variant')).toBe(variant);
      expect(location.searchParams.get('openid_configuration')).toBe(
        `${platform.url}/mod/lti/openid-configuration.php`,
      );
      const token = location.searchParams.get('registration_token') as string;
      const claims = decodeJwt(token);
      const captured = (await dynreg(`A-tool/${VARIANTS[4]}-0-initiate-registration-received.json`))
        .decoded_registration_token?.payload;
      expect(Object.keys(claims).sort()).toEqual(Object.keys(captured ?? {}).sort());
      expect(claims).toMatchObject({ scope: 'reg', exp: (claims.iat as number) + 3600 });
      tokens.set(variant, token);
    }
  });

  it.each(VARIANTS)('%s: the registration POST gets the status and body Moodle answered', async (variant) => {
    const capture = await dynreg(`A-tool/${variant}-2-post-registration.json`);
    const bearer = header(capture.request.headers, 'authorization')
      ? `Bearer ${tokens.get(variant)}`
      : undefined;
    const answer = await post(capture, bearer);
    expect(answer.status).toBe(capture.response.status);
    expect(answer.headers.get('content-type')).toBe(header(capture.response.headers, 'content-type'));
    const body = await answer.text();
    if (capture.response.status !== 200) return expect(body).toBe(capture.response.body);
    const expected = capture.response.body_json as Record<string, unknown>;
    const got = JSON.parse(body) as Record<string, unknown>;
    expect(got.client_id).toBe(decodeJwt(tokens.get(variant) as string).sub);
    expect({ ...got, client_id: 'z7D4SXUzMUtL1N2' }).toEqual({
      ...expected,
      'https://purl.imsglobal.org/spec/lti-tool-configuration': {
        ...(expected['https://purl.imsglobal.org/spec/lti-tool-configuration'] as object),
        deployment_id: (
          got['https://purl.imsglobal.org/spec/lti-tool-configuration'] as { deployment_id: string }
        ).deployment_id,
      },
    });
  });

  it('A-errors/01: the same token again is token_already_used (401)', async () => {
    const capture = await dynreg('A-errors/01-registration-token-reused.json');
    const answer = await post(capture, `Bearer ${tokens.get('006-ok')}`);
    expect([answer.status, await answer.text()]).toEqual([capture.response.status, capture.response.body]);
  });

  it('A-errors/02: a tampered token is a 404 error page (Signature verification failed)', async () => {
    const capture = await dynreg('A-errors/02-registration-token-bad-signature.json');
    const token = tokens.get('003-missing_client_name') as string;
    const answer = await post(capture, `Bearer ${token.slice(0, -4)}AAAA`);
    expect(answer.status).toBe(capture.response.status);
    const body = await answer.text();
    expect(body).toContain('Signature verification failed');
    expect(capture.response.body).toContain('Signature verification failed');
  });

  it('A-errors/03: a GET with the used token is token_already_used (401)', async () => {
    const capture = await dynreg('A-errors/03-registration-GET-with-used-new-reg-token.json');
    const answer = await post(capture, `Bearer ${tokens.get('006-ok')}`);
    expect([answer.status, await answer.text()]).toEqual([capture.response.status, capture.response.body]);
  });

  it('A-browser/06: a second start for the same domain asks to update the tool or register a new one', async () => {
    const capture = await dynreg('A-browser/06-upgrade-choice-page-second-start-same-domain.json');
    const toolUrl = new URL(capture.request.url).searchParams.get('url') as string;
    const answer = await start(toolUrl);
    expect(answer.status).toBe(capture.response.status);
    const hrefs = [...answer.body.matchAll(/href="([^"]+)"/g)].map((m) =>
      (m[1] as string).replace(/&#(\d+);/g, (_all, n: string) => String.fromCharCode(Number(n))),
    );
    const types = hrefs.map((href) => new URL(href, platform.url).searchParams.get('type'));
    const deployment = [...platform.module.platform.tools.values()][0]?.deploymentId;
    expect(types).toEqual([deployment, '0']);
    expect(capture.response.body).toContain('&type=0');
    const update = await start(toolUrl, deployment);
    expect(
      decodeJwt(new URL(update.location).searchParams.get('registration_token') as string),
    ).toMatchObject({
      scope: 'reg-update',
      sub: deployment,
    });
  });

  it('the registered tool is Pending, with what Moodle keeps (redirect URIs, deep linking URL, claims)', () => {
    const tool = [...platform.module.platform.tools.values()][0];
    expect(tool).toMatchObject({
      name: 'SDK DynReg Tool',
      state: 'pending',
      loginUrl: 'http://127.0.0.1:8300/login',
      redirectUris: ['http://127.0.0.1:8300/launch', 'http://127.0.0.1:8300/deeplink'],
      deepLinkingUrl: 'http://127.0.0.1:8300/deeplink',
      domain: '127.0.0.1:8300',
      custom: { sdk_custom: 'hello', user_id_sub: '$User.id' },
    });
  });

  /** Starts a launch of the registered tool as user 2 (as the captures) and returns its login initiation. */
  async function startLaunch(): Promise<{ url: string; params: Record<string, string> }> {
    const tool = [...platform.module.platform.tools.values()][0];
    const answer = await fetch(`${platform.url}/mod/lti/sandbox/launch`, {
      method: 'POST',
      body: JSON.stringify({ clientId: tool?.clientId, userId: '2' }),
    });
    return (await answer.json()) as { url: string; params: Record<string, string> };
  }

  it('A-browser/13: the login initiation carries the fields Moodle posts; auth answers the form_post', async () => {
    const page = await dynreg('A-browser/13-launch-after-activation-1-moodle-launch-page.json');
    const moodleForm = parseAutoSubmitForm(page.response.body ?? '');
    const initiation = await startLaunch();
    expect(initiation.url).toBe(moodleForm?.action);
    expect(Object.keys(initiation.params)).toEqual(Object.keys(moodleForm?.fields ?? {}));
    expect(initiation.params).toMatchObject({
      login_hint: '2',
      target_link_uri: 'http://127.0.0.1:8300/launch',
    });
    const auth = await dynreg('A-browser/13-launch-after-activation-3-get-moodle-auth.json');
    const url = new URL(auth.request.url);
    const ours = new URL(`${platform.url}/mod/lti/auth.php`);
    for (const [k, v] of url.searchParams) ours.searchParams.set(k, v);
    ours.searchParams.set('client_id', initiation.params.client_id as string);
    ours.searchParams.set('lti_message_hint', initiation.params.lti_message_hint as string);
    const answer = await fetch(ours);
    const form = parseAutoSubmitForm(await answer.text());
    const captured = parseAutoSubmitForm(auth.response.body ?? '');
    expect(answer.status).toBe(auth.response.status);
    expect(form?.action).toBe(captured?.action);
    expect(Object.keys(form?.fields ?? {})).toEqual(Object.keys(captured?.fields ?? {}));
    const claims = decodeJwt(form?.fields.id_token as string);
    const moodleClaims = decodeJwt(captured?.fields.id_token as string);
    // Every claim Moodle sent, but the LTI 1.1 leftovers (lis, basic outcome) the simulator does not emulate.
    const wanted = Object.keys(moodleClaims).filter((k) => !/\/claim\/lis$|lti-bo\/claim/.test(k));
    expect(Object.keys(claims)).toEqual(expect.arrayContaining(wanted));
    expect(claims).toMatchObject({ sub: '2', nonce: url.searchParams.get('nonce'), name: 'Admin User' });
    expect(claims[CLAIM.custom]).toEqual({ sdk_custom: 'hello', user_id_sub: '2' });
  });

  it.each([
    ['04-auth-unregistered-redirect_uri', undefined],
    ['05-auth-unknown-client_id', 'unauthorized_client'],
    ['06-auth-missing-nonce', undefined],
    ['07-auth-wrong-login_hint', 'access_denied'],
  ])('A-errors/%s: the auth endpoint answers as Moodle did', async (name, error) => {
    const capture = await dynreg(`A-errors/${name}.json`);
    const initiation = await startLaunch();
    const url = new URL(capture.request.url);
    const ours = new URL(`${platform.url}/mod/lti/auth.php`);
    for (const [k, v] of url.searchParams) ours.searchParams.set(k, v);
    if (url.searchParams.get('client_id') === 'z7D4SXUzMUtL1N2')
      ours.searchParams.set('client_id', initiation.params.client_id as string);
    ours.searchParams.set('lti_message_hint', initiation.params.lti_message_hint as string);
    const answer = await fetch(ours);
    expect(answer.status).toBe(capture.response.status);
    const body = await answer.text();
    if (!error) return expect(body).toContain('Invalid');
    const form = parseAutoSubmitForm(body);
    expect(form?.fields).toEqual(parseAutoSubmitForm(capture.response.body ?? '')?.fields);
    expect(form?.fields).toEqual({ error, state: url.searchParams.get('state') });
  });
});

describe.skipIf(!hasFixtures)(`Moodle as a tool gets the answers it accepted ${FIXTURES_SKIP_REASON}`, () => {
  let platform: PlatformServer;
  let clientId: string;
  let deploymentId: string;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it("B-platform/001: the OpenID configuration has what Moodle's register.php reads", async () => {
    const capture = await dynreg('B-platform/001-reg-moodle-gets-openid-configuration.json');
    const answer = await fetch(`${platform.url}/mod/lti/openid-configuration.php`, {
      headers: { 'user-agent': header(capture.request.headers, 'user-agent') as string },
    });
    expect(answer.status).toBe(200);
    const config = (await answer.json()) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(
      expect.arrayContaining(Object.keys(capture.response.body_json as object)),
    );
    for (const url of [
      'issuer',
      'registration_endpoint',
      'token_endpoint',
      'authorization_endpoint',
      'jwks_uri',
    ])
      expect(String(config[url])).toMatch(new RegExp(`^${platform.url}`));
  });

  it('B-platform/002: the registration Moodle posts is accepted with a client_id and a deployment_id (201)', async () => {
    const capture = await dynreg('B-platform/002-reg-moodle-posts-client-registration.json');
    const token = await platform.module.registrations.issueToken('register');
    const answer = await fetch(`${platform.url}/mod/lti/openid-registration.php`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: capture.request.body ?? '',
    });
    expect(answer.status).toBe(capture.response.status);
    const got = (await answer.json()) as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(
      expect.arrayContaining(Object.keys(capture.response.body_json as object)),
    );
    const configuration = got['https://purl.imsglobal.org/spec/lti-tool-configuration'] as {
      deployment_id: string;
    };
    expect(typeof got.client_id).toBe('string');
    expect(configuration.deployment_id).toMatch(/\S/);
    deploymentId = configuration.deployment_id;
    clientId = got.client_id as string;
    // Moodle sends its domain without the port: a platform acting as mod_lti would refuse it, this one only notes it.
    expect(platform.module.registrations.received.at(-1)?.moodleWouldRefuse).toBe(
      'domain_targetlinkuri_mismatch',
    );
    expect(platform.module.platform.tools.get(clientId)).toMatchObject({
      loginUrl:
        'http://127.0.0.1:8080/enrol/lti/login.php?id=97bf78c0c3254c76bd7bf6bcadfb271be5eb1762383f6edb11e8845f4b74',
      targetLinkUri: 'http://127.0.0.1:8080/enrol/lti/launch.php',
      state: 'active',
    });
  });

  it.each([
    ['003-launch-learner', '3'],
    ['005-launch-learner-2', '3'],
    ['007-launch-instructor', '4'],
  ])(
    'B-platform/%s: the auth request Moodle sends gets the id_token form_post Moodle accepted',
    async (name, userId) => {
      const capture = await dynreg(`B-platform/${name}-auth-request-received-id-token-form-post.json`);
      const uuid = String((capture.id_token?.payload[CLAIM.custom] as { id?: string } | undefined)?.id);
      const initiation = (await (
        await fetch(`${platform.url}/mod/lti/sandbox/launch`, {
          method: 'POST',
          body: JSON.stringify({ clientId, userId, custom: { id: uuid } }),
        })
      ).json()) as { params: Record<string, string> };
      expect(initiation.params.target_link_uri).toBe('http://127.0.0.1:8080/enrol/lti/launch.php');
      const params = new URL(capture.request.url).searchParams;
      const ours = new URL(`${platform.url}/mod/lti/auth.php`);
      for (const [k, v] of params) ours.searchParams.set(k, v);
      ours.searchParams.set('client_id', clientId);
      ours.searchParams.set('login_hint', initiation.params.login_hint as string);
      ours.searchParams.set('lti_message_hint', initiation.params.lti_message_hint as string);
      const answer = await fetch(ours);
      expect(answer.status).toBe(capture.response.status);
      const form = parseAutoSubmitForm(await answer.text());
      expect(form?.action).toBe(params.get('redirect_uri'));
      expect(form?.fields.state).toBe(params.get('state'));
      const claims = decodeJwt(form?.fields.id_token as string);
      expect(Object.keys(claims)).toEqual(
        expect.arrayContaining(Object.keys(capture.id_token?.payload ?? {})),
      );
      expect(claims).toMatchObject({
        aud: clientId,
        nonce: params.get('nonce'),
        [CLAIM.deploymentId]: deploymentId,
        [CLAIM.targetLinkUri]: 'http://127.0.0.1:8080/enrol/lti/launch.php',
        [CLAIM.custom]: { id: uuid },
      });
    },
  );

  it("B-platform/004: Moodle's JWKS fetch gets the key that signed the id_token", async () => {
    const capture = await dynreg('B-platform/004-launch-learner-moodle-gets-platform-jwks.json');
    const answer = await fetch(`${platform.url}/mod/lti/certs.php`, {
      headers: { 'user-agent': header(capture.request.headers, 'user-agent') as string },
    });
    expect(answer.status).toBe(capture.response.status);
    const keys = ((await answer.json()) as { keys: Array<Record<string, unknown>> }).keys;
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(Object.keys(keys[0] ?? {})).toEqual(
      expect.arrayContaining(Object.keys((capture.response.body_json as { keys: object[] }).keys[0] ?? {})),
    );
  });
});
