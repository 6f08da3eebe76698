/**
 * Create a course and two students, enrol them, put them in a group, and list the participants page by page.
 * Run: npx tsx examples/moodle-enrol-students.ts
 * On the local sandbox as it is; on your site with MTS_MOODLE_URL and MTS_MOODLE_TOKEN set.
 */
import { MoodleClient, MoodleError } from 'moodle-totara-sdk/moodle';
import { startSandbox } from 'moodle-totara-sdk/sandbox';

// Your site from MTS_MOODLE_URL and MTS_MOODLE_TOKEN; with neither set, the local sandbox (nothing to set up).
const { MTS_MOODLE_URL: siteUrl, MTS_MOODLE_TOKEN: siteToken } = process.env;
if (Boolean(siteUrl) !== Boolean(siteToken)) {
  console.error(
    'Set both MTS_MOODLE_URL and MTS_MOODLE_TOKEN for your site, or neither for the local sandbox.',
  );
  process.exit(2);
}
const sandbox = siteUrl ? undefined : await startSandbox();
const moodle = new MoodleClient({
  url: siteUrl ?? sandbox?.moodle.url ?? '',
  token: siteToken ?? sandbox?.moodle.token,
});
const stamp = Date.now().toString(36);

try {
  const [category] = await moodle.call('core_course_get_categories', {
    criteria: [{ key: 'parent', value: '0' }],
  });
  const [course] = await moodle.call('core_course_create_courses', {
    courses: [
      { fullname: `Example course ${stamp}`, shortname: `EX-${stamp}`, categoryid: category?.id ?? 1 },
    ],
  });
  const students = await moodle.call('core_user_create_users', {
    users: ['a', 'b'].map((suffix) => ({
      username: `ex${stamp}${suffix}`,
      firstname: 'Example',
      lastname: `Student ${suffix.toUpperCase()}`,
      email: `ex${stamp}${suffix}@example.org`,
      createpassword: true,
    })),
  });
  if (!course) throw new Error('core_course_create_courses returned no course');
  const courseid = course.id;
  await moodle.call('enrol_manual_enrol_users', {
    enrolments: students.map((s) => ({ roleid: 5, userid: s.id, courseid })),
  });
  const [group] = await moodle.call('core_group_create_groups', {
    groups: [{ courseid, name: 'Example group', description: '' }],
  });
  if (!group) throw new Error('core_group_create_groups returned no group');
  await moodle.call('core_group_add_group_members', {
    members: students.map((s) => ({ groupid: group.id, userid: s.id })),
  });
  for await (const user of moodle.paginate('core_enrol_get_enrolled_users', { courseid }, { pageSize: 1 })) {
    console.log(`enrolled: ${user.fullname} (${user.roles?.map((r) => r.shortname).join(', ')})`);
  }
} catch (error) {
  if (error instanceof MoodleError)
    console.error(`${error.code} (${error.errorcode}): ${error.message}\n  hint: ${error.hint}`);
  process.exitCode = 1;
}
await sandbox?.close();
