/**
 * The LTI test bench from a script, as a CI job would use it: start the tool emulator (`mts lti tool`), let the
 * platform register it by LTI Dynamic Registration, launch it, and assert on the tool's events.
 * Run: MTS_SANDBOX_URL=http://127.0.0.1:PORT npx tsx examples/lti-test-bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateLaunch, startToolEmulator, type ToolEvent } from 'moodle-totara-sdk/sandbox';

const platformUrl = process.env.MTS_SANDBOX_URL;
if (!platformUrl) throw new Error('Set MTS_SANDBOX_URL (start one with `mts sandbox`).');

// 1. The tool, with its key and registrations in a throwaway directory (`mts lti tool` keeps them in ~/.config/mts).
const dataDir = await mkdtemp(join(tmpdir(), 'lti-bench-'));
const tool = await startToolEmulator({ dataDir });
const events: ToolEvent[] = [];
tool.on((event) => events.push(event));

try {
  // 2. The platform registers the tool, as Moodle does after "Tool URL" + "Add LTI Advantage".
  const answer = await fetch(`${platformUrl}/mod/lti/sandbox/register`, {
    method: 'POST',
    body: JSON.stringify({ url: tool.registrationUrl }),
  });
  const { tool: registered } = (await answer.json()) as { tool: { clientId: string; deploymentId: string } };
  console.log(`registered: client_id ${registered.clientId}, deployment ${registered.deploymentId}`);

  // 3. A learner launches it; the tool validates the launch and says so in its event stream.
  await simulateLaunch({ platformUrl, launch: { clientId: registered.clientId, userId: '3' } });
  const launch = events.find((event) => event.event === 'launch');
  if (!launch?.valid)
    throw new Error(`the launch was refused: ${String(launch?.code)} ${String(launch?.message)}`);
  console.log(
    `launch valid: ${String(launch.messageType)} for user ${String(launch.userId)}, page ${String(launch.page)}`,
  );
} finally {
  await tool.close();
  await rm(dataDir, { recursive: true, force: true });
}
