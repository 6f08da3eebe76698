/**
 * The LTI test bench end to end over real HTTP on loopback: `mts lti platform` (the sandbox platform) registers
 * `mts lti tool` (the tool emulator) by Dynamic Registration, launches it (resource link and deep linking), the
 * tool posts a grade, reads the results and the roster; a restart keeps the key and the registration.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAutoSubmitForm } from '../../../src/sandbox/lti/browser.js';
import { simulateLaunch } from '../../../src/sandbox/lti/index.js';
import {
  startToolEmulator,
  type ToolEmulator,
  type ToolEvent,
} from '../../../src/sandbox/lti/tool/emulator.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/server.js';

let sandbox: Sandbox;
let tool: ToolEmulator;
let dataDir: string;
const events: ToolEvent[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mts-tool-'));
  [sandbox, tool] = await Promise.all([startSandbox(), startToolEmulator({ dataDir })]);
  tool.on((event) => events.push(event));
});
afterAll(async () => {
  await tool?.close();
  await sandbox?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function form(url: string, fields: Record<string, string | string[]>): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields))
    for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return fetch(url, { method: 'POST', body, redirect: 'manual' });
}

describe('mts lti platform + mts lti tool over HTTP', () => {
  let clientId: string;
  let deploymentId: string;

  it('the platform registers the tool by Dynamic Registration', async () => {
    const answer = await fetch(sandbox.lti.registerUrl, {
      method: 'POST',
      body: JSON.stringify({ url: tool.registrationUrl }),
    });
    expect(answer.status).toBe(200);
    const done = (await answer.json()) as {
      tool: { clientId: string; deploymentId: string; loginUrl: string; redirectUris: string[] };
      registration: { status: number };
      closeMessage: boolean;
    };
    ({ clientId, deploymentId } = done.tool);
    expect(done.tool.loginUrl).toBe(tool.loginUrl);
    expect(done.tool.redirectUris).toEqual(tool.redirectUris);
    expect(done.registration.status).toBe(201);
    expect(done.closeMessage).toBe(true);
    expect(events.at(-1)).toMatchObject({
      event: 'registration',
      valid: true,
      code: null,
      clientId,
      deploymentId,
    });
    expect(tool.home.registrations.map((r) => r.registration)).toMatchObject([
      { issuer: sandbox.lti.issuer, clientId, deploymentIds: [deploymentId], platform: 'moodle' },
    ]);
    expect((await stat(join(dataDir, 'registrations.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'tool-key.pem'))).mode & 0o777).toBe(0o600);
  });

  let launchId: string;
  it('launches the tool (resource link): every check passes and the page shows the launch', async () => {
    const trace = await simulateLaunch({ platformUrl: sandbox.url, launch: { clientId, userId: '3' } });
    expect(trace.steps.map((s) => `${s.name} ${s.status}`)).toEqual([
      'start 200',
      'login 302',
      'auth 200',
      'launch 200',
    ]);
    expect(trace.final.body).toContain('Valid LtiResourceLinkRequest');
    expect(trace.final.body).toContain('Stu Dent');
    const event = events.at(-1) as ToolEvent;
    expect(event).toMatchObject({
      event: 'launch',
      valid: true,
      code: null,
      messageType: 'LtiResourceLinkRequest',
      userId: '3',
      deploymentId,
    });
    launchId = String(event.launchId);
    const record = tool.launches.find((l) => l.id === launchId);
    expect(record?.checks.every((c) => c.status === 'pass')).toBe(true);
  });

  it('the tool posts a grade; the platform keeps it in its gradebook; the tool reads it back', async () => {
    const posted = await form(`${tool.url}/launches/${launchId}/ags/score`, {
      scoreGiven: '8',
      scoreMaximum: '10',
      userId: '3',
      comment: 'well done',
    });
    expect(posted.status).toBe(303);
    expect(events.at(-1)).toMatchObject({
      event: 'service',
      action: 'ags.post_score',
      valid: true,
      code: null,
    });
    const gradebook = await (await fetch(sandbox.lti.gradebookUrl)).text();
    expect(gradebook).toMatch(/<strong class="grade">80<\/strong>/);
    expect(gradebook).toContain('well done');
    await form(`${tool.url}/launches/${launchId}/ags/results`, {});
    const record = tool.launches.find((l) => l.id === launchId);
    const results = record?.services.at(-1);
    expect(results).toMatchObject({
      action: 'ags.read_results',
      ok: true,
      result: [{ userId: '3', resultScore: 80 }],
    });
    const page = await (await fetch(`${tool.url}/launches/${launchId}`)).text();
    expect(page).toContain('ags.post_score');
    expect(page).not.toMatch(/Bearer [0-9a-f]{16}/);
  });

  it('the tool reads the roster (NRPS)', async () => {
    await form(`${tool.url}/launches/${launchId}/nrps`, {});
    const call = tool.launches.find((l) => l.id === launchId)?.services.at(-1);
    expect(call).toMatchObject({ action: 'nrps.members', ok: true });
    const members = (call?.result ?? []) as Array<{ user_id: string }>;
    expect(members.map((m) => m.user_id)).toEqual(['2', '3', '4', '5']);
    expect(events.at(-1)).toMatchObject({ event: 'service', action: 'nrps.members', valid: true });
  });

  it('deep linking: the tool sends picked items back; the platform shows them', async () => {
    const trace = await simulateLaunch({
      platformUrl: sandbox.url,
      launch: { clientId, userId: '4', messageType: 'LtiDeepLinkingRequest' },
    });
    expect(trace.final.status).toBe(200);
    expect(trace.final.body).toContain('id="deep-linking-form"');
    const id = String((events.at(-1) as ToolEvent).launchId);
    const picked = await form(`${tool.url}/launches/${id}/deep-linking`, {
      type: ['ltiResourceLink', 'html'],
      'ltiResourceLink.title': 'Quiz <3>',
      'ltiResourceLink.scoreMaximum': '12',
      'html.html': '<p>Hi</p>',
    });
    expect(picked.status).toBe(200);
    const back = parseAutoSubmitForm(await picked.text());
    expect(back?.action).toContain('/mod/lti/contentitem_return.php');
    const shown = await fetch(back?.action as string, {
      method: 'POST',
      headers: { accept: 'text/html' },
      body: new URLSearchParams(back?.fields),
    });
    const html = await shown.text();
    expect(shown.status).toBe(200);
    expect(html).toContain('2 content item(s) received');
    expect(html).toContain('Quiz &#60;3&#62; (max 12)');
    expect(events.at(-1)).toMatchObject({ event: 'deep_linking', valid: true });
  });

  it('a restart keeps the key, the port and the registration: launches still validate', async () => {
    const { port } = tool;
    const kid = tool.home.keys.signingKey.kid;
    await tool.close();
    tool = await startToolEmulator({ dataDir });
    tool.on((event) => events.push(event));
    expect(tool.port).toBe(port);
    expect(tool.home.keys.signingKey.kid).toBe(kid);
    const trace = await simulateLaunch({ platformUrl: sandbox.url, launch: { clientId, userId: '5' } });
    expect(trace.final.status).toBe(200);
    expect(events.at(-1)).toMatchObject({ event: 'launch', valid: true, userId: '5' });
  });

  it('the launch page escapes what the platform sent', async () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const trace = await simulateLaunch({
      platformUrl: sandbox.url,
      launch: { clientId, custom: { note: evil }, resourceLinkTitle: evil },
    });
    expect(trace.final.status).toBe(200);
    expect(trace.final.body).not.toContain('<script>alert');
    expect(trace.final.body).not.toContain('<img src=x');
    expect(trace.final.body).toContain('&#60;script&#62;');
  });

  it('a launch the tool refuses shows the failed check and its diagnosis', async () => {
    const trace = await simulateLaunch({
      platformUrl: sandbox.url,
      launch: { clientId, faults: { deploymentId: '999' } },
    });
    expect(trace.final.status).toBe(400);
    expect(trace.final.body).toContain('lti.deployment_id_unknown');
    expect(trace.final.body).toContain('Deployment ID');
    const record = tool.launches.at(-1);
    const statuses = Object.fromEntries(record?.checks.map((c) => [c.id, c.status]) ?? []);
    expect(statuses).toMatchObject({
      signature: 'pass',
      nonce: 'pass',
      deployment: 'fail',
      claims: 'skipped',
    });
    expect(events.at(-1)).toMatchObject({ event: 'launch', valid: false, code: 'lti.deployment_id_unknown' });
  });
});
