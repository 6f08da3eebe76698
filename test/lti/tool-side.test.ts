/** Tool keys, deep linking responses, login initiation rules and the JWKS cache's refresh policy. */
import { compactVerify, createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLAIM,
  createDeepLinkingResponse,
  errorResponse,
  generateToolKey,
  handleLogin,
  importToolKey,
  JwksCache,
  type LtiError,
  type LtiLaunch,
  LtiLaunchError,
  MemoryRegistrationStore,
  MemoryStateStore,
  ToolKeySet,
} from '../../src/lti/index.js';
import { FIXTURES_SKIP_REASON, hasFixtures, readFixtureJson } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import { makePlatformKey, type PlatformKey } from './token-factory.js';

let keys: ToolKeySet;
beforeAll(async () => {
  keys = await ToolKeySet.generate();
});

describe('tool keys', () => {
  it('generates RSA 2048, publishes only public parts, and refuses weak keys', async () => {
    const jwk = keys.jwks().keys[0] as Record<string, unknown>;
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: keys.signingKey.kid });
    expect(Buffer.from(jwk.n as string, 'base64url').length * 8).toBe(2048);
    expect(jwk).not.toHaveProperty('d');
    expect(JSON.stringify(keys.signingKey)).not.toContain('"d"');
    await expect(generateToolKey({ modulusLength: 1024 })).rejects.toMatchObject({ code: 'lti.key_invalid' });
  });

  it('rotates with overlap: the new key signs, the old one stays published until retired', async () => {
    const set = new ToolKeySet([keys.signingKey]);
    const old = set.signingKey.kid;
    const fresh = await set.rotate();
    expect(set.signingKey.kid).toBe(fresh.kid);
    expect(set.jwks().keys.map((k) => k.kid)).toEqual([old, fresh.kid]);
    const jwt = await set.sign({ hello: 'world' });
    const verified = await jwtVerify(jwt, createLocalJWKSet(set.jwks()));
    expect(verified.protectedHeader.kid).toBe(fresh.kid);
    expect(set.retire(fresh.kid)).toBe(false);
    expect(set.retire(old)).toBe(true);
    expect(set.jwks().keys.map((k) => k.kid)).toEqual([fresh.kid]);
  });

  it('imports a stored PKCS#8 key with the same public half', async () => {
    const pem = await keys.signingKey.exportPrivatePem();
    const again = await importToolKey(pem, { kid: keys.signingKey.kid });
    expect(again.publicJwk).toEqual(keys.signingKey.publicJwk);
  });
});

function deepLinkingLaunch(settings: Partial<NonNullable<LtiLaunch['deepLinking']>> = {}): LtiLaunch {
  return {
    issuer: 'http://127.0.0.1:8080',
    clientId: '1NzzN2GiaD2ZrP6',
    deploymentId: '1',
    messageType: 'LtiDeepLinkingRequest',
    version: '1.3.0',
    targetLinkUri: 'http://127.0.0.1:8090/launch',
    userId: '4',
    roles: [],
    resourceLink: undefined,
    context: undefined,
    toolPlatform: undefined,
    launchPresentation: undefined,
    custom: {},
    deepLinking: {
      deep_link_return_url: 'http://127.0.0.1:8080/mod/lti/contentitem_return.php?course=2&id=1&sesskey=x"y',
      accept_types: ['ltiResourceLink', 'link', 'file', 'html', 'image'],
      accept_presentation_document_targets: ['iframe'],
      accept_multiple: true,
      ...settings,
    },
    ags: undefined,
    nrps: undefined,
    forUser: undefined,
    user: {},
    kid: undefined,
    payload: {},
  };
}

describe('deep linking response', () => {
  it.skipIf(!hasFixtures)(
    `has the claims of the response Moodle accepted ${FIXTURES_SKIP_REASON}`,
    async () => {
      const accepted = await readFixtureJson<{ payload: Record<string, unknown>; jwt: string }>(
        'moodle-4.5/lti/deeplink/2026-11-21T19-07-00-281Z-LtiDeepLinkingResponse.json',
      );
      const toolJwks = await readFixtureJson<{ keys: [] }>('moodle-4.5/lti/tool-jwks.json');
      await compactVerify(accepted.jwt, createLocalJWKSet(toolJwks));
      const items = accepted.payload[CLAIM.deepLinkingContentItems] as never[];
      const ours = await createDeepLinkingResponse(deepLinkingLaunch(), items, keys, {
        msg: 'Deep link from sdk capture tool',
      });
      expect(Object.keys(ours.payload).sort()).toEqual(Object.keys(accepted.payload).sort());
      for (const claim of [
        'iss',
        'aud',
        CLAIM.deploymentId,
        CLAIM.messageType,
        CLAIM.version,
        CLAIM.deepLinkingContentItems,
      ])
        expect(ours.payload[claim], claim).toEqual(accepted.payload[claim]);
      const verified = await jwtVerify(ours.jwt, createLocalJWKSet(keys.jwks()), {
        audience: 'http://127.0.0.1:8080',
      });
      expect(verified.payload.iss).toBe('1NzzN2GiaD2ZrP6');
    },
  );

  it('echoes data only when the request sent it, and escapes the auto-submit form', async () => {
    const without = await createDeepLinkingResponse(
      deepLinkingLaunch(),
      [{ type: 'link', url: 'https://example.org' }],
      keys,
    );
    expect(without.payload).not.toHaveProperty([CLAIM.deepLinkingData]);
    const withData = await createDeepLinkingResponse(
      deepLinkingLaunch({ data: 'csrf-42' }),
      [{ type: 'html', html: '<script>x</script>' }],
      keys,
    );
    expect(withData.payload[CLAIM.deepLinkingData]).toBe('csrf-42');
    expect(withData.html).toContain(
      'action="http://127.0.0.1:8080/mod/lti/contentitem_return.php?course&#61;2&#38;id&#61;1&#38;sesskey&#61;x&#34;y"',
    );
    expect(withData.html).not.toContain('x"y');
    expect(withData.html).toMatch(/name="JWT" value="[\w.-]+"/);
  });

  it('covers all five item types and refuses what the platform did not ask for', async () => {
    const all = await createDeepLinkingResponse(
      deepLinkingLaunch(),
      [
        { type: 'ltiResourceLink', title: 'Quiz', lineItem: { scoreMaximum: 10 } },
        { type: 'link', url: 'https://example.org' },
        { type: 'file', url: 'https://example.org/a.pdf', mediaType: 'application/pdf' },
        { type: 'html', html: '<b>hi</b>' },
        { type: 'image', url: 'https://example.org/a.png', width: 10, height: 10 },
      ],
      keys,
    );
    expect((all.payload[CLAIM.deepLinkingContentItems] as unknown[]).length).toBe(5);
    const only = deepLinkingLaunch({ accept_types: ['ltiResourceLink'], accept_multiple: false });
    const codes = await Promise.all([
      createDeepLinkingResponse(only, [{ type: 'link', url: 'https://example.org' }], keys).catch(
        (e: LtiError) => e.code,
      ),
      createDeepLinkingResponse(only, [{ type: 'ltiResourceLink' }, { type: 'ltiResourceLink' }], keys).catch(
        (e: LtiError) => e.code,
      ),
      createDeepLinkingResponse(
        deepLinkingLaunch(),
        [{ type: 'image', url: 'javascript:alert(1)' }],
        keys,
      ).catch((e: LtiError) => e.code),
    ]);
    expect(codes).toEqual([
      'lti.deep_linking_type_not_accepted',
      'lti.deep_linking_multiple_not_accepted',
      'lti.deep_linking_item_invalid',
    ]);
  });
});

describe('login initiation', () => {
  const registrations = new MemoryRegistrationStore([
    {
      issuer: 'https://lms.test',
      clientId: 'c1',
      deploymentIds: ['1'],
      authUrl: 'https://lms.test/mod/lti/auth.php',
      jwksUrl: 'https://lms.test/mod/lti/certs.php',
      targetLinkUris: ['https://tool.test/*'],
    },
  ]);
  const login = (params: Record<string, string>, extra: Record<string, unknown> = {}) =>
    handleLogin(
      { method: 'GET', url: `https://tool.test/login?${new URLSearchParams(params)}` },
      {
        registrations,
        stateStore: new MemoryStateStore(),
        redirectUri: 'https://tool.test/launch',
        ...extra,
      },
    );
  const ok = {
    iss: 'https://lms.test',
    login_hint: '3',
    target_link_uri: 'https://tool.test/launch',
    client_id: 'c1',
  };

  it('accepts GET, binds state to the browser with a SameSite=None; Secure cookie, and omits it in server mode', async () => {
    const response = await login(ok);
    expect(response.status).toBe(302);
    expect(String(response.headers['set-cookie'])).toMatch(
      /^lti_state_[\w-]+=1; Path=\/; Max-Age=600; HttpOnly; SameSite=None; Secure$/,
    );
    const serverMode = await login(ok, { stateMode: 'server' });
    expect(serverMode.headers['set-cookie']).toBeUndefined();
  });

  it.each([
    [{ ...ok, login_hint: '' }, 'lti.login_param_missing'],
    [{ ...ok, iss: 'https://other.test' }, 'lti.issuer_unknown'],
    [{ ...ok, client_id: 'c2' }, 'lti.client_id_unknown'],
    [{ ...ok, target_link_uri: 'https://evil.test/launch' }, 'lti.login_target_invalid'],
    [{ ...ok, lti_deployment_id: '9' }, 'lti.deployment_id_unknown'],
  ])('refuses %o with %s', async (params, code) => {
    await expect(login(params as Record<string, string>)).rejects.toMatchObject({ code });
  });

  it('renders failures as JSON or escaped HTML', async () => {
    const error = await login({ ...ok, target_link_uri: 'https://evil.test/<script>' }).catch(
      (e: unknown) => e,
    );
    const html = errorResponse(error);
    expect(html.status).toBe(400);
    expect(html.body).not.toContain('<script>');
    const json = errorResponse(error, { method: 'GET', url: '/', headers: { Accept: 'application/json' } });
    expect(JSON.parse(json.body).error.code).toBe('lti.login_target_invalid');
  });

  it('answers 401 for key problems and 503 when the nonce store is full (the tool is at capacity)', () => {
    expect(errorResponse(new LtiLaunchError('lti.key_too_small', 'weak')).status).toBe(401);
    expect(errorResponse(new LtiLaunchError('lti.nonce_store_full', 'full')).status).toBe(503);
  });
});

describe('JWKS cache refresh policy', () => {
  let server: TestServer;
  let platformKey: PlatformKey;
  let cacheControl = 'max-age=5';
  let down = false;
  afterAll(async () => server?.close());
  beforeAll(async () => {
    platformKey = await makePlatformKey('a');
    server = await startTestServer((_req, res) => {
      if (down) {
        res.writeHead(503);
        res.end('maintenance');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': cacheControl });
      res.end(JSON.stringify({ keys: [platformKey.publicJwk] }));
    });
  });

  it('honours max-age within bounds, refetches once per cooldown on unknown kids, shares concurrent fetches', async () => {
    let now = 0;
    const cache = new JwksCache({ now: () => now, minMaxAgeMs: 60_000, cooldownMs: 30_000 });
    const url = `${server.url}/certs`;
    await Promise.all([
      cache.getKey(url, { kid: 'a', alg: 'RS256' }),
      cache.getKey(url, { kid: 'a', alg: 'RS256' }),
    ]);
    expect(cache.fetchCount).toBe(1);
    now = 59_000;
    await cache.getKey(url, { kid: 'a', alg: 'RS256' });
    expect(cache.fetchCount).toBe(1);
    now = 61_000;
    await cache.getKey(url, { kid: 'a', alg: 'RS256' });
    expect(cache.fetchCount).toBe(2);
    await expect(cache.getKey(url, { kid: 'forged-1', alg: 'RS256' })).rejects.toMatchObject({
      code: 'lti.kid_unknown',
    });
    await expect(cache.getKey(url, { kid: 'forged-2', alg: 'RS256' })).rejects.toMatchObject({
      code: 'lti.kid_unknown',
    });
    expect(cache.fetchCount).toBe(3);
    cacheControl = 'max-age=999999999';
    now = 200_000;
    await expect(cache.getKey(url, { kid: 'forged-3', alg: 'RS256' })).rejects.toMatchObject({
      code: 'lti.kid_unknown',
    });
    expect(cache.fetchCount).toBe(4);
    now += 86_400_000 + 1;
    await cache.getKey(url, { kid: 'a', alg: 'RS256' });
    expect(cache.fetchCount).toBe(5);
  });

  it('keeps serving the last good key set when a refresh fails', async () => {
    let now = 0;
    const cache = new JwksCache({
      now: () => now,
      defaultMaxAgeMs: 60_000,
      minMaxAgeMs: 60_000,
      timeoutMs: 1_000,
    });
    const url = `${server.url}/stale`;
    cacheControl = '';
    await cache.getKey(url, { kid: 'a', alg: 'RS256' });
    down = true;
    try {
      now = 120_000;
      await expect(cache.getKey(url, { kid: 'a', alg: 'RS256' })).resolves.toMatchObject({ kid: 'a' });
      await expect(
        new JwksCache({ timeoutMs: 1_000 }).getKey(url, { kid: 'a', alg: 'RS256' }),
      ).rejects.toMatchObject({
        code: 'lti.jwks_http_error',
      });
    } finally {
      down = false;
    }
  });
});

describe('JWKS fetch deadline', () => {
  let server: TestServer;
  /** `busy` is a 503 whose Retry-After is longer than the deadline. */
  let answer: (index: number) => 'hang' | 'busy' | 503 | 200;
  let platformKey: PlatformKey;
  beforeAll(async () => {
    platformKey = await makePlatformKey('d');
    server = await startTestServer(async (_req, res, index) => {
      const what = answer(index);
      if (what === 'hang') return new Promise<void>((resolve) => res.on('close', () => resolve()));
      if (what === 'busy') {
        res.writeHead(503, { 'retry-after': '5' });
        res.end('busy');
        return;
      }
      res.writeHead(what, { 'content-type': 'application/json' });
      res.end(what === 200 ? JSON.stringify({ keys: [platformKey.publicJwk] }) : 'busy');
    });
  });
  afterAll(async () => server?.close());

  it('one deadline covers the whole fetch: a hung key set is not asked twice', async () => {
    answer = () => 'hang';
    const before = server.requests.length;
    const error = (await new JwksCache({ timeoutMs: 300 })
      .getKey(`${server.url}/hung`, { kid: 'd', alg: 'RS256' })
      .catch((e) => e)) as LtiError;
    expect(error.code).toBe('lti.jwks_timeout');
    expect(error.message).toContain('300 ms');
    expect(server.requests.length - before).toBe(1);
  });

  it('a failed first answer is still retried inside the same deadline', async () => {
    const first = server.requests.length;
    answer = (index) => (index === first ? 503 : 200);
    const found = await new JwksCache({ timeoutMs: 5_000 }).getKey(`${server.url}/flaky`, {
      kid: 'd',
      alg: 'RS256',
    });
    expect(found.kid).toBe('d');
    expect(server.requests.length - first).toBe(2);
  });

  it('a deadline that ends the wait for a retry reports what the attempt before it got', async () => {
    answer = () => 'busy';
    const before = server.requests.length;
    const error = (await new JwksCache({ timeoutMs: 300 })
      .getKey(`${server.url}/busy`, { kid: 'd', alg: 'RS256' })
      .catch((e) => e)) as LtiError;
    expect(error.code).toBe('lti.jwks_http_error');
    expect(error.message).toContain('HTTP 503');
    expect(server.requests.length - before).toBe(1);
  });

  it("the caller's abort is not reported as the key set's timeout", async () => {
    answer = () => 'hang';
    const control = new AbortController();
    const pending = new JwksCache({ timeoutMs: 60_000 })
      .getKey(`${server.url}/aborted`, { kid: 'd', alg: 'RS256' }, { signal: control.signal })
      .catch((e) => e);
    setTimeout(() => control.abort(), 50);
    expect(((await pending) as LtiError).code).toBe('lti.jwks_unreachable');
  });
});
