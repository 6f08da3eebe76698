/**
 * The sandbox's write functions, which the validation sweep (read functions only) does not cover: each one is
 * called through the typed client, and its effect read back through the read functions a user would call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MoodleClient } from '../../../src/moodle/index.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';

let sandbox: Sandbox;
let moodle: MoodleClient;
let student: MoodleClient;
beforeAll(async () => {
  sandbox = await startSandbox();
  moodle = new MoodleClient({ url: sandbox.moodle.url, token: sandbox.moodle.token });
  student = new MoodleClient({ url: sandbox.moodle.url, token: sandbox.moodle.studentToken });
});
afterAll(async () => sandbox?.close());

describe('sandbox write functions', () => {
  it('users: update, preferences, profile view, policy', async () => {
    await moodle.call('core_user_update_users', { users: [{ id: 5, city: 'Hobart', department: 'Music' }] });
    const [user] = await moodle.call('core_user_get_users_by_field', { field: 'id', values: ['5'] });
    expect(user).toMatchObject({ city: 'Hobart', department: 'Music' });
    const saved = await moodle.call('core_user_set_user_preferences', {
      preferences: [{ name: 'block_myoverview_user_sort_preference', value: 'title', userid: 5 }],
    });
    expect(saved.saved).toEqual([{ name: 'block_myoverview_user_sort_preference', userid: 5 }]);
    await moodle.call('core_user_update_user_preferences', {
      userid: 5,
      preferences: [{ type: 'theme', value: 'x' }],
    });
    const prefs = await moodle.call('core_user_get_user_preferences', { userid: 5 });
    expect(prefs.preferences.map((p) => p.name).sort()).toEqual([
      'block_myoverview_user_sort_preference',
      'theme',
    ]);
    expect((await moodle.call('core_user_view_user_profile', { userid: 5 })).status).toBe(true);
    expect((await student.call('core_user_agree_site_policy')).status).toBe(true);
    expect((await student.call('core_user_agree_site_policy')).status).toBe(false);
  });

  it('courses and categories: update, view, delete', async () => {
    const [category] = await moodle.call('core_course_create_categories', {
      categories: [{ name: 'Writes' }],
    });
    if (!category) throw new Error('no category');
    await moodle.call('core_course_update_categories', {
      categories: [{ id: category.id, name: 'Writes 2', idnumber: 'W2' }],
    });
    const [read] = await moodle.call('core_course_get_categories', {
      criteria: [{ key: 'id', value: String(category.id) }],
    });
    expect(read).toMatchObject({ name: 'Writes 2', idnumber: 'W2' });
    const [course] = await moodle.call('core_course_create_courses', {
      courses: [{ fullname: 'Writes course', shortname: 'WR1', categoryid: category.id }],
    });
    if (!course) throw new Error('no course');
    const updated = await moodle.call('core_course_update_courses', {
      courses: [{ id: course.id, fullname: 'Renamed' }],
    });
    expect(updated.warnings).toEqual([]);
    expect(
      (await moodle.call('core_course_get_courses', { options: { ids: [course.id] } }))[0]?.fullname,
    ).toBe('Renamed');
    expect((await moodle.call('core_course_view_course', { courseid: course.id })).status).toBe(true);
    const recent = await moodle.call('core_course_get_recent_courses');
    expect(recent[0]?.id).toBe(course.id);
    expect(
      (await moodle.call('core_course_delete_courses', { courseids: [course.id, 99_999] })).warnings,
    ).toEqual([expect.objectContaining({ itemid: 99_999 })]);
    await moodle.call('core_course_delete_categories', { categories: [{ id: category.id, newparent: 1 }] });
    expect(
      await moodle.call('core_course_get_categories', {
        criteria: [{ key: 'id', value: String(category.id) }],
      }),
    ).toEqual([]);
  });

  it('enrolment: self enrolment, unenrolment by enrolment id', async () => {
    const methods = await moodle.call('core_enrol_get_course_enrolment_methods', { courseid: 6 });
    expect(methods.map((m) => m.type)).toEqual(['manual']);
    const self = new MoodleClient({ url: sandbox.moodle.url, token: sandbox.moodle.studentToken });
    const refused = await self.call('enrol_self_enrol_user', { courseid: 6 });
    expect(refused.status).toBe(false);
    await moodle.call('enrol_manual_enrol_users', { enrolments: [{ roleid: 5, userid: 30, courseid: 6 }] });
    const [row] = (await moodle.call('core_enrol_get_enrolled_users', { courseid: 6 })).filter(
      (u) => u.id === 30,
    );
    expect(row?.roles?.[0]?.shortname).toBe('student');
    await moodle.call('enrol_manual_unenrol_users', { enrolments: [{ userid: 30, courseid: 6 }] });
    expect(
      (await moodle.call('core_enrol_get_enrolled_users', { courseid: 6 })).map((u) => u.id),
    ).not.toContain(30);
  });

  it('groups and groupings: create, assign, members, update, delete', async () => {
    const [group] = await moodle.call('core_group_create_groups', {
      groups: [{ courseid: 2, name: 'Writers', description: '' }],
    });
    if (!group) throw new Error('no group');
    expect(group.enrolmentkey).toBeNull();
    await moodle.call('core_group_add_group_members', { members: [{ groupid: group.id, userid: 7 }] });
    await moodle.call('core_group_update_groups', { groups: [{ id: group.id, name: 'Writers 2' }] });
    const [grouping] = await moodle.call('core_group_create_groupings', {
      groupings: [{ courseid: 2, name: 'Projects', description: '' }],
    });
    if (!grouping) throw new Error('no grouping');
    await moodle.call('core_group_assign_grouping', {
      assignments: [{ groupingid: grouping.id, groupid: group.id }],
    });
    const [withGroups] = await moodle.call('core_group_get_groupings', {
      groupingids: [grouping.id],
      returngroups: true,
    });
    expect(withGroups?.groups?.map((g) => g.name)).toEqual(['Writers 2']);
    await moodle.call('core_group_update_groupings', {
      groupings: [{ id: grouping.id, name: 'Projects 2', description: 'x' }],
    });
    await moodle.call('core_group_unassign_grouping', {
      unassignments: [{ groupingid: grouping.id, groupid: group.id }],
    });
    expect((await moodle.call('core_group_get_group_members', { groupids: [group.id] }))[0]?.userids).toEqual(
      [7],
    );
    await moodle.call('core_group_delete_group_members', { members: [{ groupid: group.id, userid: 7 }] });
    expect((await moodle.call('core_group_get_group_members', { groupids: [group.id] }))[0]?.userids).toEqual(
      [],
    );
    await moodle.call('core_group_delete_groupings', { groupingids: [grouping.id] });
    await moodle.call('core_group_delete_groups', { groupids: [group.id] });
    expect(
      (await moodle.call('core_group_get_course_groups', { courseid: 2 })).map((g) => g.id),
    ).not.toContain(group.id);
  });

  it('cohorts: create with a theme, update, remove a member, delete', async () => {
    const [cohort] = await moodle.call('core_cohort_create_cohorts', {
      cohorts: [{ categorytype: { type: 'system', value: '' }, name: 'W', idnumber: 'W-1' }],
    });
    if (!cohort) throw new Error('no cohort');
    expect(cohort.theme).toBe('');
    await moodle.call('core_cohort_update_cohorts', {
      cohorts: [
        { id: cohort.id, categorytype: { type: 'idnumber', value: 'CAT2' }, name: 'W2', idnumber: 'W-1' },
      ],
    });
    await moodle.call('core_cohort_add_cohort_members', {
      members: [
        { cohorttype: { type: 'id', value: String(cohort.id) }, usertype: { type: 'id', value: '9' } },
      ],
    });
    await moodle.call('core_cohort_delete_cohort_members', { members: [{ cohortid: cohort.id, userid: 9 }] });
    expect(
      (await moodle.call('core_cohort_get_cohort_members', { cohortids: [cohort.id] }))[0]?.userids,
    ).toEqual([]);
    await moodle.call('core_cohort_delete_cohorts', { cohortids: [cohort.id] });
    expect(await moodle.call('core_cohort_get_cohorts', { cohortids: [cohort.id] })).toEqual([]);
  });

  it('grades and completion: update grades, self completion, manual and overridden activity completion', async () => {
    expect(
      await moodle.call('core_grades_update_grades', {
        source: 'sdk',
        courseid: 2,
        component: 'mod_assign',
        activityid: 1,
        itemnumber: 0,
        grades: [{ studentid: 6, grade: 64, str_feedback: 'Good' }],
      }),
    ).toBe(0);
    const report = await moodle.call('gradereport_user_get_grade_items', { courseid: 2, userid: 6 });
    expect(report.usergrades[0]?.gradeitems[0]).toMatchObject({ graderaw: 64, feedback: 'Good' });
    expect((await moodle.call('gradereport_user_view_grade_report', { courseid: 2, userid: 6 })).status).toBe(
      true,
    );
    // The student token is student1's (user 4), a student of course 2.
    expect((await student.call('core_completion_mark_course_self_completed', { courseid: 2 })).status).toBe(
      true,
    );
    const status = await student.call('core_completion_get_course_completion_status', {
      courseid: 2,
      userid: 4,
    });
    expect(status.completionstatus.completed).toBe(true);
    await student.call('core_completion_update_activity_completion_status_manually', {
      cmid: 1,
      completed: true,
    });
    const override = await moodle.call('core_completion_override_activity_completion_status', {
      userid: 4,
      cmid: 3,
      newstate: 1,
    });
    expect(override).toMatchObject({ cmid: 3, userid: 4, state: 1, overrideby: 2 });
    const activities = await moodle.call('core_completion_get_activities_completion_status', {
      courseid: 2,
      userid: 4,
    });
    expect(activities.statuses.map((s) => [s.cmid, s.state])).toEqual([
      [3, 1],
      [1, 1],
    ]);
  });

  it('calendar: create a repeating event, read it, delete the series', async () => {
    const created = await moodle.call('core_calendar_create_calendar_events', {
      events: [
        { name: 'Weekly review', courseid: 2, eventtype: 'course', timestart: 1_900_000_000, repeats: 3 },
      ],
    });
    expect(created.events).toHaveLength(3);
    const first = created.events[0];
    if (!first) throw new Error('no event');
    const byId = await moodle.call('core_calendar_get_calendar_event_by_id', { eventid: first.id ?? 0 });
    expect(byId.event.course?.id).toBe(2);
    const listed = await moodle.call('core_calendar_get_calendar_events', { events: { courseids: [2] } });
    expect(listed.events.filter((e) => e.name === 'Weekly review')).toHaveLength(3);
    await moodle.call('core_calendar_delete_calendar_events', {
      events: [{ eventid: first.id ?? 0, repeat: true }],
    });
    const after = await moodle.call('core_calendar_get_calendar_events', { events: { courseids: [2] } });
    expect(after.events.filter((e) => e.name === 'Weekly review')).toEqual([]);
  });

  it('files: an unused draft item, an upload in base64, listing, deleting', async () => {
    const draft = await moodle.call('core_files_get_unused_draft_itemid');
    const uploaded = await moodle.call('core_files_upload', {
      component: 'user',
      filearea: 'draft',
      itemid: draft.itemid,
      filepath: '/',
      filename: 'note.txt',
      filecontent: Buffer.from('draft note').toString('base64'),
      contextlevel: 'user',
      instanceid: 2,
    });
    expect(uploaded.contextid).toBe(draft.contextid);
    const listed = await moodle.call('core_files_get_files', {
      contextid: draft.contextid ?? 0,
      component: 'user',
      filearea: 'draft',
      itemid: draft.itemid,
      filepath: '/',
      filename: '',
    });
    expect(listed.files.map((f) => [f.filename, f.filesize])).toEqual([['note.txt', 10]]);
    const deleted = await moodle.call('core_files_delete_draft_files', {
      draftitemid: draft.itemid,
      files: [{ filepath: '/', filename: 'note.txt' }],
    });
    expect(deleted.parentpaths).toEqual(['/']);
  });
});
