/** enrol_manual_* and core_enrol_*: enrol, unenrol, enrolled users, a user's courses. */
import {
  bool,
  type CallContext,
  courseImage,
  courseOrFail,
  enterCourse,
  fullname,
  int,
  list,
  type Params,
  pictureUrls,
  requireAdmin,
  type SandboxFunction,
  str,
  userOrFail,
} from '../context.js';
import { invalidParameter, moodleException } from '../exceptions.js';
import { ROLES } from '../site.js';

const enrolUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Enrol users', 'enrol/manual:enrol');
  const enrolments = list(params.enrolments);
  for (const e of enrolments) {
    courseOrFail(ctx, int(e.courseid));
    userOrFail(ctx, int(e.userid));
    if (!ROLES[int(e.roleid)]) {
      throw moodleException(
        'wsusercannotassign',
        `You don't have the permission to assign this role (${int(e.roleid)}) to this user (${int(e.userid)}) in this course(${int(e.courseid)}).`,
      );
    }
  }
  for (const e of enrolments) {
    ctx.site.enrol(int(e.userid), int(e.courseid), int(e.roleid));
    const row = ctx.site.enrolments.find((x) => x.userid === int(e.userid) && x.courseid === int(e.courseid));
    if (row) {
      row.timestart = int(e.timestart);
      row.timeend = int(e.timeend);
      row.suspended = bool(e.suspend);
    }
  }
  return null;
};

const unenrolUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Unenrol users from the course', 'enrol/manual:unenrol');
  const enrolments = list(params.enrolments);
  for (const e of enrolments) {
    courseOrFail(ctx, int(e.courseid));
    userOrFail(ctx, int(e.userid));
  }
  for (const e of enrolments) {
    ctx.site.enrolments = ctx.site.enrolments.filter(
      (x) => !(x.userid === int(e.userid) && x.courseid === int(e.courseid)),
    );
    for (const group of ctx.site.groups.values())
      if (group.courseid === int(e.courseid)) group.members.delete(int(e.userid));
  }
  return null;
};

function enrolledCourses(ctx: CallContext, userid: number): Params[] {
  return ctx.site.enrolments
    .filter((e) => e.userid === userid)
    .map((e) => ctx.site.courses.get(e.courseid))
    .filter((c) => c !== undefined)
    .sort((a, b) => b.id - a.id)
    .map((c) => ({ id: c.id, fullname: c.fullname, shortname: c.shortname }));
}

const OPTION_NAMES = [
  'withcapability',
  'groupid',
  'onlyactive',
  'onlysuspended',
  'userfields',
  'limitfrom',
  'limitnumber',
  'sortby',
  'sortdirection',
];

const getEnrolledUsers: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  const options: Record<string, string> = {};
  for (const option of list(params.options)) {
    const name = str(option.name);
    if (!OPTION_NAMES.includes(name)) throw invalidParameter(`Invalid option name: ${name}`);
    options[name] = str(option.value);
  }
  let rows = ctx.site.enrolments.filter((e) => e.courseid === course.id).sort((a, b) => a.userid - b.userid);
  if (options.onlyactive && bool(options.onlyactive)) rows = rows.filter((e) => !e.suspended);
  if (options.groupid)
    rows = rows.filter((e) => ctx.site.groups.get(int(options.groupid))?.members.has(e.userid));
  const from = int(options.limitfrom);
  const count = int(options.limitnumber);
  rows = count > 0 ? rows.slice(from, from + count) : rows.slice(from);
  return rows.flatMap((e) => {
    const user = ctx.site.users.get(e.userid);
    if (!user) return [];
    const groups = [...ctx.site.groups.values()].filter(
      (g) => g.courseid === course.id && g.members.has(user.id),
    );
    return [
      {
        id: user.id,
        username: user.username,
        firstname: user.firstname,
        lastname: user.lastname,
        fullname: fullname(user),
        email: user.email,
        department: user.department,
        ...(user.idnumber ? { idnumber: user.idnumber } : {}),
        firstaccess: user.firstaccess,
        lastaccess: user.lastaccess,
        lastcourseaccess: 0,
        ...(user.city ? { city: user.city } : {}),
        ...(user.country ? { country: user.country } : {}),
        ...pictureUrls(ctx),
        ...(groups.length
          ? {
              groups: groups.map((g) => ({
                id: g.id,
                name: g.name,
                description: g.description,
                descriptionformat: g.descriptionformat,
              })),
            }
          : {}),
        roles: [{ roleid: e.roleid, name: '', shortname: ROLES[e.roleid] ?? 'student', sortorder: 0 }],
        enrolledcourses: enrolledCourses(ctx, user.id),
      },
    ];
  });
};

const getUsersCourses: SandboxFunction = (params, ctx) => {
  const userid = int(params.userid);
  userOrFail(ctx, userid);
  if (userid !== ctx.user.id && !ctx.user.siteadmin) {
    throw moodleException(
      'nopermissions',
      'Sorry, but you do not currently have permissions to do that (View user profiles).',
    );
  }
  const withCount = params.returnusercount !== false && params.returnusercount !== 0;
  return ctx.site.enrolments
    .filter((e) => e.userid === userid)
    .map((e) => ctx.site.courses.get(e.courseid))
    .filter((c) => c !== undefined)
    .sort((a, b) => b.id - a.id)
    .map((c) => ({
      id: c.id,
      shortname: c.shortname,
      fullname: c.fullname,
      displayname: c.fullname,
      ...(withCount
        ? { enrolledusercount: ctx.site.enrolments.filter((x) => x.courseid === c.id).length }
        : {}),
      idnumber: c.idnumber,
      visible: c.visible,
      summary: c.summary,
      summaryformat: c.summaryformat,
      format: c.format,
      courseimage: courseImage(ctx, c),
      showgrades: c.showgrades === 1,
      lang: c.lang,
      enablecompletion: c.enablecompletion === 1,
      completionhascriteria: c.enablecompletion === 1,
      completionusertracked: true,
      category: c.categoryid,
      progress: null,
      completed: ctx.site.completions.has(`${c.id}:${userid}`),
      startdate: c.startdate,
      enddate: c.enddate,
      marker: 0,
      lastaccess: null,
      isfavourite: false,
      hidden: false,
      overviewfiles: [],
      showactivitydates: true,
      showcompletionconditions: true,
      timemodified: c.timemodified,
    }));
};

/** The enrolment functions by name. */
export const ENROL_FUNCTIONS: Record<string, SandboxFunction> = {
  enrol_manual_enrol_users: enrolUsers,
  enrol_manual_unenrol_users: unenrolUsers,
  core_enrol_get_enrolled_users: getEnrolledUsers,
  core_enrol_get_users_courses: getUsersCourses,
};
