import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MoodleAuthError,
  MoodleClient,
  type MoodleError,
  MoodleInputError,
  MoodleMaintenanceError,
  MoodlePermissionError,
  MoodleRateLimitError,
  MoodleResponseError,
  MoodleServerError,
  moodleErrorFromBody,
} from '../../src/moodle/index.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures, readFixtureJson } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOKEN = 'errorsTestToken0123456789abcdef';

async function callAgainst(status: number, body: string, contentType = 'application/json'): Promise<unknown> {
  server = await startTestServer((_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  const client = new MoodleClient({ url: server.url, token: TOKEN, retry: false });
  return client.call('core_webservice_get_site_info').catch((e: unknown) => e);
}

describe.skipIf(!hasFixtures)(
  `errors from real Moodle bodies ${hasFixtures ? '' : FIXTURES_SKIP_REASON}`,
  () => {
    const cases: Array<[string, new (...args: never[]) => MoodleError, string, string]> = [
      ['error_invalid_token.json', MoodleAuthError, 'moodle.invalid_token', 'invalidtoken'],
      ['error_bad_parameter.json', MoodleInputError, 'moodle.invalid_parameter', 'invalidparameter'],
      ['error_missing_parameter.json', MoodleInputError, 'moodle.invalid_parameter', 'invalidparameter'],
      ['error_unknown_function.json', MoodleInputError, 'moodle.unknown_function', 'invalidrecord'],
      [
        'error_student_function_not_in_service.json',
        MoodlePermissionError,
        'moodle.access_denied',
        'accessexception',
      ],
      ['login_token_error_badpassword.json', MoodleAuthError, 'moodle.invalid_login', 'invalidlogin'],
      [
        'login_token_error_badservice.json',
        MoodleAuthError,
        'moodle.service_not_available',
        'servicenotavailable',
      ],
    ];
    it.each(cases)(
      '%s becomes %o with its code, errorcode and a hint',
      async (file, cls, code, errorcode) => {
        const error = await callAgainst(200, await readFile(fixture(`moodle-4.5/rest/${file}`), 'utf8'));
        expect(error).toBeInstanceOf(cls);
        const e = error as MoodleError;
        expect(e.code).toBe(code);
        expect(e.errorcode).toBe(errorcode);
        expect(e.hint).toBeTruthy();
        expect(JSON.stringify(e.toJSON())).not.toContain(TOKEN);
        expect(JSON.stringify(e.request)).not.toContain(TOKEN);
      },
    );

    it('keeps debuginfo from a site with developer debugging', async () => {
      const body = await readFixtureJson<{ debuginfo: string }>(
        'moodle-4.5/rest/error_missing_parameter_debugdeveloper.json',
      );
      const error = moodleErrorFromBody(body as never);
      expect(error).toBeInstanceOf(MoodleInputError);
      expect(error.debuginfo).toBe('Missing required key in single structure: courseid');
    });
  },
);

describe('errors by cause', () => {
  it('maps server-side, maintenance and expired-token bodies', () => {
    expect(
      moodleErrorFromBody({
        exception: 'core\\exception\\invalid_response_exception',
        errorcode: 'invalidresponse',
        message: 'Invalid response value detected',
      }),
    ).toBeInstanceOf(MoodleServerError);
    expect(
      moodleErrorFromBody({
        exception: 'dml_read_exception',
        errorcode: 'dmlreadexception',
        message: 'Error reading from database',
      }),
    ).toBeInstanceOf(MoodleServerError);
    expect(
      moodleErrorFromBody({
        exception: 'moodle_exception',
        errorcode: 'sitemaintenance',
        message: 'maintenance',
      }),
    ).toBeInstanceOf(MoodleMaintenanceError);
    const expired = moodleErrorFromBody({
      exception: 'webservice_access_exception',
      errorcode: 'accessexception',
      message: 'Access control exception',
      debuginfo: 'Invalid token - token expired - check validuntil time for the token',
    });
    expect(expired).toBeInstanceOf(MoodleAuthError);
    expect(expired.code).toBe('moodle.token_expired');
    expect(moodleErrorFromBody({ exception: 'x', errorcode: 'nopermissions', message: 'no' })).toBeInstanceOf(
      MoodlePermissionError,
    );
    expect(moodleErrorFromBody({ exception: 'x', errorcode: 'requireloginerror', message: 'no' }).code).toBe(
      'moodle.require_login',
    );
  });

  it('turns an HTML login page into MoodleResponseError with an excerpt and a hint', async () => {
    const error = await callAgainst(
      200,
      '<!DOCTYPE html><html><head><title>Log in to the site</title></head><body><form id="login">Username</form></body></html>',
      'text/html',
    );
    expect(error).toBeInstanceOf(MoodleResponseError);
    const e = error as MoodleResponseError;
    expect(e.code).toBe('moodle.not_json');
    expect(e.excerpt).toContain('Log in to the site');
    expect(e.hint).toMatch(/login page/);
  });

  it('turns a proxy 502 into MoodleResponseError with the status', async () => {
    const error = (await callAgainst(
      502,
      '<html><body><h1>502 Bad Gateway</h1></body></html>',
      'text/html',
    )) as MoodleResponseError;
    expect(error).toBeInstanceOf(MoodleResponseError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('502 Bad Gateway');
  });

  it('explains an empty 403 as web services disabled', async () => {
    const error = (await callAgainst(403, '', 'text/html')) as MoodleResponseError;
    expect(error.status).toBe(403);
    expect(error.hint).toMatch(/REST protocol/);
  });

  it("says where a refusal that passed local validation comes from (Moodle's checks are already the SDK's)", () => {
    const error = moodleErrorFromBody({
      exception: 'core\\exception\\invalid_parameter_exception',
      errorcode: 'invalidparameter',
      message: 'Invalid parameter value detected',
    });
    expect(error.hint).toContain("function's own checks");
    expect(error.hint).not.toContain('usually names it');
  });

  it('reports a 429 whose Retry-After is too long to wait as a rate limit, after one request', async () => {
    let requests = 0;
    server = await startTestServer((_req, res) => {
      requests++;
      res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '3600' });
      res.end('<html><body><h1>Too Many Requests</h1></body></html>');
    });
    // A read function is retried on 429, but not when the site asks for longer than the policy waits (60 s).
    const client = new MoodleClient({ url: server.url, token: TOKEN });
    const error = await client.call('core_webservice_get_site_info').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleRateLimitError);
    expect(error).toMatchObject({ code: 'moodle.rate_limited', status: 429, retryAfterMs: 3_600_000 });
    expect((error as MoodleRateLimitError).message).toContain('wait 3600 s');
    expect((error as MoodleRateLimitError).hint).toContain('maxRetryAfterMs');
    expect(requests).toBe(1);
    const bare = await callAgainst(429, '');
    expect(bare).toMatchObject({ code: 'moodle.rate_limited', retryAfterMs: undefined });
  });
});
