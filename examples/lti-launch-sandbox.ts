/**
 * A complete LTI 1.3 tool against the sandbox platform: register the tool, run a launch the way a browser does
 * (login initiation → auth → form_post), read the validated claims, then post a grade (AGS) and list the course
 * members (NRPS). Run: npx tsx examples/lti-launch-sandbox.ts (MTS_SANDBOX_URL uses a running `mts sandbox`)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLtiTool,
  createNodeHandler,
  hasRole,
  type LtiLaunch,
  type LtiTool,
  type MoodleToolDetails,
  parseMoodleToolDetails,
  ToolKeySet,
} from 'moodle-totara-sdk/lti';
import { startSandbox } from 'moodle-totara-sdk/sandbox';

// A running sandbox from MTS_SANDBOX_URL (`mts sandbox` prints it), else one started here.
const sandbox = process.env.MTS_SANDBOX_URL ? undefined : await startSandbox();
const platformUrl = process.env.MTS_SANDBOX_URL ?? sandbox?.url;

// 1. The tool: its keys and an HTTP server with /login, /launch and /jwks.
const keys = await ToolKeySet.generate();
let tool: LtiTool | undefined;
let launched: LtiLaunch | undefined;
const server = createServer((req, res) => {
  if (!tool) return void res.end();
  void createNodeHandler(tool, {
    onLaunch(launch) {
      launched = launch;
      return `<h1>Welcome ${launch.user.name}</h1>`;
    },
  })(req, res);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const toolUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// 2. Register it with the platform (what an admin does in Moodle's external tool form), and import the
//    "Tool configuration details" the platform shows back.
const registered = (await (
  await fetch(`${platformUrl}/mod/lti/sandbox/tools`, {
    method: 'POST',
    body: JSON.stringify({
      name: 'example',
      loginUrl: `${toolUrl}/login`,
      targetLinkUri: `${toolUrl}/launch`,
      jwksUrl: `${toolUrl}/jwks`,
    }),
  })
).json()) as { clientId: string; details: MoodleToolDetails };
// stateMode 'server': no state cookie, so this script needs no cookie jar (and neither do iframes with blocked cookies).
tool = createLtiTool({
  registrations: [parseMoodleToolDetails(registered.details)],
  keys,
  stateMode: 'server',
});

// 3. The browser's part of a launch.
const initiation = (await (
  await fetch(`${platformUrl}/mod/lti/sandbox/launch`, {
    method: 'POST',
    body: JSON.stringify({ clientId: registered.clientId }),
  })
).json()) as { url: string; params: Record<string, string> };
const login = await fetch(initiation.url, {
  method: 'POST',
  body: new URLSearchParams(initiation.params),
  redirect: 'manual',
});
const authPage = await (await fetch(login.headers.get('location') as string)).text();
const action = /action="([^"]+)"/.exec(authPage)?.[1] as string;
const fields = Object.fromEntries(
  [...authPage.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
);
const page = await fetch(
  action.replace(/&#(\d+);/g, (_m, c) => String.fromCharCode(Number(c))),
  { method: 'POST', body: new URLSearchParams(fields) },
);
console.log(`tool answered ${page.status}: ${await page.text()}`);
if (!launched) throw new Error('the launch was not validated');
console.log(
  `user ${launched.userId}, learner: ${hasRole(launched.roles, 'Learner')}, course: ${launched.context?.title}`,
);

// 4. Services: a grade for this user, then the members of the course.
const ags = await tool.ags(launched);
await ags.postScore(undefined, {
  userId: launched.userId as string,
  scoreGiven: 8,
  scoreMaximum: 10,
  activityProgress: 'Completed',
  gradingProgress: 'FullyGraded',
});
console.log('results:', await ags.results().toArray());
const members = await (await tool.nrps(launched)).members().toArray({ limit: 10 });
console.log('members:', members.map((m) => `${m.name} (${m.roles.join(', ')})`).join('; '));

server.closeAllConnections();
server.close();
await sandbox?.close();
