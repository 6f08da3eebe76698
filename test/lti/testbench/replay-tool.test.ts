/**
 * Replays of `moodle-4.5/lti-dynreg/A-*` against the tool emulator: Moodle 4.5 as platform (its OpenID
 * configuration, its registration endpoint with its own rules, its key set, its login initiation and id_tokens, as
 * captured) and `mts lti tool` on the other side. The tool's registration POST must carry everything Moodle
 * requires; Moodle's logins and launches must be answered and validated as a tool should.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientRegistration } from '../../../src/sandbox/lti/dynreg/messages.js';
import {
  moodleKeptRegistration,
  moodleRegistrationAnswer,
  moodleRegistrationRefusal,
} from '../../../src/sandbox/lti/dynreg/moodle-rules.js';
import {
  startToolEmulator,
  type ToolEmulator,
  type ToolEvent,
} from '../../../src/sandbox/lti/tool/emulator.js';
import { FIXTURES_SKIP_REASON, hasFixtures } from '../../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../../helpers/http.js';
import { dynreg } from './fixtures.js';

const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

describe.skipIf(!hasFixtures)(
  `the tool emulator against Moodle 4.5 as platform ${FIXTURES_SKIP_REASON}`,
  () => {
    let moodle: TestServer;
    let tool: ToolEmulator;
    let dataDir: string;
    let clock = Date.now();
    /** What Moodle answers to the next registration: its rules, or a captured refusal. */
    let refuseWith: { status: number; body: string } | undefined;
    const events: ToolEvent[] = [];
    let token: string;

    beforeAll(async () => {
      const config = (await dynreg('A-tool/006-ok-1-get-openid-configuration.json')).response
        .body_json as Record<string, unknown>;
      const jwks = (await dynreg('A-tool/010-active-launch-1-get-platform-jwks.json')).response.body ?? '';
      token = new URL(
        (await dynreg('A-tool/006-ok-0-initiate-registration-received.json')).request.url,
      ).searchParams.get('registration_token') as string;
      moodle = await startTestServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        if (path === '/mod/lti/openid-configuration.php') {
          // Moodle's own configuration; only the URLs the tool calls point at this replay server.
          const body = JSON.stringify({
            ...config,
            registration_endpoint: `${moodle.url}/mod/lti/openid-registration.php`,
            jwks_uri: `${moodle.url}/mod/lti/certs.php`,
          });
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          return void res.end(body);
        }
        if (path === '/mod/lti/certs.php') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          return void res.end(jwks);
        }
        if (path === '/mod/lti/openid-registration.php') {
          const text = (status: number, body: string) => {
            res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
            res.end(body);
          };
          if (req.headers.authorization !== `Bearer ${token}`) return text(401, 'missing_registration_token');
          if (refuseWith) return text(refuseWith.status, refuseWith.body);
          const body = JSON.parse(req.body) as ClientRegistration;
          const refusal = moodleRegistrationRefusal(body);
          if (refusal) return text(refusal.status, refusal.error);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          return void res.end(
            JSON.stringify(moodleRegistrationAnswer(moodleKeptRegistration(body), 'z7D4SXUzMUtL1N2', '1')),
          );
        }
        res.writeHead(404);
        res.end();
      });
      dataDir = await mkdtemp(join(tmpdir(), 'mts-tool-replay-'));
      tool = await startToolEmulator({ dataDir, now: () => clock });
      tool.on((event) => events.push(event));
    });
    afterAll(async () => {
      await tool?.close();
      await moodle?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    function initiation(): string {
      const url = new URL(tool.registrationUrl);
      url.searchParams.set('openid_configuration', `${moodle.url}/mod/lti/openid-configuration.php`);
      url.searchParams.set('registration_token', token);
      return url.toString();
    }

    it.each(['002-domain_without_port', '003-missing_client_name', '004-bad_auth_method'])(
      "%s: Moodle's refusal is shown with what to change",
      async (variant) => {
        const capture = await dynreg(`A-tool/${variant}-2-post-registration.json`);
        refuseWith = { status: capture.response.status, body: capture.response.body ?? '' };
        const page = await fetch(initiation());
        refuseWith = undefined;
        expect(page.status).toBe(400);
        const html = await page.text();
        expect(html).toContain(capture.response.body as string);
        expect(events.at(-1)).toMatchObject({
          event: 'registration',
          valid: false,
          code: 'dynreg.registration_refused',
          status: 400,
        });
        const hint = {
          '002-domain_without_port': 'port included',
          '003-missing_client_name': 'client_name',
          '004-bad_auth_method': 'private_key_jwt',
        }[variant];
        expect(html).toContain(hint);
      },
    );

    it('registers as Moodle accepts: every field of the accepted capture, domain with the port, the bearer token', async () => {
      const page = await fetch(initiation());
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Registered with http://127.0.0.1:8080');
      expect(html).toContain('Pending');
      expect(html).toContain('org.imsglobal.lti.close');
      expect(html).not.toContain(token);
      const posted = moodle.requests.filter((r) => r.url === '/mod/lti/openid-registration.php').at(-1);
      const body = JSON.parse(posted?.body ?? '{}') as Record<string, unknown>;
      const accepted = (await dynreg('A-tool/006-ok-2-post-registration.json')).request.body_json as Record<
        string,
        unknown
      >;
      expect(moodleRegistrationRefusal(body)).toBeUndefined();
      // Every field of the registration Moodle accepted (contacts aside: optional, and Moodle drops it).
      expect(Object.keys(body).sort()).toEqual(
        Object.keys(accepted)
          .filter((k) => k !== 'contacts')
          .sort(),
      );
      const configuration = body[TOOL_CONFIGURATION] as Record<string, unknown>;
      expect(Object.keys(configuration).sort()).toEqual(
        Object.keys(accepted[TOOL_CONFIGURATION] as object).sort(),
      );
      expect(configuration.domain).toBe(`127.0.0.1:${tool.port}`);
      expect(body).toMatchObject({
        token_endpoint_auth_method: 'private_key_jwt',
        application_type: 'web',
        initiate_login_uri: tool.loginUrl,
        redirect_uris: tool.redirectUris,
        jwks_uri: tool.jwksUrl,
      });
      expect(posted?.headers['content-type']).toBe('application/json');
      expect(events.at(-1)).toMatchObject({
        event: 'registration',
        valid: true,
        code: null,
        clientId: 'z7D4SXUzMUtL1N2',
        deploymentId: '1',
        status: 200,
      });
      expect(tool.home.registrations.at(-1)?.registration).toEqual({
        issuer: 'http://127.0.0.1:8080',
        clientId: 'z7D4SXUzMUtL1N2',
        deploymentIds: ['1'],
        authUrl: 'http://127.0.0.1:8080/mod/lti/auth.php',
        tokenUrl: 'http://127.0.0.1:8080/mod/lti/token.php',
        jwksUrl: `${moodle.url}/mod/lti/certs.php`,
        platform: 'moodle',
      });
    });

    it("A-tool/009: Moodle's login initiation gets the redirect to auth.php Moodle expects", async () => {
      const capture = await dynreg('A-tool/009-active-oidc-login-initiation-received.json');
      const answer = await fetch(tool.loginUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: capture.request.body ?? '',
        redirect: 'manual',
      });
      expect(answer.status).toBe(302);
      const ours = new URL(answer.headers.get('location') as string);
      const theirs = new URL(capture.response.headers.find(([k]) => k === 'Location')?.[1] as string);
      expect(`${ours.origin}${ours.pathname}`).toBe(`${theirs.origin}${theirs.pathname}`);
      expect([...ours.searchParams.keys()].sort()).toEqual([...theirs.searchParams.keys()].sort());
      for (const name of [
        'scope',
        'response_type',
        'response_mode',
        'prompt',
        'client_id',
        'login_hint',
        'lti_message_hint',
      ])
        expect(ours.searchParams.get(name)).toBe(theirs.searchParams.get(name));
      expect(ours.searchParams.get('redirect_uri')).toBe(tool.launchUrl);
      expect(answer.headers.get('set-cookie')).toMatch(
        /^mts_lti_state_[\w-]+=1; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/,
      );
    });

    it.each([
      ['007-pending-oidc-login-initiation-received', '008-pending-launch-0-id-token-received'],
      ['009-active-oidc-login-initiation-received', '010-active-launch-0-id-token-received'],
    ])("A-tool/%s + launch: Moodle's id_token validates, every check passes", async (login, launch) => {
      const loginCapture = await dynreg(`A-tool/${login}.json`);
      const location = new URL(loginCapture.response.headers.find(([k]) => k === 'Location')?.[1] as string);
      const state = location.searchParams.get('state') as string;
      const capture = await dynreg(`A-tool/${launch}.json`);
      const payload = capture.id_token?.payload as { iat: number; nonce: string };
      clock = payload.iat * 1000 + 2_000;
      await tool.stateStore.put(
        state,
        {
          nonce: location.searchParams.get('nonce') as string,
          issuer: 'http://127.0.0.1:8080',
          clientId: 'z7D4SXUzMUtL1N2',
          targetLinkUri: loginCapture.login_params?.target_link_uri as string,
          createdAt: clock,
        },
        600_000,
      );
      expect(payload.nonce).toBe(location.searchParams.get('nonce'));
      const post = () =>
        fetch(tool.launchUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: `mts_lti_state_${state}=1`,
          },
          body: capture.request.body ?? '',
        });
      const answer = await post();
      const html = await answer.text();
      expect(answer.status).toBe(200);
      expect(html).toContain('Valid LtiResourceLinkRequest');
      expect(html).toContain('Admin User');
      expect(html).toContain('SDK REST acceptance course');
      expect(html).toContain('Instructor (membership)');
      const record = tool.launches.at(-1);
      expect(record?.checks.map((c) => c.status)).not.toContain('fail');
      expect(record?.checks.every((c) => c.status === 'pass')).toBe(true);
      expect(record?.launch?.custom).toMatchObject({ sdk_custom: 'hello', user_id_sub: '2' });
      // The same form again: the state was single use.
      const again = await post();
      expect(again.status).toBe(400);
      expect(events.at(-1)).toMatchObject({ event: 'launch', valid: false, code: 'lti.state_unknown' });
    });

    it('a replayed id_token is refused even with a fresh state: the nonce was used', async () => {
      const capture = await dynreg('A-tool/010-active-launch-0-id-token-received.json');
      const payload = capture.id_token?.payload as { iat: number; nonce: string };
      clock = payload.iat * 1000 + 2_000;
      await tool.stateStore.put(
        'replayed-state',
        {
          nonce: payload.nonce,
          issuer: 'http://127.0.0.1:8080',
          clientId: 'z7D4SXUzMUtL1N2',
          targetLinkUri: 'http://127.0.0.1:8300/launch',
          createdAt: clock,
        },
        600_000,
      );
      const body = new URLSearchParams(capture.request.body ?? '');
      body.set('state', 'replayed-state');
      const answer = await fetch(tool.launchUrl, { method: 'POST', body });
      const html = await answer.text();
      expect(answer.status).toBe(400);
      expect(html).toContain('lti.nonce_replayed');
      const record = tool.launches.at(-1);
      expect(Object.fromEntries(record?.checks.map((c) => [c.id, c.status]) ?? [])).toMatchObject({
        signature: 'pass',
        claims: 'pass',
        replay: 'fail',
        state_cookie: 'warn',
      });
    });

    it("the platform's error= answers (Moodle's unauthorized_client, access_denied) are shown with a diagnosis", async () => {
      for (const [name, error] of [
        ['05-auth-unknown-client_id', 'unauthorized_client'],
        ['07-auth-wrong-login_hint', 'access_denied'],
      ] as const) {
        const capture = await dynreg(`A-errors/${name}.json`);
        const fields = [...(capture.response.body ?? '').matchAll(/name="([^"]+)" value="([^"]*)"/g)].map(
          (m): [string, string] => [m[1] as string, m[2] as string],
        );
        const answer = await fetch(tool.launchUrl, {
          method: 'POST',
          body: new URLSearchParams(fields),
        });
        const html = await answer.text();
        expect(answer.status).toBe(400);
        expect(html).toContain(error);
        expect(events.at(-1)).toMatchObject({ event: 'launch', valid: false, code: 'lti.token_missing' });
        expect(tool.launches.at(-1)?.checks[0]).toMatchObject({ id: 'platform_answer', status: 'fail' });
      }
    });
  },
);
