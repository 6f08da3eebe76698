/**
 * The sandbox answers like the real Moodle 4.5 the fixtures were captured from: the same error bodies byte for
 * byte, and results with the same keys and value types.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreFunctionTable } from '../../src/moodle/definitions.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { cleanReturns } from '../../src/sandbox/moodle/validate-parameters.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures, readFixtureJson } from '../helpers/fixtures.js';

let sandbox: Sandbox;
let debugSandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
  debugSandbox = await startSandbox({ moodle: { debugDeveloper: true } });
});
afterAll(async () => {
  await sandbox?.close();
  await debugSandbox?.close();
});

async function post(base: string, path: string, form: Record<string, string>): Promise<string> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return response.text();
}

function rest(
  base: Sandbox,
  fn: string,
  params: Record<string, string>,
  token = base.moodle.token,
  format = 'json',
) {
  return post(base.moodle.url, '/webservice/rest/server.php', {
    wstoken: token,
    wsfunction: fn,
    moodlewsrestformat: format,
    ...params,
  });
}

/** Key → type of every key the fixture has, recursively through the first items of lists. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? ['list', shape(value[0])] : ['list'];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  }
  return value === null ? 'null' : typeof value;
}

function sharedShape(ours: unknown, theirs: unknown): [unknown, unknown] {
  // Compare only keys both have at each level, after checking ours misses none of the fixture's required ones.
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    const [a, b] = sharedShape(ours[0], theirs[0]);
    return [
      ['list', a],
      ['list', b],
    ];
  }
  if (ours && theirs && typeof ours === 'object' && typeof theirs === 'object') {
    const keys = Object.keys(theirs).filter((k) => k in ours);
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    for (const k of keys)
      [a[k], b[k]] = sharedShape(
        (ours as Record<string, unknown>)[k],
        (theirs as Record<string, unknown>)[k],
      );
    return [a, b];
  }
  return [shape(ours), shape(theirs)];
}

describe.skipIf(!hasFixtures)(`sandbox vs real Moodle 4.5 ${hasFixtures ? '' : FIXTURES_SKIP_REASON}`, () => {
  const errorCases: Array<[string, () => Promise<string>]> = [
    ['error_invalid_token.json', () => rest(sandbox, 'core_webservice_get_site_info', {}, 'nosuchtoken')],
    [
      'error_invalid_token.xml',
      () => rest(sandbox, 'core_webservice_get_site_info', {}, 'nosuchtoken', 'xml'),
    ],
    ['error_unknown_function.json', () => rest(sandbox, 'core_nosuch_function', {})],
    [
      'error_bad_parameter.json',
      () => rest(sandbox, 'core_course_get_courses', { 'options[ids][0]': 'notanumber' }),
    ],
    [
      'error_bad_parameter_debugdeveloper.json',
      () => rest(debugSandbox, 'core_course_get_courses', { 'options[ids][0]': 'notanumber' }),
    ],
    ['error_missing_parameter.json', () => rest(sandbox, 'core_enrol_get_enrolled_users', {})],
    [
      'error_missing_parameter_debugdeveloper.json',
      () => rest(debugSandbox, 'core_enrol_get_enrolled_users', {}),
    ],
    [
      'error_student_function_not_in_service.json',
      () => rest(sandbox, 'core_user_create_users', {}, sandbox.moodle.studentToken),
    ],
    [
      'login_token_error_badpassword.json',
      () =>
        post(sandbox.moodle.url, '/login/token.php', {
          username: 'admin',
          password: 'wrong',
          service: 'moodle_mobile_app',
        }),
    ],
    [
      'login_token_error_badservice.json',
      () =>
        post(sandbox.moodle.url, '/login/token.php', {
          username: 'admin',
          password: sandbox.moodle.password,
          service: 'nosuch',
        }),
    ],
  ];
  it.each(errorCases)('answers %s byte for byte', async (file, run) => {
    const expected = await readFile(fixture(`moodle-4.5/rest/${file}`), 'utf8');
    const actual = await run();
    if (file.endsWith('.json')) expect(JSON.parse(actual)).toEqual(JSON.parse(expected));
    else expect(actual).toBe(expected);
  });

  const resultCases: Array<[string, string, Record<string, string>]> = [
    ['site_info.json', 'core_webservice_get_site_info', {}],
    ['get_courses.json', 'core_course_get_courses', {}],
    ['course_contents_xs.json', 'core_course_get_contents', { courseid: '2' }],
    ['enrolled_users_xs.json', 'core_enrol_get_enrolled_users', { courseid: '2' }],
    ['student_users_courses.json', 'core_enrol_get_users_courses', { userid: '4' }],
  ];
  it.each(resultCases)('answers with the keys and types of %s', async (file, fn, params) => {
    // The site course (format "site") differs from ordinary ones; compare ordinary courses.
    const ordinary = (v: unknown) =>
      Array.isArray(v) ? v.filter((c: { format?: string }) => c.format !== 'site') : v;
    const theirs = ordinary(await readFixtureJson(`moodle-4.5/rest/${file}`));
    const ours = ordinary(JSON.parse(await rest(sandbox, fn, params)));
    const [a, b] = sharedShape(ours, theirs);
    expect(a).toEqual(b);
    // Every key the real site sent for the first item, ours sends too (optional keys included where we model them).
    const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Record<string, unknown>;
    const missing = Object.keys(first(theirs)).filter((k) => !(k in first(ours)));
    expect(
      missing.filter(
        (k) =>
          ![
            'summaryfiles',
            'hiddensections',
            'availability',
            'afterlink',
            'activitybadge',
            'customdata',
            'component',
            'itemid',
            'preferences',
          ].includes(k),
      ),
    ).toEqual([]);
    const info = coreFunctionTable().get(fn);
    if (!info) throw new Error(`${fn} is not in the core table`);
    expect(cleanReturns(info, ours).ok).toBe(true);
  });

  it("answers create_users and upload in the fixtures' shapes", async () => {
    const created = JSON.parse(
      await rest(sandbox, 'core_user_create_users', {
        'users[0][username]': 'fid1',
        'users[0][firstname]': 'F',
        'users[0][lastname]': 'L',
        'users[0][email]': 'fid1@example.org',
        'users[0][createpassword]': '1',
      }),
    ) as unknown;
    expect(shape(created)).toEqual(shape(await readFixtureJson('moodle-4.5/rest/create_users.json')));
    const form = new FormData();
    form.append('token', sandbox.moodle.token);
    form.append('filearea', 'draft');
    form.append('file_1', new Blob(['23 bytes of upload text']), 'upload.txt');
    const uploaded = (await (
      await fetch(`${sandbox.moodle.url}/webservice/upload.php`, { method: 'POST', body: form })
    ).json()) as unknown;
    expect(shape(uploaded)).toEqual(shape(await readFixtureJson('moodle-4.5/rest/upload_response.json')));
  });

  it('drops pairs beyond max_input_vars silently, as PHP does', async () => {
    const small = await startSandbox({ moodle: { maxInputVars: 5 } });
    try {
      const body = await rest(small, 'core_user_get_users_by_field', {
        field: 'username',
        'values[0]': 'admin',
        'values[1]': 'student1',
      });
      expect((JSON.parse(body) as unknown[]).length).toBe(1);
    } finally {
      await small.close();
    }
  });
});
