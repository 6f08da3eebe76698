/** `mts lti doctor` and runDoctor(): dead or missing redirect URIs fail; a jwks_uri on another host is not followed unasked. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorCheck, generateToolKey, runDoctor } from '../../src/lti/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

describe('lti doctor', () => {
  let tool: TestServer;
  let platform: TestServer;
  let keyHost: TestServer;
  let closedUrl: string;
  let jwksBody: string;

  beforeAll(async () => {
    jwksBody = JSON.stringify({ keys: [(await generateToolKey({ kid: 'k1' })).publicJwk] });
    tool = await startTestServer((req, res) => {
      // A launch handler answers 400 to a GET without an id_token; anything else is not there.
      res.writeHead(req.url === '/launch' ? 400 : 404);
      res.end();
    });
    keyHost = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(jwksBody);
    });
    platform = await startTestServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const foreign = req.url?.startsWith('/foreign/');
      res.end(
        req.url === '/certs'
          ? jwksBody
          : JSON.stringify({
              issuer: foreign ? `${platform.url}/foreign` : platform.url,
              authorization_endpoint: `${platform.url}/auth`,
              token_endpoint: `${platform.url}/token`,
              jwks_uri:
                req.url === '/foreign/.well-known/openid-configuration'
                  ? `${keyHost.url}/certs`
                  : `${platform.url}/certs`,
            }),
      );
    });
    // Port 9 (discard) has no listener on a test machine: the connection is refused. A port freed by a test server
    // could be taken by another test file's server meanwhile.
    closedUrl = 'http://127.0.0.1:9/launch';
  });
  afterAll(async () => {
    await Promise.all([tool?.close(), platform?.close(), keyHost?.close()]);
  });

  const redirectChecks = (checks: DoctorCheck[]) => checks.filter((c) => c.name === 'redirect URI');

  it('passes a redirect URI that a handler answers, and fails one that nothing answers or that answers 404', async () => {
    const checks = redirectChecks(
      await runDoctor(
        { redirectUris: [`${tool.url}/launch`, closedUrl, `${tool.url}/lanuch`] },
        { timeoutMs: 2_000 },
      ),
    );
    expect(checks.map((c) => c.level)).toEqual(['ok', 'fail', 'fail']);
    expect(checks[1]?.detail).toMatch(/transport\.network|ECONNREFUSED|connect/i);
    expect(checks[2]?.detail).toContain('HTTP 404');
  });

  it('CLI: a dead redirect URI is a FAIL with exit 1', async () => {
    const run = await runCli(['lti', 'doctor', '--redirect-uri', closedUrl]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL redirect URI: .*nothing handles launches there/);
  });

  it('shows a jwks_uri on another host and does not fetch it unless allowed', async () => {
    const issuer = `${platform.url}/foreign`;
    const before = keyHost.requests.length;
    const refused = await runDoctor({ platformIssuer: issuer }, { timeoutMs: 2_000 });
    const config = refused.find((c) => c.name === 'platform OpenID configuration');
    expect(config?.detail).toContain(`jwks_uri ${keyHost.url}/certs`);
    expect(refused.find((c) => c.name === 'platform JWKS')).toMatchObject({ level: 'warn' });
    expect(keyHost.requests.length).toBe(before);

    const asked: string[] = [];
    const declined = await runDoctor(
      { platformIssuer: issuer },
      {
        followForeignJwks: (uri, origin) => {
          asked.push(`${uri} ${origin}`);
          return false;
        },
      },
    );
    expect(asked).toEqual([`${keyHost.url}/certs ${new URL(platform.url).origin}`]);
    expect(declined.find((c) => c.name === 'platform JWKS')?.detail).toContain('not fetched');
    expect(keyHost.requests.length).toBe(before);

    const allowed = await runDoctor({ platformIssuer: issuer }, { followForeignJwks: () => true });
    expect(allowed.find((c) => c.name === 'platform JWKS')).toMatchObject({ level: 'ok' });
    expect(keyHost.requests.length).toBe(before + 1);
  });

  it("follows a jwks_uri on the issuer's own origin without asking", async () => {
    const checks = await runDoctor(
      { platformIssuer: platform.url },
      { followForeignJwks: () => expect.fail('must not ask') },
    );
    expect(checks.find((c) => c.name === 'platform JWKS')).toMatchObject({ level: 'ok' });
  });

  it('CLI: non-interactive runs refuse the foreign jwks_uri unless --allow-foreign-jwks', async () => {
    const issuer = `${platform.url}/foreign`;
    const before = keyHost.requests.length;
    const refused = await runCli(['lti', 'doctor', '--issuer', issuer]);
    expect(refused.stdout).toMatch(/warn platform JWKS: .*not fetched/);
    expect(refused.stdout).toContain('--allow-foreign-jwks');
    expect(keyHost.requests.length).toBe(before);
    const allowed = await runCli(['lti', 'doctor', '--issuer', issuer, '--allow-foreign-jwks', '--json']);
    expect(
      JSON.parse(allowed.stdout).checks.find((c: DoctorCheck) => c.name === 'platform JWKS'),
    ).toMatchObject({
      level: 'ok',
    });
    expect(keyHost.requests.length).toBe(before + 1);
  });
});
