/**
 * `mts lti platform --register` INTO Moodle as a tool (enrol_lti), replayed from the captures: registration with a
 * 201 and a deployment_id, then learner and instructor launches through Moodle's cookie check, with the custom
 * claim `id`, over http where only the LEGACY_ state cookie comes back. And the failures, with their fixes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { FIXTURES_SKIP_REASON, hasFixtures } from '../../helpers/fixtures.js';
import { type MoodleAsTool, PUBLISHED_UUID, startMoodleAsTool } from './moodle-as-tool.js';

interface Report {
  registered?: {
    tool?: { clientId: string; deploymentId: string };
    moodleTool?: boolean;
    error?: string;
    message?: string;
    hint?: string;
  };
  launches: Array<{
    as: string;
    ok: boolean;
    steps: Array<{ name: string; status: number }>;
    openLink?: string;
    message?: string;
    hint?: string;
  }>;
}

let moodle: MoodleAsTool | undefined;

/** `mts lti platform --register <Moodle's registration URL> ARGS`. */
function registerInto(tool: MoodleAsTool, args: string[]) {
  return runCli(['lti', 'platform', '--register', tool.registerUrl, ...args]);
}
afterEach(async () => {
  await moodle?.close();
  moodle = undefined;
});

describe.skipIf(!hasFixtures)(
  `mts lti platform --register into Moodle's enrol_lti ${FIXTURES_SKIP_REASON}`,
  () => {
    it('registers, then launches a learner and an instructor into the published course', async () => {
      moodle = await startMoodleAsTool();
      const run = await registerInto(moodle as MoodleAsTool, [
        '--launch',
        'learner',
        '--launch',
        'instructor',
        '--custom',
        `id=${PUBLISHED_UUID}`,
        '--once',
        '--json',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as Report;
      expect(report.registered?.moodleTool).toBe(true);
      expect(moodle.registration).toMatchObject({
        clientId: report.registered?.tool?.clientId,
        deployments: [report.registered?.tool?.deploymentId],
      });
      for (const launch of report.launches) {
        expect(launch.steps.map((s) => `${s.name} ${s.status}`)).toEqual([
          'start 200',
          'login 303',
          'login 303',
          'auth 200',
          'launch 200',
        ]);
        expect(launch.openLink).toBe(`${moodle.url}/course/view.php?id=4`);
      }
      expect(moodle.launches.map((l) => [l.ok, l.roles])).toEqual([
        [true, ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner']],
        [true, ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor']],
      ]);
      // Over http the Secure state cookie stays behind; its LEGACY_ twin and the cookie check's cookies come back.
      const cookies = moodle.launches[0]?.cookies ?? [];
      expect(cookies).toEqual(expect.arrayContaining(['cookiecheck1', 'cookiecheck2', 'MoodleSession']));
      expect(cookies.filter((c) => c.startsWith('LEGACY_lti1p3_state-'))).toHaveLength(1);
      expect(cookies.filter((c) => c.startsWith('lti1p3_state-'))).toHaveLength(0);
      expect(moodle.jwksFetches).toBe(2);
    });

    it("without --custom id, says Moodle's refusal and how to fix it", async () => {
      moodle = await startMoodleAsTool();
      const run = await registerInto(moodle as MoodleAsTool, ['--launch', 'learner', '--once', '--json']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('--custom id=');
      const launch = (JSON.parse(run.stdout) as Report).launches[0];
      expect(launch).toMatchObject({ ok: false });
      expect(launch?.message).toContain("The custom claim field 'id' is required");
      expect(launch?.hint).toContain('--custom id=<uuid>');
    });

    it("a used or wrong registration URL: Moodle's page, and a new URL is the fix", async () => {
      moodle = await startMoodleAsTool();
      const first = await registerInto(moodle as MoodleAsTool, ['--once', '--json']);
      expect(first.code).toBe(0);
      const again = await registerInto(moodle as MoodleAsTool, ['--once']);
      expect(again.code).toBe(1);
      expect(again.stdout).toContain('Invalid or expired registration URL');
      expect(again.stdout).toContain('works once');
    });

    it("Moodle's cURL security blocking the platform is diagnosed with the settings to change", async () => {
      moodle = await startMoodleAsTool({ blockPlatform: true });
      const run = await registerInto(moodle as MoodleAsTool, ['--once', '--json']);
      expect(run.code).toBe(1);
      const registered = (JSON.parse(run.stdout) as Report).registered;
      expect(registered).toMatchObject({ error: 'dynreg.registration_not_received' });
      expect(registered?.message).toContain('problem fetching the OpenID configuration');
      expect(registered?.hint).toContain('curlsecurityblockedhosts');
    });
  },
);
