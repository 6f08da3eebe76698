/** The end-to-end list, through the client, against the sandbox Moodle served under a sub-path. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MoodleAuthError,
  MoodleClient,
  MoodleInputError,
  MoodlePermissionError,
} from '../../src/moodle/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox;
let moodle: MoodleClient;

/** The first item of a result, failing the test when there is none (results are typed; no casts needed). */
function first<T>(items: readonly T[]): T {
  expect(items.length).toBeGreaterThan(0);
  return items[0] as T;
}

beforeAll(async () => {
  sandbox = await startSandbox({ moodle: { basePath: '/moodle', maxInputVars: 60 } });
  moodle = new MoodleClient({ url: sandbox.moodle.url, token: sandbox.moodle.token, maxInputVars: 60 });
});
afterAll(async () => sandbox?.close());

describe('sandbox Moodle end to end (under /moodle)', () => {
  it('answers site info with the sub-path wwwroot and the service functions', async () => {
    const info = await moodle.call('core_webservice_get_site_info');
    expect(info.siteurl).toBe(sandbox.moodle.url);
    expect(sandbox.moodle.url.endsWith('/moodle')).toBe(true);
    expect(info.functions.map((f) => f.name)).toContain('core_user_create_users');
    expect(info.userissiteadmin).toBe(true);
  });

  it('creates, reads, updates and deletes users', async () => {
    const created = await moodle.call('core_user_create_users', {
      users: [
        {
          username: 'e2e1',
          firstname: 'E',
          lastname: 'One',
          email: 'e2e1@example.org',
          createpassword: true,
        },
        {
          username: 'e2e2',
          firstname: 'E',
          lastname: 'Two',
          email: 'e2e2@example.org',
          password: 'Secret-pass-1',
        },
      ],
    });
    expect(created.map((u) => u.username)).toEqual(['e2e1', 'e2e2']);
    const ids = created.map((u) => u.id);
    const firstId = first(ids);
    const byField = await moodle.call('core_user_get_users_by_field', {
      field: 'username',
      values: ['e2e1'],
    });
    expect(byField[0]?.id).toBe(ids[0]);
    const search = await moodle.call('core_user_get_users', {
      criteria: [{ key: 'lastname', value: 'Two' }],
    });
    expect(search.users.map((u) => u.username)).toEqual(['e2e2']);
    const warnings: string[] = [];
    await moodle.call(
      'core_user_update_users',
      {
        users: [
          { id: firstId, city: 'Lyon' },
          { id: 99_999, city: 'Nowhere' },
        ],
      },
      { onWarning: (w) => warnings.push(w.warningcode) },
    );
    expect(warnings).toEqual(['invaliduserid']);
    const [updated] = await moodle.call('core_user_get_users_by_field', {
      field: 'id',
      values: [String(firstId)],
    });
    expect(updated?.city).toBe('Lyon');
    expect(await moodle.call('core_user_delete_users', { userids: ids })).toBeNull();
    expect(
      await moodle.call('core_user_get_users_by_field', { field: 'username', values: ['e2e1', 'e2e2'] }),
    ).toEqual([]);
  });

  it('creates categories and courses and reads them back four ways', async () => {
    const category = first(
      await moodle.call('core_course_create_categories', { categories: [{ name: 'E2E', parent: 0 }] }),
    );
    const course = first(
      await moodle.call('core_course_create_courses', {
        courses: [{ fullname: 'E2E Course', shortname: 'E2E101', categoryid: category.id }],
      }),
    );
    expect(course.shortname).toBe('E2E101');
    const [got] = await moodle.call('core_course_get_courses', { options: { ids: [course.id] } });
    expect(got?.fullname).toBe('E2E Course');
    const byField = await moodle.call('core_course_get_courses_by_field', {
      field: 'shortname',
      value: 'E2E101',
    });
    expect(byField.courses[0]?.categoryname).toBe('E2E');
    const contents = await moodle.call('core_course_get_contents', { courseid: course.id });
    expect(contents[0]?.section).toBe(0);
    const found = await moodle.call('core_course_search_courses', {
      criterianame: 'search',
      criteriavalue: 'E2E Course',
    });
    expect(found.total).toBe(1);
    const categories = await moodle.call('core_course_get_categories', {
      criteria: [{ key: 'name', value: 'E2E' }],
    });
    expect(categories[0]?.coursecount).toBe(1);
  });

  it("enrols and unenrols, lists enrolled users and a user's courses", async () => {
    await moodle.call('enrol_manual_enrol_users', { enrolments: [{ roleid: 5, userid: 40, courseid: 3 }] });
    const enrolled = await moodle.call('core_enrol_get_enrolled_users', { courseid: 3 });
    expect(enrolled.map((u) => u.id)).toContain(40);
    const courses = await moodle.call('core_enrol_get_users_courses', { userid: 40 });
    expect(courses.map((c) => c.id)).toEqual([3]);
    await moodle.call('enrol_manual_unenrol_users', { enrolments: [{ userid: 40, courseid: 3 }] });
    expect(
      (await moodle.call('core_enrol_get_enrolled_users', { courseid: 3 })).map((u) => u.id),
    ).not.toContain(40);
  });

  it('creates groups, adds members and lists them; refuses a member who is not enrolled', async () => {
    const group = first(
      await moodle.call('core_group_create_groups', {
        groups: [{ courseid: 2, name: 'E2E group', description: '' }],
      }),
    );
    await moodle.call('core_group_add_group_members', { members: [{ groupid: group.id, userid: 4 }] });
    const groups = await moodle.call('core_group_get_course_groups', { courseid: 2 });
    expect(groups.map((g) => g.name)).toContain('E2E group');
    const error = await moodle
      .call('core_group_add_group_members', { members: [{ groupid: group.id, userid: 42 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleInputError);
  });

  it('creates cohorts and adds members, with warnings for unknown users', async () => {
    const [cohort] = await moodle.call('core_cohort_create_cohorts', {
      cohorts: [{ categorytype: { type: 'system', value: '' }, name: 'E2E cohort', idnumber: 'E2E-C' }],
    });
    expect(cohort?.visible).toBe(true);
    const result = await moodle.call('core_cohort_add_cohort_members', {
      members: [
        {
          cohorttype: { type: 'idnumber', value: 'E2E-C' },
          usertype: { type: 'username', value: 'student1' },
        },
        { cohorttype: { type: 'idnumber', value: 'E2E-C' }, usertype: { type: 'username', value: 'nobody' } },
      ],
    });
    expect(result.warnings?.length).toBe(1);
  });

  it('reports completion and grades', async () => {
    const status = await moodle.call('core_completion_get_course_completion_status', {
      courseid: 2,
      userid: 5,
    });
    expect(status.completionstatus.completed).toBe(true);
    const grades = await moodle.call('gradereport_user_get_grade_items', { courseid: 2, userid: 4 });
    expect(grades.usergrades[0]?.gradeitems[0]?.graderaw).toBe(78);
  });

  it('pages through search results, cohorts and enrolled users', async () => {
    const courses = await moodle
      .paginate(
        'core_course_search_courses',
        { criterianame: 'search', criteriavalue: 'course' },
        { pageSize: 4 },
      )
      .toArray();
    const all = await moodle.call('core_course_search_courses', {
      criterianame: 'search',
      criteriavalue: 'course',
    });
    expect(courses.map((c) => c.id)).toEqual(all.courses.map((c) => c.id));
    const cohorts = await moodle
      .paginate('core_cohort_search_cohorts', { query: 'Cohort', context: { contextid: 1 } }, { pageSize: 7 })
      .toArray({ limit: 20 });
    expect(cohorts).toHaveLength(20);
    expect(new Set(cohorts.map((c) => c.id)).size).toBe(20);
    const users = await moodle
      .paginate('core_enrol_get_enrolled_users', { courseid: 2 }, { pageSize: 8 })
      .toArray();
    expect(users.length).toBe((await moodle.call('core_enrol_get_enrolled_users', { courseid: 2 })).length);
  });

  it('splits a large list to fit max_input_vars and joins the results', async () => {
    const users = Array.from({ length: 30 }, (_, i) => ({
      username: `split${i}`,
      firstname: 'S',
      lastname: 'P',
      email: `split${i}@example.org`,
      createpassword: true,
    }));
    const created = await moodle.call('core_user_create_users', { users });
    expect(created.map((u) => u.username)).toEqual(users.map((u) => u.username));
  });

  it('batches calls, reports which ran, and stops at the first error', async () => {
    const ok = await moodle.batch([
      { fn: 'core_webservice_get_site_info' },
      { fn: 'core_course_get_courses', params: { options: { ids: [2] } } },
    ]);
    expect(ok.native).toBe(true);
    expect(ok.ok).toBe(true);
    const failed = await moodle.batch([
      { fn: 'core_course_get_courses', params: { options: { ids: [2] } } },
      { fn: 'core_course_get_contents', params: { courseid: 99_999 } },
      { fn: 'core_webservice_get_site_info' },
    ]);
    expect(failed.results.map((r) => r.status)).toEqual(['ok', 'error', 'not_run']);
    expect(failed.ran).toBe(2);
    const second = failed.results[1];
    expect(second?.status === 'error' && second.error.errorcode).toBe('invalidrecord');
  });

  it('refuses a student what Moodle refuses', async () => {
    const student = new MoodleClient({ url: sandbox.moodle.url, token: sandbox.moodle.studentToken });
    expect(
      await student.call('core_course_get_courses', { options: { ids: [2] } }).catch((e: unknown) => e),
    ).toMatchObject({ errorcode: 'nopermissions' });
    expect(
      await student
        .call('core_user_create_users', {
          users: [{ username: 'x', firstname: 'x', lastname: 'x', email: 'x@x.x', createpassword: true }],
        })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(MoodlePermissionError);
    expect(
      await student.call('core_enrol_get_enrolled_users', { courseid: 5 }).catch((e: unknown) => e),
    ).toMatchObject({ errorcode: 'requireloginerror' });
  });

  it('logs in for a token and rejects a bad password', async () => {
    const client = new MoodleClient({ url: sandbox.moodle.url });
    const { token } = await client.login({ username: 'student2', password: 'Sandbox-student-2' });
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect((await client.call('core_webservice_get_site_info')).username).toBe('student2');
    const error = await client.login({ username: 'student2', password: 'wrong' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleAuthError);
    expect(JSON.stringify((error as MoodleAuthError).request)).not.toContain('wrong');
  });

  it('uploads to the draft area and downloads a module file as a stream', async () => {
    const upload = await moodle.upload([{ filename: 'notes.txt', data: 'hello draft area' }]);
    expect(upload.itemid).toBeGreaterThan(0);
    expect(upload.files[0]?.filesize).toBe(16);
    const again = await moodle.upload([{ filename: 'notes.txt', data: 'x' }], { itemid: upload.itemid });
    expect(again.errors[0]?.errorcode).toBe('filenameexist');
    const contents = await moodle.call('core_course_get_contents', { courseid: 2 });
    const fileurl = first(first(first(contents).modules).contents ?? []).fileurl ?? '';
    expect(fileurl).toContain('pluginfile.php');
    expect(fileurl).not.toContain(sandbox.moodle.token);
    const download = await moodle.download(fileurl);
    let text = '';
    for await (const chunk of download.stream) text += String(chunk);
    expect(text).toBe('The first resource of SDK_XS.\n');
    expect(download.filename).toBe('resource1.txt');
    await expect(moodle.download('https://elsewhere.example/pluginfile.php/1/x')).rejects.toThrow(
      /is not on the Moodle site http/,
    );
  });
});

describe('sandbox Moodle with developer debugging', () => {
  it('tells an expired token apart', async () => {
    const debugSandbox = await startSandbox({ moodle: { debugDeveloper: true } });
    try {
      const client = new MoodleClient({
        url: debugSandbox.moodle.url,
        token: debugSandbox.moodle.expiredToken,
      });
      const error = (await client
        .call('core_webservice_get_site_info')
        .catch((e: unknown) => e)) as MoodleAuthError;
      expect(error).toBeInstanceOf(MoodleAuthError);
      expect(error.code).toBe('moodle.token_expired');
    } finally {
      await debugSandbox.close();
    }
  });
});
