/** enrol_manual_*, enrol_self_*, enrol_guest_* and core_enrol_*: enrolments, enrolled users, methods, search. */
import {
  bool,
  type CallContext,
  can,
  courseImage,
  courseOrFail,
  courseProfile,
  enterCourse,
  fullname,
  int,
  list,
  requireAdmin,
  requireCapability,
  type SandboxFunction,
  str,
  userDetails,
  userOrFail,
  usersCourses,
} from '../context.js';
import { invalidParameter, missingRecord, moodleException } from '../exceptions.js';
import { ROLES, type SiteEnrolInstance, type SiteUser } from '../site.js';

const enrolUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Enrol users', 'enrol/manual:enrol');
  const enrolments = list(params.enrolments);
  for (const e of enrolments) {
    courseOrFail(ctx, int(e.courseid));
    userOrFail(ctx, int(e.userid));
    if (!ctx.site.enrolInstance(int(e.courseid), 'manual'))
      throw moodleException(
        'wsnoinstance',
        `Manual enrolment plugin instance doesn't exist or is disabled for the course (id = ${int(e.courseid)})`,
      );
    if (!ROLES[int(e.roleid)] || int(e.roleid) === 6) {
      throw moodleException(
        'wsusercannotassign',
        `You don't have the permission to assign this role (${int(e.roleid)}) to this user (${int(e.userid)}) in this course(${int(e.courseid)}).`,
      );
    }
  }
  for (const e of enrolments) {
    const row = ctx.site.enrol(int(e.userid), int(e.courseid), int(e.roleid));
    row.timestart = int(e.timestart);
    row.timeend = int(e.timeend);
    row.suspended = bool(e.suspend);
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
  for (const e of enrolments) ctx.site.unenrol(int(e.userid), int(e.courseid));
  return null;
};

const unenrolUserEnrolment: SandboxFunction = (params, ctx) => {
  const row = ctx.site.enrolments.find((e) => e.id === int(params.ueid));
  if (!row) throw missingRecord('user_enrolments');
  if (!can(ctx, 'enrol/manual:unenrol', row.courseid))
    return {
      result: false,
      errors: [{ key: 'invalidrequest', message: 'You do not have the permission to unenrol this user.' }],
    };
  ctx.site.unenrol(row.userid, row.courseid);
  return { result: true, errors: [] };
};

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
  if (options.onlysuspended && bool(options.onlysuspended)) rows = rows.filter((e) => e.suspended);
  if (options.groupid)
    rows = rows.filter((e) => ctx.site.groups.get(int(options.groupid))?.members.has(e.userid));
  const from = int(options.limitfrom);
  const count = int(options.limitnumber);
  rows = count > 0 ? rows.slice(from, from + count) : rows.slice(from);
  return rows.flatMap((e) => {
    const user = ctx.site.users.get(e.userid);
    return user ? [courseProfile(ctx, course, user)] : [];
  });
};

const getEnrolledUsersWithCapability: SandboxFunction = (params, ctx) =>
  list(params.coursecapabilities).flatMap((entry) => {
    const course = enterCourse(ctx, int(entry.courseid));
    return list<unknown>(entry.capabilities).map((capability) => ({
      courseid: course.id,
      capability: str(capability),
      users: ctx.site.enrolments
        .filter((e) => e.courseid === course.id && (e.roleid === 3 || str(capability).startsWith('mod/')))
        .flatMap((e) => {
          const user = ctx.site.users.get(e.userid);
          return user ? [courseProfile(ctx, course, user)] : [];
        }),
    }));
  });

function search(
  users: SiteUser[],
  text: string,
  anywhere: boolean,
  page: number,
  perpage: number,
): SiteUser[] {
  const query = text.toLowerCase();
  const found = users.filter((u) =>
    [u.firstname, u.lastname, fullname(u), u.email, u.username].some((field) =>
      anywhere ? field.toLowerCase().includes(query) : field.toLowerCase().startsWith(query),
    ),
  );
  return perpage > 0 ? found.slice(page * perpage, page * perpage + perpage) : found;
}

const searchUsers: SandboxFunction = (params, ctx) => {
  const course = courseOrFail(ctx, int(params.courseid));
  requireCapability(ctx, 'moodle/course:viewparticipants', course.id);
  const enrolled = ctx.site.enrolments
    .filter((e) => e.courseid === course.id)
    .map((e) => ctx.site.users.get(e.userid))
    .filter((u) => u !== undefined);
  return search(
    enrolled,
    str(params.search),
    bool(params.searchanywhere),
    int(params.page),
    int(params.perpage),
  ).map((u) => userDetails(ctx, u));
};

const getPotentialUsers: SandboxFunction = (params, ctx) => {
  const course = courseOrFail(ctx, int(params.courseid));
  enterCourse(ctx, course.id);
  requireCapability(ctx, 'enrol/manual:enrol', course.id);
  const others = [...ctx.site.users.values()].filter(
    (u) => u.id !== 1 && !ctx.site.isEnrolled(u.id, course.id),
  );
  return search(
    others,
    str(params.search),
    bool(params.searchanywhere),
    int(params.page),
    int(params.perpage),
  ).map((u) => userDetails(ctx, u));
};

const NAMES: Record<SiteEnrolInstance['enrol'], string> = {
  manual: 'Manual enrolments',
  self: 'Self enrolment (Student)',
  guest: 'Guest access',
};

function instanceOrFail(ctx: CallContext, id: number): SiteEnrolInstance {
  const instance = ctx.site.enrolInstances.get(id);
  if (!instance) throw missingRecord('enrol');
  return instance;
}

const getCourseEnrolmentMethods: SandboxFunction = (params, ctx) => {
  const course = courseOrFail(ctx, int(params.courseid));
  return [...ctx.site.enrolInstances.values()]
    .filter((i) => i.courseid === course.id && i.status === 0)
    .map((i) => ({
      id: i.id,
      courseid: i.courseid,
      type: i.enrol,
      name: i.name ?? NAMES[i.enrol],
      status: 'true',
      ...(i.enrol === 'manual' ? {} : { wsfunction: `enrol_${i.enrol}_get_instance_info` }),
    }));
};

const selfInstanceInfo: SandboxFunction = (params, ctx) => {
  const instance = instanceOrFail(ctx, int(params.instanceid));
  return {
    id: instance.id,
    courseid: instance.courseid,
    type: instance.enrol,
    name: instance.name ?? NAMES[instance.enrol],
    status: instance.status === 0 ? 'true' : 'Enrolment is disabled or inactive',
    ...(instance.password ? { enrolpassword: instance.password } : {}),
  };
};

const guestInstanceInfo: SandboxFunction = (params, ctx) => {
  const instance = instanceOrFail(ctx, int(params.instanceid));
  return {
    instanceinfo: {
      id: instance.id,
      courseid: instance.courseid,
      type: instance.enrol,
      name: instance.name ?? NAMES[instance.enrol],
      status: instance.status === 0,
      passwordrequired: instance.password !== '',
    },
    warnings: [],
  };
};

const selfEnrolUser: SandboxFunction = (params, ctx) => {
  const course = courseOrFail(ctx, int(params.courseid));
  const instance =
    int(params.instanceid) > 0
      ? instanceOrFail(ctx, int(params.instanceid))
      : ctx.site.enrolInstance(course.id, 'self');
  if (instance?.enrol !== 'self' || instance.courseid !== course.id)
    throw moodleException('canntenrol', 'Enrolment is disabled or inactive');
  if (instance.status !== 0) {
    return {
      status: false,
      warnings: [
        {
          item: 'instance',
          itemid: instance.id,
          warningcode: '1',
          message: 'Enrolment is disabled or inactive',
        },
      ],
    };
  }
  if (instance.password && str(params.password) !== instance.password) {
    return {
      status: false,
      warnings: [
        {
          item: 'instance',
          itemid: instance.id,
          warningcode: '4',
          message: 'Incorrect enrolment key, please try again',
        },
      ],
    };
  }
  ctx.site.enrol(ctx.user.id, course.id, instance.roleid, 'self');
  return { status: true, warnings: [] };
};

const getUsersCourses: SandboxFunction = (params, ctx) => {
  const userid = int(params.userid);
  if (userid !== ctx.user.id && !ctx.user.siteadmin) {
    throw moodleException(
      'nopermissions',
      'Sorry, but you do not currently have permissions to do that (View user profiles).',
    );
  }
  const withCount = params.returnusercount !== false;
  return usersCourses(ctx, userid).map((c) => {
    const enabled = c.enablecompletion === 1;
    return {
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
      enablecompletion: enabled,
      completionhascriteria: enabled && c.sections.some((s) => s.modules.some((m) => m.completion > 0)),
      completionusertracked: enabled,
      category: c.categoryid,
      progress: null,
      completed: enabled ? ctx.site.completions.has(`${c.id}:${userid}`) : null,
      startdate: c.startdate,
      enddate: c.enddate,
      marker: c.marker,
      lastaccess: ctx.site.courseAccess.get(`${userid}:${c.id}`) ?? null,
      isfavourite: ctx.site.favourites.has(`${userid}:${c.id}`),
      hidden: false,
      overviewfiles: [],
      showactivitydates: c.showactivitydates,
      showcompletionconditions: c.showcompletionconditions ?? false,
      timemodified: c.timemodified,
    };
  });
};

/** The enrolment functions by name. */
export const ENROL_FUNCTIONS: Record<string, SandboxFunction> = {
  enrol_manual_enrol_users: enrolUsers,
  enrol_manual_unenrol_users: unenrolUsers,
  core_enrol_unenrol_user_enrolment: unenrolUserEnrolment,
  core_enrol_get_enrolled_users: getEnrolledUsers,
  core_enrol_get_enrolled_users_with_capability: getEnrolledUsersWithCapability,
  core_enrol_get_users_courses: getUsersCourses,
  core_enrol_get_course_enrolment_methods: getCourseEnrolmentMethods,
  core_enrol_search_users: searchUsers,
  core_enrol_get_potential_users: getPotentialUsers,
  enrol_self_get_instance_info: selfInstanceInfo,
  enrol_self_enrol_user: selfEnrolUser,
  enrol_guest_get_instance_info: guestInstanceInfo,
};
