/**
 * End to end over HTTP: a tool built with moodle-totara-sdk/lti, served by node:http, registered with the sandbox
 * platform, launched by the scripted browser (login → auth → form_post → validate), with the platform's faults.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transport } from '../../src/core/transport.js';
import {
  createLtiTool,
  createNodeHandler,
  hasRole,
  type LtiLaunch,
  type LtiTool,
  parseMoodleToolDetails,
  type StateMode,
  ToolKeySet,
} from '../../src/lti/index.js';
import { type LaunchFaults, type LaunchTrace, simulateLaunch } from '../../src/sandbox/lti/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';

interface ToolHarness {
  tool: LtiTool;
  url: string;
  launches: LtiLaunch[];
  clientId: string;
  close(): Promise<void>;
}

let sandbox: Sandbox;
let keys: ToolKeySet;
const harnesses: ToolHarness[] = [];

beforeAll(async () => {
  [sandbox, keys] = await Promise.all([startSandbox(), ToolKeySet.generate()]);
});
afterAll(async () => {
  for (const harness of harnesses) await harness.close();
  await sandbox?.close();
});

/** Starts a tool server, registers it with the sandbox platform from its "Tool configuration details". */
async function startTool(stateMode: StateMode = 'cookie', redirectPath = '/launch'): Promise<ToolHarness> {
  const launches: LtiLaunch[] = [];
  let tool: LtiTool | undefined;
  const server: Server = createServer((req, res) => {
    if (!tool) return void res.end();
    void createNodeHandler(tool, {
      async onLaunch(launch) {
        launches.push(launch);
        if (launch.messageType === 'LtiDeepLinkingRequest') {
          const response = await tool?.deepLinkingResponse(launch, [
            {
              type: 'ltiResourceLink',
              title: 'Quiz 3',
              url: `${url}/launch`,
              custom: { quiz: '3' },
              lineItem: { scoreMaximum: 10 },
            },
            { type: 'html', html: '<p>Hi & "bye"</p>' },
          ]);
          return response?.html ?? '';
        }
        return `<h1>Hello ${launch.user.name ?? 'anonymous'}</h1>`;
      },
    })(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const registered = (await (
    await fetch(sandbox.lti.toolsUrl, {
      method: 'POST',
      body: JSON.stringify({
        name: 'e2e',
        loginUrl: `${url}/login`,
        targetLinkUri: `${url}/launch`,
        redirectUris: [`${url}/launch`],
        jwksUrl: `${url}/jwks`,
      }),
    })
  ).json()) as { clientId: string; details: Parameters<typeof parseMoodleToolDetails>[0] };
  tool = createLtiTool({
    registrations: [parseMoodleToolDetails(registered.details)],
    keys,
    stateMode,
    redirectUri: `${url}${redirectPath}`,
  });
  const harness: ToolHarness = {
    tool,
    url,
    launches,
    clientId: registered.clientId,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  harnesses.push(harness);
  return harness;
}

const launch = (
  harness: ToolHarness,
  extra: Parameters<typeof simulateLaunch>[0]['launch'] = {},
  options: Partial<Parameters<typeof simulateLaunch>[0]> = {},
) =>
  simulateLaunch({ platformUrl: sandbox.url, launch: { clientId: harness.clientId, ...extra }, ...options });

const codeOf = (trace: LaunchTrace) => /<code>([^<]+)<\/code>/.exec(trace.final.body)?.[1];

describe('tool + sandbox platform over HTTP', () => {
  let tool: ToolHarness;
  beforeAll(async () => {
    tool = await startTool();
  });

  it('runs a resource link launch: login → auth → form_post → validated claims', async () => {
    const trace = await launch(tool, { messageType: 'LtiResourceLinkRequest', custom: { chapter: '3' } });
    expect(trace.steps.map((s) => `${s.name} ${s.status}`)).toEqual([
      'start 200',
      'login 302',
      'auth 200',
      'launch 200',
    ]);
    expect(trace.final.body).toContain('Hello Stu Dent');
    const claims = JSON.parse(
      Buffer.from((trace.idToken as string).split('.')[1] as string, 'base64url').toString(),
    );
    expect(claims.exp - claims.iat).toBe(60);
    const got = tool.launches.at(-1) as LtiLaunch;
    expect(got.issuer).toBe(sandbox.lti.issuer);
    expect(hasRole(got.roles, 'Learner')).toBe(true);
    expect(got.custom.chapter).toBe('3');
    expect(got.ags?.lineitem).toMatch(/lineitems\/\d+\/lineitem$/);
    const authUrl = new URL(trace.steps[1]?.location as string);
    expect(authUrl.searchParams.get('login_hint')).toBe(trace.initiation.params.login_hint);
    expect(authUrl.searchParams.get('lti_message_hint')).toBe(trace.initiation.params.lti_message_hint);
  });

  it('round-trips deep linking: the platform accepts the signed response and reads its items', async () => {
    const trace = await launch(tool, { messageType: 'LtiDeepLinkingRequest', deepLinkingData: 'opaque-42' });
    expect(trace.final.status).toBe(200);
    const form = /action="([^"]+)"/.exec(trace.final.body)?.[1]?.replace(/&#38;/g, '&') as string;
    const jwt = /name="JWT" value="([^"]+)"/.exec(trace.final.body)?.[1] as string;
    expect(form).toContain('/mod/lti/contentitem_return.php');
    const accepted = (await (
      await fetch(form, { method: 'POST', body: new URLSearchParams({ JWT: jwt }) })
    ).json()) as {
      items: Array<{ type: string; title?: string; html?: string }>;
      data?: string;
    };
    expect(accepted.items.map((i) => i.type)).toEqual(['ltiResourceLink', 'html']);
    expect(accepted.items[1]?.html).toBe('<p>Hi & "bye"</p>');
    expect(accepted.data).toBe('opaque-42');
  });

  it('does not echo deep linking data that was not sent', async () => {
    const trace = await launch(tool, { messageType: 'LtiDeepLinkingRequest' });
    const jwt = /name="JWT" value="([^"]+)"/.exec(trace.final.body)?.[1] as string;
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(payload)).not.toContain('https://purl.imsglobal.org/spec/lti-dl/claim/data');
  });

  const faults: Array<[string, LaunchFaults, string]> = [
    ['expired token', { expired: true }, 'lti.token_expired'],
    ['wrong audience', { wrongAudience: true }, 'lti.audience_mismatch'],
    ['key never published', { unpublishedKey: true }, 'lti.kid_unknown'],
    ['missing deployment_id', { missingClaims: ['deployment_id'] }, 'lti.deployment_id_missing'],
    ['missing roles', { missingClaims: ['roles'] }, 'lti.roles_missing'],
    ['platform clock 90 s ahead', { clockSkewMs: 90_000 }, 'lti.token_issued_in_future'],
    ['another deployment', { deploymentId: '999' }, 'lti.deployment_id_unknown'],
  ];
  it.each(faults)('refuses the injected fault "%s" with %s', async (_name, fault, code) => {
    const trace = await launch(tool, { faults: fault });
    expect(trace.final.status).toBeGreaterThanOrEqual(400);
    expect(codeOf(trace)).toBe(code);
  });

  it('refuses a token carrying the nonce of an earlier launch as a replay, even after refused launches', async () => {
    await launch(tool);
    await launch(tool, { faults: { expired: true } });
    const trace = await launch(tool, { faults: { replayedNonce: true } });
    expect(codeOf(trace)).toBe('lti.nonce_replayed');
  });

  it('explains a launch whose state cookie was blocked, and replays refused', async () => {
    const blocked = await launch(tool, {}, { blockCookies: true });
    expect(codeOf(blocked)).toBe('lti.state_cookie_missing');
    expect(blocked.final.body).toContain('Default launch container');
    const replayed = await launch(tool, {}, { replay: true });
    expect(codeOf(replayed)).toBe('lti.state_cookie_missing');
  });

  it('cookie-less mode survives blocked third-party cookies, and still refuses a replay', async () => {
    const serverMode = await startTool('server');
    const ok = await launch(serverMode, {}, { blockCookies: true });
    expect(ok.final.status).toBe(200);
    const replayed = await launch(serverMode, {}, { replay: true, blockCookies: true });
    expect(codeOf(replayed)).toBe('lti.state_unknown');
  });

  it('the platform refuses a redirect URI that is not an exact registered match (a 404 page, as Moodle)', async () => {
    const sloppy = await startTool('cookie', '/launch/');
    const trace = await launch(sloppy);
    expect(trace.steps.map((s) => s.name)).toEqual(['start', 'login', 'auth']);
    expect(trace.final.status).toBe(404);
    expect(trace.final.body).toContain('Redirection URI(s)');
  });

  it('AGS: line items CRUD, scores with increasing timestamps, results', async () => {
    await launch(tool, { userId: '3' });
    const got = tool.launches.at(-1) as LtiLaunch;
    const ags = await tool.tool.ags(got);
    const own = await ags.getLineItem();
    expect(own.resourceLinkId).toBe('1');
    await ags.postScore(undefined, {
      userId: '3',
      scoreGiven: 7,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    await ags.postScore(undefined, {
      userId: '3',
      scoreGiven: 8,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    const results = await ags.results().toArray();
    expect(results).toMatchObject([{ userId: '3', resultScore: 80, resultMaximum: 100 }]);
    await expect(
      ags.postScore(undefined, {
        userId: '3',
        scoreGiven: 1,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
        timestamp: '2000-01-01T00:00:00.000Z',
      }),
    ).rejects.toMatchObject({ code: 'lti.score_timestamp_not_increasing' });
    const created = await ags.createLineItem({ label: 'Bonus', scoreMaximum: 5, tag: 'bonus' });
    expect(created.id).toMatch(/lineitem$/);
    const updated = await ags.updateLineItem({ ...created, id: created.id as string, label: 'Bonus round' });
    expect(updated.label).toBe('Bonus round');
    const all = await ags.listLineItems({ pageSize: 1 }).toArray();
    expect(all.map((i) => i.label)).toContain('Bonus round');
    await ags.deleteLineItem(created.id as string);
    expect((await ags.listLineItems().toArray()).map((i) => i.label)).not.toContain('Bonus round');
  });

  it('NRPS: members page by page through Link headers, toArray({limit}) stops early; one token per scope set', async () => {
    const got = tool.launches.at(-1) as LtiLaunch;
    // The same tool on a transport that records what goes over the wire: pages fetched, tokens asked for.
    const sent: string[] = [];
    const recording = new Agent().compose(
      (dispatch: Dispatcher['dispatch']): Dispatcher['dispatch'] =>
        (options, handler) => {
          sent.push(`${options.method} ${String(options.path).split('?')[0]?.split('/').pop()}`);
          return dispatch(options, handler);
        },
    );
    const observed = createLtiTool({
      registrations: tool.tool.registrations,
      keys: tool.tool.keys,
      transport: new Transport({ dispatcher: recording }),
    });
    const nrps = await observed.nrps(got);
    const pagesSent = () => sent.filter((line) => line === 'GET memberships').length;
    const everyone = await nrps.members({ pageSize: 2 }).toArray();
    expect(everyone.map((m) => m.user_id).sort()).toEqual(['2', '3', '4', '5']);
    expect(pagesSent()).toBe(2);
    const two = await nrps.members({ pageSize: 2 }).toArray({ limit: 2 });
    expect(two).toHaveLength(2);
    expect(pagesSent()).toBe(3);
    const three = await nrps.members({ pageSize: 2 }).toArray({ limit: 3 });
    expect(three).toHaveLength(3);
    const learners: string[] = [];
    for await (const member of nrps.members({ role: 'Learner' })) learners.push(member.user_id);
    expect(learners.sort()).toEqual(['3', '5']);
    expect(nrps.context?.id).toBe('2');
    expect(sent.filter((line) => line === 'POST token.php')).toHaveLength(1);
    await recording.close();
  });
  // Last: rotating the platform's key leaves the other tools' caches with the old key for a cooldown.
  it('follows a platform key rotation by refetching the JWKS once', async () => {
    const fresh = await startTool();
    await launch(fresh);
    const before = fresh.tool.jwksCache.fetchCount;
    const trace = await launch(fresh, { faults: { rotateKey: true } });
    expect(trace.final.status).toBe(200);
    expect(fresh.tool.jwksCache.fetchCount).toBe(before + 1);
  });
});
