/** `mts lti decode | validate | launch | doctor` as a user runs them. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLtiTool,
  createNodeHandler,
  type LtiTool,
  parseMoodleToolDetails,
  ToolKeySet,
} from '../../src/lti/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures, readFixtureJson } from '../helpers/fixtures.js';

const LAUNCH = 'moodle-4.5/lti/launches/2026-11-21T19-06-57-213Z-LtiResourceLinkRequest-learner-sub3.json';

describe.skipIf(!hasFixtures)(
  `mts lti decode / validate on a real Moodle launch ${FIXTURES_SKIP_REASON}`,
  () => {
    let captured: { id_token: string; payload: { iat: number; sub: string; nonce: string } };
    const base = () => [
      'lti',
      'validate',
      '--token',
      captured.id_token,
      '--jwks',
      fixture('moodle-4.5/lti/platform-jwks.json'),
      '--issuer',
      'http://127.0.0.1:8080',
      '--client-id',
      '1NzzN2GiaD2ZrP6',
    ];
    beforeAll(async () => {
      captured = await readFixtureJson(LAUNCH);
    });

    it('decodes without verifying', async () => {
      const run = await runCli(['lti', 'decode', captured.id_token, '--json']);
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout);
      expect(out.header.kid).toBe('5231835ce8ada8eb3e1b');
      expect(out.times.iat).toBe(new Date(captured.payload.iat * 1000).toISOString());
    });

    it('validates at the launch\'s own time: exit 0 and {"valid": true, "claims"}', async () => {
      const run = await runCli([
        ...base(),
        '--deployment-id',
        '1',
        '--nonce',
        captured.payload.nonce,
        '--now',
        String(captured.payload.iat),
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout);
      expect(out.valid).toBe(true);
      expect(out.claims.sub).toBe(captured.payload.sub);
    });

    it('refuses a wrong deployment: exit 1 and {"valid": false, "error": {code, message, hint}}', async () => {
      const run = await runCli([
        ...base(),
        '--deployment-id',
        '2',
        '--now',
        new Date(captured.payload.iat * 1000).toISOString(),
        '--json',
      ]);
      expect(run.code).toBe(1);
      const out = JSON.parse(run.stdout);
      expect(out).toMatchObject({ valid: false, error: { code: 'lti.deployment_id_unknown' } });
      expect(out.error.hint).toMatch(/Deployment ID/);
      expect(Object.keys(out.error).sort()).toEqual(['code', 'hint', 'message']);
    });

    it('refuses it today as expired, in plain words', async () => {
      const run = await runCli([
        ...base(),
        '--deployment-id',
        '1',
        '--now',
        String(captured.payload.iat + 3600),
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('code: lti.token_expired');
      expect(run.stdout).toContain('fix:');
    });

    it('says how to check a captured launch when it validates one today without --now', async () => {
      const run = await runCli([...base(), '--deployment-id', '1', '--json']);
      expect(run.code).toBe(1);
      const out = JSON.parse(run.stdout);
      expect(out.error.code).toBe('lti.token_expired');
      expect(out.error.hint).toContain(`--now ${captured.payload.iat}`);
    });

    it('is a usage error without --token', async () => {
      const run = await runCli(['lti', 'validate', '--jwks', 'x.json']);
      expect(run.code).toBe(2);
    });
  },
);

describe('mts lti validate / platform with bad files and numbers', () => {
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';
  const validateArgs = (token: string, jwks: string, ...more: string[]) => [
    ...['lti', 'validate', '--token', token, '--jwks', jwks],
    ...['--issuer', 'I', '--client-id', 'C', '--deployment-id', '1', ...more],
  ];
  it('names a missing token or key set file instead of reporting a bug in mts', async () => {
    const missing = join(tmpdir(), `mts-no-such-${process.pid}.jwt`);
    const token = await runCli(validateArgs(`@${missing}`, missing, '--json'));
    expect(token.code).toBe(1);
    const error = JSON.parse(token.stdout).error;
    expect(error.code).toBe('lti.file_unreadable');
    expect(error.message).toContain(missing);
    expect(error.hint).toBeTruthy();
    const jwks = await runCli(validateArgs(JWT, missing));
    expect(jwks.code).toBe(1);
    expect(jwks.stderr).toContain('code: lti.file_unreadable');
    expect(jwks.stderr).toContain(`--jwks: the file "${missing}" does not exist`);
  });

  it('says a key set or tool file is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-lti-cli-'));
    try {
      const file = join(dir, 'jwks.json');
      await writeFile(file, 'hello\n');
      const run = await runCli(validateArgs(JWT, file, '--json'));
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'lti.not_json', path: file });
      const tool = await runCli(['lti', 'platform', '--tool', file], { MTS_SANDBOX_EXIT_ON_EOF: '1' });
      expect(tool.code).toBe(1);
      expect(tool.stderr).toContain('code: lti.not_json');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a tool configuration the platform could not launch into, naming the field and the value', async () => {
    const cases: Array<[string, string]> = [
      ['{"loginUrl":"x"}', '"loginUrl" must be an http(s) URL, got "x"'],
      ['{"loginUrl":"http://t/login"}', '"targetLinkUri" must be an http(s) URL, got nothing'],
      [
        '{"loginUrl":"http://t/login","targetLinkUri":"http://t/launch"}',
        '"jwksUrl" or "publicJwks" is required',
      ],
      [
        '{"loginUrl":"http://t/l","targetLinkUri":"http://t/x","jwksUrl":"http://t/j","redirectUris":["ftp://t"]}',
        '"redirectUris[0]"',
      ],
      ['[1]', '"(root)" must be a JSON object'],
    ];
    for (const [tool, message] of cases) {
      const run = await runCli(['lti', 'platform', '--tool', tool, '--json'], {
        MTS_SANDBOX_EXIT_ON_EOF: '1',
      });
      expect(run.code, tool).toBe(1);
      const error = JSON.parse(run.stdout).error;
      expect(error.code, tool).toBe('sandbox.lti_tool_invalid');
      expect(error.message, tool).toContain(message);
      expect(error.message, tool).toMatch(/^--tool \(inline JSON\)/);
      expect(error.hint, tool).toContain('loginUrl and targetLinkUri');
    }
    const typo = await runCli(['lti', 'platform', '--tool', '{"loginURL":"http://t/login"}', '--json'], {
      MTS_SANDBOX_EXIT_ON_EOF: '1',
    });
    expect(JSON.parse(typo.stdout).error.code).toBe('options.unknown_key');
  });

  it('refuses a number option that is not a whole number', async () => {
    const run = await runCli(validateArgs(JWT, 'https://x.invalid/jwks', '--clock-tolerance-ms', 'abc'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--clock-tolerance-ms takes a whole number, not "abc"');
    const lifetime = await runCli(['lti', 'platform', '--token-lifetime-ms', '1m'], {
      MTS_SANDBOX_EXIT_ON_EOF: '1',
    });
    expect(lifetime.code).toBe(2);
  });
});

describe('mts lti launch / doctor against the sandbox platform', () => {
  let sandbox: Sandbox;
  let server: Server;
  let tool: LtiTool | undefined;
  let toolUrl: string;

  beforeAll(async () => {
    const keys = await ToolKeySet.generate();
    server = createServer((req, res) => {
      if (tool)
        void createNodeHandler(tool, { onLaunch: (launch) => `<p>welcome ${launch.userId}</p>` })(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    toolUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sandbox = await startSandbox({
      lti: {
        tools: [
          { loginUrl: `${toolUrl}/login`, targetLinkUri: `${toolUrl}/launch`, jwksUrl: `${toolUrl}/jwks` },
        ],
      },
    });
    const listed = (await (await fetch(sandbox.lti.toolsUrl)).json()) as { tools: Array<{ details: never }> };
    tool = createLtiTool({
      registrations: [parseMoodleToolDetails(listed.tools[0]?.details as never)],
      keys,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
    server?.closeAllConnections();
    server?.close();
  });

  it('launches into the tool', async () => {
    const run = await runCli(['lti', 'launch', '--json'], { MTS_SANDBOX_URL: sandbox.url });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.steps.map((s: { name: string }) => s.name)).toEqual(['start', 'login', 'auth', 'launch']);
    expect(out.body).toContain('welcome 3');
  });

  it("reports an injected fault with the tool's code", async () => {
    const run = await runCli([
      'lti',
      'launch',
      '--platform',
      sandbox.url,
      '--fault',
      'missing-claim=roles',
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).code).toBe('lti.roles_missing');
  });

  it('gives every fault its own code and a hint with no placeholder left in it', async () => {
    const launchWith = async (fault?: string) => {
      const faults = fault ? ['--fault', fault] : [];
      const run = await runCli(['lti', 'launch', '--platform', sandbox.url, ...faults, '--json']);
      return JSON.parse(run.stdout) as { ok: boolean; code?: string; hint?: string };
    };
    // A launch that succeeds first, so that `replayed-nonce` carries a nonce the tool has already accepted (the
    // faults before it do not change which one: their launches were refused).
    expect((await launchWith()).ok).toBe(true);
    const expected: Record<string, string> = {
      expired: 'lti.token_expired',
      'wrong-audience': 'lti.audience_mismatch',
      'unpublished-key': 'lti.kid_unknown',
      'replayed-nonce': 'lti.nonce_replayed',
      'missing-claim=deployment_id': 'lti.deployment_id_missing',
      'clock-skew=120000': 'lti.token_issued_in_future',
      'deployment-id=77': 'lti.deployment_id_unknown',
    };
    for (const [fault, code] of Object.entries(expected)) {
      const out = await launchWith(fault);
      expect({ fault, code: out.code }).toEqual({ fault, code });
      expect(out.hint, fault).toBeTruthy();
      expect(out.hint, fault).not.toMatch(/undefined|NaN|\[object|\(none\)|a registered client_id/);
    }
  });

  it('shows why the platform refused the launch (no such tool), not only the status', async () => {
    const run = await runCli(['lti', 'launch', '--platform', sandbox.url, '--client-id', 'no-such-tool']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('failed with 404 (unknown_tool)');
    expect(run.stdout).toMatch(/Register the tool first/);
  });

  it("prints the tool's message and fix for a failed launch", async () => {
    const run = await runCli(['lti', 'launch', '--platform', sandbox.url, '--fault', 'deployment-id=77']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('(lti.deployment_id_unknown)');
    expect(run.stdout).toMatch(/fix: {2}.*Deployment ID/);
  });

  it('refuses an unknown fault as a usage error', async () => {
    const run = await runCli(['lti', 'launch', '--platform', sandbox.url, '--fault', 'gremlins']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown fault "gremlins"');
  });

  it('doctor checks the tool and the platform', async () => {
    const run = await runCli([
      'lti',
      'doctor',
      '--tool-jwks',
      `${toolUrl}/jwks`,
      '--tool-login',
      `${toolUrl}/login`,
      '--redirect-uri',
      `${toolUrl}/launch`,
      '--openid-configuration',
      sandbox.lti.openidConfigurationUrl,
      '--issuer',
      sandbox.lti.issuer,
      '--json',
    ]);
    expect(run.code, run.stdout).toBe(0);
    const names = JSON.parse(run.stdout).checks.map((c: { name: string }) => c.name);
    expect(names).toEqual([
      'tool JWKS',
      'tool login URL',
      'redirect URI',
      'platform OpenID configuration',
      'platform JWKS',
      'clock offset',
    ]);
  });

  it('platform runs the simulator with a --tool config and prints its configuration details', async () => {
    const tool = JSON.stringify({
      name: 'cli',
      loginUrl: `${toolUrl}/login`,
      targetLinkUri: `${toolUrl}/launch`,
      jwksUrl: `${toolUrl}/jwks`,
    });
    const run = await runCli(['lti', 'platform', '--tool', tool, '--json'], { MTS_SANDBOX_EXIT_ON_EOF: '1' });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.tools).toHaveLength(1);
    expect(Object.keys(out.tools[0].details).sort()).toEqual(
      [
        'accessTokenUrl',
        'authenticationRequestUrl',
        'clientId',
        'deploymentId',
        'platformId',
        'publicKeysetUrl',
      ].sort(),
    );
    expect(out.lti.jwksUrl).toMatch(/\/mod\/lti\/certs\.php$/);
  });

  it('doctor fails on a dead key set URL', async () => {
    const run = await runCli(['lti', 'doctor', '--tool-jwks', 'http://127.0.0.1:9/jwks', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).checks[0]).toMatchObject({ ok: false, level: 'fail' });
  });
});
