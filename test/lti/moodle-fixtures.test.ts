/**
 * Real launches captured from Moodle 4.5 validate at their own time with Moodle's real key set; the login
 * redirect matches what Moodle accepted.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  handleLogin,
  JwksCache,
  LaunchValidator,
  LtiError,
  MemoryNonceStore,
  MemoryRegistrationStore,
  MemoryStateStore,
  parseMoodleToolDetails,
  validateLaunch,
} from '../../src/lti/index.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures, readFixtureJson } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/http.js';

interface CapturedLaunch {
  id_token: string;
  message_type: string;
  state: string;
  header: { kid: string };
  payload: Record<string, unknown> & { iat: number; exp: number; nonce: string; sub?: string };
  login_request: Record<string, string>;
}
interface Platform {
  issuer: string;
  client_id: string;
  deployment_id: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  tool: { redirect_uri: string };
}

describe.skipIf(!hasFixtures)(`Moodle 4.5 captured launches ${FIXTURES_SKIP_REASON}`, () => {
  const launchFiles = hasFixtures
    ? readdirSync(fixture('moodle-4.5/lti/launches')).filter((f) => f.endsWith('.json'))
    : [];

  async function load(file: string) {
    const captured = await readFixtureJson<CapturedLaunch>(`moodle-4.5/lti/launches/${file}`);
    const platform = await readFixtureJson<Platform>('moodle-4.5/lti/platform.json');
    const keys = await readFixtureJson<{ keys: [] }>('moodle-4.5/lti/platform-jwks.json');
    return { captured, platform, keys };
  }

  it('finds both message types in the fixtures', () => {
    expect(launchFiles.some((f) => f.includes('LtiResourceLinkRequest'))).toBe(true);
    expect(launchFiles.some((f) => f.includes('LtiDeepLinkingRequest'))).toBe(true);
  });

  it.each(launchFiles)('%s validates at its iat with the platform JWKS', async (file) => {
    const { captured, platform, keys } = await load(file);
    const launch = await validateLaunch(captured.id_token, {
      registration: {
        issuer: platform.issuer,
        clientId: platform.client_id,
        deploymentIds: [platform.deployment_id],
        keys,
      },
      now: () => captured.payload.iat * 1000,
      expectedNonce: captured.payload.nonce,
      nonceStore: new MemoryNonceStore({ now: () => captured.payload.iat * 1000 }),
    });
    expect(launch.messageType).toBe(captured.message_type);
    expect(launch.userId).toBe(captured.payload.sub);
    expect(launch.kid).toBe(captured.header.kid);
    expect(launch.toolPlatform?.product_family_code).toBe('moodle');
    const claim = (name: string) => captured.payload[`https://purl.imsglobal.org/spec/${name}`];
    expect(launch.roles).toEqual(claim('lti/claim/roles'));
    expect(launch.deploymentId).toBe(claim('lti/claim/deployment_id'));
    if (launch.messageType === 'LtiResourceLinkRequest')
      expect(launch.resourceLink).toEqual(claim('lti/claim/resource_link'));
    else expect(launch.deepLinking).toEqual(claim('lti-dl/claim/deep_linking_settings'));
    expect(launch.nrps).toEqual(claim('lti-nrps/claim/namesroleservice'));
    expect(launch.ags).toEqual(claim('lti-ags/claim/endpoint'));
  });

  it.each(launchFiles)(
    '%s fetches Moodle keys over HTTP, is refused once expired, in Moodle wording',
    async (file) => {
      const { captured, platform, keys } = await load(file);
      const server = await startTestServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
        res.end(JSON.stringify(keys));
      });
      try {
        const jwksUrl = `${server.url}/mod/lti/certs.php`;
        const registrations = new MemoryRegistrationStore([
          {
            issuer: platform.issuer,
            clientId: platform.client_id,
            deploymentIds: [platform.deployment_id],
            authUrl: platform.authorization_endpoint,
            jwksUrl,
          },
        ]);
        let clock = captured.payload.iat * 1000;
        const jwks = new JwksCache({ now: () => clock });
        const validator = new LaunchValidator({ registrations, jwks, now: () => clock, clockToleranceMs: 0 });
        await expect(validator.validate(captured.id_token)).resolves.toMatchObject({
          issuer: platform.issuer,
        });
        clock = (captured.payload.exp as number) * 1000 + 1_000;
        const error = await validator.validate(captured.id_token).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LtiError);
        expect((error as LtiError).code).toBe('lti.token_expired');
        expect((error as LtiError).hint).toMatch(/Moodle's id_tokens live 60 seconds/);
        expect(server.requests).toHaveLength(1);
      } finally {
        await server.close();
      }
    },
  );

  it('refuses a captured launch for another deployment, naming Moodle\'s "Deployment ID"', async () => {
    const { captured, platform, keys } = await load(launchFiles[0] as string);
    const error = await validateLaunch(captured.id_token, {
      registration: {
        issuer: platform.issuer,
        clientId: platform.client_id,
        deploymentIds: ['7'],
        keys,
        platform: 'moodle',
      },
      now: () => captured.payload.iat * 1000,
    }).then(
      () => undefined,
      (e: unknown) => e as LtiError,
    );
    expect(error).toBeInstanceOf(LtiError);
    if (!error) return;
    expect(error.code).toBe('lti.deployment_id_unknown');
    expect(error.hint).toContain('"Deployment ID"');
    expect(error.hint).toContain('"1"');
  });

  it("answers Moodle's login initiation with the redirect Moodle accepted", async () => {
    const platform = await readFixtureJson<Platform>('moodle-4.5/lti/platform.json');
    const logins = readdirSync(fixture('moodle-4.5/lti/logins')).filter((f) => f.endsWith('.json'));
    expect(logins.length, 'captured logins').toBeGreaterThan(0);
    for (const file of logins) {
      const login = await readFixtureJson<{
        method: string;
        params: Record<string, string>;
        redirect: string;
      }>(`moodle-4.5/lti/logins/${file}`);
      const registrations = new MemoryRegistrationStore([
        parseMoodleToolDetails({
          platformId: platform.issuer,
          clientId: platform.client_id,
          deploymentId: platform.deployment_id,
          publicKeysetUrl: platform.jwks_uri,
          accessTokenUrl: platform.token_endpoint,
          authenticationRequestUrl: platform.authorization_endpoint,
        }),
      ]);
      const stateStore = new MemoryStateStore();
      const response = await handleLogin(
        { method: login.method, url: '/login', body: new URLSearchParams(login.params).toString() },
        { registrations, stateStore, redirectUri: platform.tool.redirect_uri },
      );
      expect(response.status).toBe(302);
      const got = new URL(response.headers.location as string);
      const want = new URL(login.redirect);
      expect(got.origin + got.pathname).toBe(want.origin + want.pathname);
      for (const key of want.searchParams.keys()) {
        if (key === 'state' || key === 'nonce')
          expect(got.searchParams.get(key)).toMatch(/^[A-Za-z0-9_-]{20,}$/);
        else expect(got.searchParams.get(key), key).toBe(want.searchParams.get(key));
      }
      const state = got.searchParams.get('state') as string;
      expect(stateStore.take(state)?.nonce).toBe(got.searchParams.get('nonce'));
      expect(stateStore.take(state)).toBeUndefined();
    }
  });

  it('imports the pasted "Tool configuration details" of that Moodle', async () => {
    const platform = await readFixtureJson<Platform>('moodle-4.5/lti/platform.json');
    const pasted = [
      'Tool configuration details',
      'Platform ID',
      platform.issuer,
      'Client ID',
      platform.client_id,
      'Deployment ID',
      platform.deployment_id,
      'Public keyset URL',
      platform.jwks_uri,
      'Access token URL',
      platform.token_endpoint,
      'Authentication request URL',
      platform.authorization_endpoint,
    ].join('\n');
    const reg = parseMoodleToolDetails(pasted);
    expect(reg).toEqual({
      issuer: platform.issuer,
      clientId: platform.client_id,
      deploymentIds: [platform.deployment_id],
      authUrl: platform.authorization_endpoint,
      tokenUrl: platform.token_endpoint,
      jwksUrl: platform.jwks_uri,
      platform: 'moodle',
    });
    const tabbed = pasted.replace(/\n(http|1)/g, '\t$1');
    expect(parseMoodleToolDetails(tabbed)).toEqual(reg);
  });
});
