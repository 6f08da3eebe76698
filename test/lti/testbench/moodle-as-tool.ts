/**
 * Moodle 4.5 as an LTI tool (enrol_lti, "Publish as LTI tool"), replayed from `moodle-4.5/lti-dynreg/B-*`: the
 * register.php that fetches the platform's configuration and posts the captured registration, the login.php with
 * its cookie check and its `lti1p3_state-*` + `LEGACY_lti1p3_state-*` cookies, and the launch.php that fetches the
 * platform's key set on every launch, needs the custom claim `id`, and answers the "Open tool" link. Its pages and
 * error messages are the captured ones.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from '../../helpers/http.js';
import { dynreg } from './fixtures.js';

const UNIQUE_ID = '97bf78c0c3254c76bd7bf6bcadfb271be5eb1762383f6edb11e8845f4b74';
/** The published resource's uuid in the captures. */
export const PUBLISHED_UUID = '1d40269a-dff0-4f3b-89d1-69c7fa7872d0';

/** What the replayed Moodle saw of one launch. */
export interface SeenLaunch {
  ok: boolean;
  error?: string | undefined;
  cookies: string[];
  sub?: string | undefined;
  roles?: string[] | undefined;
}

/** A running replay of Moodle as a tool. */
export interface MoodleAsTool {
  url: string;
  /** The "Dynamic registration URL" of the draft registration. */
  registerUrl: string;
  registration?:
    | { issuer: string; clientId: string; authUrl: string; jwksUrl: string; deployments: string[] }
    | undefined;
  launches: SeenLaunch[];
  jwksFetches: number;
  close(): Promise<void>;
}

function errorPage(res: ServerResponse, message: string): void {
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!DOCTYPE html><html><head><title>Error</title></head><body><div class="box errorbox alert alert-danger"><p class="errormessage">${message.replace(/'/g, '&#039;')}</p></div></body></html>`,
  );
}

/** The captured message of a Moodle error page. */
async function capturedMessage(path: string): Promise<string> {
  const body = (await dynreg(path)).response.body ?? '';
  return (/<p class="errormessage">([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '').replace(/&#039;/g, "'");
}

/** Starts the replay. `blockPlatform` makes its outgoing requests fail as Moodle's default cURL security does. */
export async function startMoodleAsTool(options: { blockPlatform?: boolean } = {}): Promise<MoodleAsTool> {
  const registrationBody = JSON.stringify(
    (await dynreg('B-platform/002-reg-moodle-posts-client-registration.json')).request.body_json,
  );
  const closePage = (await dynreg('B-browser/03-platform-opens-register-php.json')).response.body ?? '';
  const openPage = (await dynreg('B-browser/10-learner-launch-04.json')).response.body ?? '';
  const messages = {
    invalidUrl: await capturedMessage('B-errors/reg-01-register-php-unknown-token.json'),
    blocked: await capturedMessage(
      'B-errors/reg-03-register-php-openid-config-blocked-by-curl-security.json',
    ),
    noDeployment: await capturedMessage('B-errors/launch-01-launch-unknown-deployment-id-04.json'),
    noCustomId: await capturedMessage('B-errors/launch-04-launch-missing-custom-id-04.json'),
    unknownResource: await capturedMessage('B-errors/launch-05-launch-unknown-custom-id-04.json'),
    noKey: await capturedMessage('B-errors/launch-07-launch-platform-jwks-blocked-by-curl-security-04.json'),
  };
  const states = new Map<string, { nonce: string }>();
  let server: TestServer;
  const self: MoodleAsTool = {
    url: '',
    registerUrl: '',
    launches: [],
    jwksFetches: 0,
    close: () => server.close(),
  };
  const moodleUrl = (text: string) => text.replaceAll('http://127.0.0.1:8080', server.url);
  server = await startTestServer(async (req, res) => {
    const url = new URL(req.url ?? '/', server.url);
    const cookies = (req.headers.cookie ?? '').split(/;\s*/).filter(Boolean);
    if (url.pathname === '/enrol/lti/register.php') {
      if (url.searchParams.get('token') !== UNIQUE_ID || self.registration)
        return errorPage(res, messages.invalidUrl);
      let config: Record<string, string>;
      try {
        if (options.blockPlatform) throw new Error('blocked');
        config = (await (await fetch(url.searchParams.get('openid_configuration') ?? '')).json()) as Record<
          string,
          string
        >;
      } catch {
        return errorPage(res, messages.blocked);
      }
      const answer = await fetch(config.registration_endpoint as string, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${url.searchParams.get('registration_token')}`,
          'content-type': 'application/json',
          'user-agent': 'MoodleBot/4.5',
        },
        body: moodleUrl(registrationBody),
      });
      const reply = (await answer.json().catch(() => ({}))) as Record<string, unknown>;
      if (typeof reply.client_id === 'string') {
        const toolConfiguration = reply['https://purl.imsglobal.org/spec/lti-tool-configuration'] as {
          deployment_id?: string;
        };
        self.registration = {
          issuer: config.issuer as string,
          clientId: reply.client_id,
          authUrl: config.authorization_endpoint as string,
          jwksUrl: config.jwks_uri as string,
          deployments: toolConfiguration.deployment_id ? [toolConfiguration.deployment_id] : [],
        };
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(closePage);
    }
    if (url.pathname === '/enrol/lti/login.php') {
      const params = new URLSearchParams(req.method === 'POST' ? req.body : url.search);
      if (req.method === 'POST') {
        const target = params.get('target_link_uri') ?? '';
        if (
          ![`${server.url}/enrol/lti/launch.php`, `${server.url}/enrol/lti/launch_deeplink.php`].includes(
            target,
          )
        )
          return errorPage(
            res,
            'Coding error detected, it must be fixed by a programmer: The target_link_uri param must match one of the redirect URIs set during tool registration.',
          );
        // The cookie check: back to itself with cookiecheck1/2, lti_deployment_id dropped.
        const back = new URL(`${server.url}/enrol/lti/login.php`);
        for (const name of ['iss', 'login_hint', 'target_link_uri', 'lti_message_hint', 'client_id'])
          back.searchParams.set(name, params.get(name) ?? '');
        back.searchParams.set('cookiecheck1', '1');
        back.searchParams.set('cookiecheck2', '2');
        res.writeHead(303, {
          location: back.toString(),
          'set-cookie': [
            'MoodleSession=s1; path=/; HttpOnly',
            'cookiecheck1=1; Max-Age=30',
            'cookiecheck2=2; Max-Age=30',
          ],
        });
        return void res.end();
      }
      if (!cookies.some((c) => c.startsWith('cookiecheck1=')))
        return errorPage(res, 'Cookies are blocked: open the tool in a new window.');
      const registration = self.registration;
      if (
        !registration ||
        registration.issuer !== params.get('iss') ||
        registration.clientId !== params.get('client_id')
      )
        return errorPage(
          res,
          `Exception - LTI 1.3 Registration not found for Issuer ${params.get('iss')} and Client ID ${params.get('client_id')}. Please make sure the LMS has provided the right information, and that the LMS has been registered correctly in the tool.`,
        );
      const id = randomBytes(32).toString('hex');
      const state = `state-${id}`;
      const nonce = `nonce-${randomBytes(32).toString('hex')}`;
      states.set(state, { nonce });
      const auth = new URL(registration.authUrl);
      for (const [name, value] of Object.entries({
        scope: 'openid',
        response_type: 'id_token',
        response_mode: 'form_post',
        prompt: 'none',
        client_id: registration.clientId,
        redirect_uri: params.get('target_link_uri') ?? '',
        state,
        nonce,
        login_hint: params.get('login_hint') ?? '',
        lti_message_hint: params.get('lti_message_hint') ?? '',
      }))
        auth.searchParams.set(name, value);
      res.writeHead(303, {
        location: auth.toString(),
        'set-cookie': [
          'MoodleSession=s2; path=/; HttpOnly',
          `lti1p3_${state}=${state}; Max-Age=60; secure; SameSite=None; Partitioned;`,
          `LEGACY_lti1p3_${state}=${state}; Max-Age=60`,
        ],
      });
      return void res.end();
    }
    if (url.pathname === '/enrol/lti/launch.php' && req.method === 'POST') {
      const form = new URLSearchParams(req.body);
      const state = form.get('state') ?? '';
      const seen: SeenLaunch = { ok: false, cookies: cookies.map((c) => c.split('=')[0] as string) };
      self.launches.push(seen);
      const fail = (message: string) => {
        seen.error = message;
        errorPage(res, message);
      };
      if (!cookies.some((c) => c.startsWith(`lti1p3_${state}=`) || c.startsWith(`LEGACY_lti1p3_${state}=`)))
        return fail('State not found');
      const registration = self.registration;
      if (!registration) return fail('Exception - LTI 1.3 Registration not found.');
      let keys: { keys: object[] };
      try {
        self.jwksFetches++;
        if (options.blockPlatform) throw new Error('blocked');
        keys = (await (await fetch(registration.jwksUrl)).json()) as { keys: object[] };
      } catch {
        return fail(messages.noKey);
      }
      let claims: Record<string, unknown>;
      try {
        claims = (
          await jwtVerify(form.get('id_token') ?? '', createLocalJWKSet(keys as never), {
            issuer: registration.issuer,
            audience: registration.clientId,
          })
        ).payload as Record<string, unknown>;
      } catch (error) {
        return fail(`Exception - ${(error as Error).message}`);
      }
      if (claims.nonce !== states.get(state)?.nonce) return fail('Exception - Invalid Nonce');
      const lti = (name: string) => claims[`https://purl.imsglobal.org/spec/lti/claim/${name}`];
      if (!registration.deployments.includes(String(lti('deployment_id'))))
        return fail(messages.noDeployment);
      const custom = lti('custom') as { id?: string } | undefined;
      if (!custom?.id) return fail(messages.noCustomId);
      if (custom.id !== PUBLISHED_UUID)
        return fail(messages.unknownResource.replace(/'[^']*'/, `'${custom.id}'`));
      Object.assign(seen, { ok: true, sub: claims.sub, roles: lti('roles') });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(moodleUrl(openPage));
    }
    res.writeHead(404);
    res.end();
  });
  self.url = server.url;
  self.registerUrl = `${server.url}/enrol/lti/register.php?token=${UNIQUE_ID}`;
  return self;
}
