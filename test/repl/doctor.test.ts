import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/http.js';

interface Report {
  ok: boolean;
  checks: Array<{ name: string; status: string; detail?: string; hint?: string; code?: string }>;
}

const byName = (report: Report) => Object.fromEntries(report.checks.map((check) => [check.name, check]));

describe('mts doctor', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('passes the web service, function, course, Totara and LTI checks on the sandbox, secrets kept out of --json', async () => {
    const run = await runCli(['doctor', '--json'], {
      MTS_MOODLE_URL: sandbox.moodle.url,
      MTS_MOODLE_TOKEN: sandbox.moodle.token,
      MTS_TOTARA_URL: sandbox.totara.url,
      MTS_TOTARA_CLIENT_ID: sandbox.totara.clientId,
      MTS_TOTARA_CLIENT_SECRET: sandbox.totara.clientSecret,
    });
    const report = JSON.parse(run.stdout) as Report;
    const checks = byName(report);
    for (const name of [
      'moodle.site_info',
      'moodle.functions',
      'moodle.courses',
      'totara.token',
      'totara.status',
      'lti.jwks',
      'lti.endpoints',
      'clock',
    ])
      expect(checks[name]?.status, `${name}: ${checks[name]?.detail}`).toBe('passed');
    expect(checks['moodle.site_info']?.detail).toMatch(/Moodle 4\.5/);
    expect(run.code).toBe(report.ok ? 0 : 1);
    expect(run.stdout).not.toContain(sandbox.moodle.token);
    expect(run.stdout).not.toContain(sandbox.totara.clientSecret);
  });

  it('fails with hints on a broken site: missing function, course list error, no key set, clock five minutes off; exit 1', async () => {
    const skewed = new Date(Date.now() + 5 * 60_000).toUTCString();
    const site = await startTestServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', date: skewed });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/webservice/rest/server.php') {
        const fn = new URLSearchParams(req.body).get('wsfunction');
        if (fn === 'core_webservice_get_site_info')
          return json(200, {
            sitename: 'Broken',
            username: 'svc',
            firstname: 'S',
            lastname: 'V',
            fullname: 'S V',
            lang: 'en',
            userid: 3,
            siteurl: 'http://x',
            userpictureurl: '',
            functions: [{ name: 'core_webservice_get_site_info', version: '2024100700' }],
            release: '4.5.6 (Build: 20250811)',
            version: '2024100706',
          });
        return json(200, {
          exception: 'webservice_access_exception',
          errorcode: 'accessexception',
          message: 'Access control exception',
        });
      }
      res.writeHead(url.pathname.endsWith('certs.php') ? 200 : 503, {
        'content-type': 'text/html',
        date: skewed,
      });
      res.end('<html><title>Maintenance</title></html>');
    });
    try {
      const run = await runCli(['doctor', '--json'], {
        MTS_MOODLE_URL: site.url,
        MTS_MOODLE_TOKEN: 'doctor-token-123456',
        MTS_TOTARA_CLIENT_ID: 'doctor-client',
        MTS_TOTARA_CLIENT_SECRET: 'doctor-secret-987654',
      });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as Report;
      expect(report.ok).toBe(false);
      const checks = byName(report);
      expect(checks['moodle.site_info']?.status).toBe('passed');
      expect(checks['moodle.functions']).toMatchObject({
        status: 'failed',
        code: 'doctor.functions_missing',
      });
      expect(checks['moodle.functions']?.detail).toContain('core_course_get_courses_by_field');
      expect(checks['moodle.courses']).toMatchObject({ status: 'failed', code: 'moodle.access_denied' });
      expect(checks['moodle.download']?.status).toBe('skipped');
      expect(checks['totara.token']?.status).toBe('skipped');
      // the skip names what is missing, not the settings that are there
      expect(checks['totara.token']?.detail).toContain('totaraUrl (MTS_TOTARA_URL) not configured');
      expect(checks['totara.token']?.detail).not.toContain('totaraClientId');
      expect(run.stdout).not.toContain('doctor-secret-987654');
      expect(checks['lti.jwks']).toMatchObject({ status: 'failed', code: 'doctor.jwks_invalid' });
      expect(checks['lti.endpoints']).toMatchObject({ status: 'failed', code: 'doctor.lti_endpoints' });
      expect(checks.clock).toMatchObject({ status: 'failed', code: 'doctor.clock_offset' });
      for (const check of report.checks.filter((c) => c.status === 'failed'))
        expect(check.hint, check.name).toBeTruthy();
      expect(run.stdout).not.toContain('doctor-token-123456');
      expect(site.requests.every((r) => !r.url.includes('doctor-token-123456'))).toBe(true);
    } finally {
      await site.close();
    }
  });

  it('says what to configure when the profile has no site, and exits 1', async () => {
    const run = await runCli(['doctor']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('configures no site');
    expect(run.stdout).toContain('mts config set');
  });
});
