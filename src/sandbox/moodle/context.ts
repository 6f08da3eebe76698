/**
 * What a sandbox function receives (the cleaned parameters, the site, the calling user) and the checks and
 * records the function files share: capabilities, course contexts, user details as user_get_user_details gives
 * them, URLs.
 */
import {
  missingRecord,
  moodleException,
  noPermission,
  requireLogin,
  SandboxException,
} from './exceptions.js';
import type { SandboxSite, SiteCourse, SiteUser } from './site.js';

/** The call being served. */
export interface CallContext {
  site: SandboxSite;
  user: SiteUser;
  /** The site's wwwroot as clients see it (sub-path included). */
  wwwroot: string;
  /** The service of the token. */
  service: string;
  /** Functions the token's service contains. */
  serviceFunctions: readonly string[];
  /** Runs another function as the same user (for tool_mobile_call_external_functions). */
  callInner(
    fn: string,
    params: unknown,
  ): { ok: true; data: unknown } | { ok: false; error: Record<string, string> };
}

/** Cleaned parameters: Moodle's validate_parameters output. */
export type Params = Record<string, unknown>;

/** A sandbox implementation of one web service function. */
export type SandboxFunction = (params: Params, ctx: CallContext) => unknown;

/** Reads a cleaned value as an integer. */
export function int(value: unknown): number {
  return typeof value === 'number' ? Math.trunc(value) : Number.parseInt(String(value ?? 0), 10) || 0;
}

/** Reads a cleaned value as a string. */
export function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** Reads a cleaned value as a boolean. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/** Reads a cleaned list. */
export function list<T = Params>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object') return Object.values(value) as T[];
  return [];
}

/** The names Moodle shows for the capabilities the sandbox checks (its required_capability_exception text). */
const CAPABILITY_NAMES: Record<string, string> = {
  'moodle/course:view': 'View courses without participation',
  'moodle/course:create': 'Create courses',
  'moodle/course:update': 'Update course settings',
  'moodle/course:delete': 'Delete courses',
  'moodle/category:manage': 'Manage course categories',
  'moodle/course:managegroups': 'Manage groups',
  'moodle/course:viewparticipants': 'View participants',
  'moodle/user:create': 'Create users',
  'moodle/user:update': 'Update user profiles',
  'moodle/user:delete': 'Delete users',
  'moodle/user:viewdetails': 'View user profiles',
  'moodle/cohort:manage': 'Add and maintain cohorts',
  'moodle/cohort:assign': 'Assign cohort members',
  'moodle/cohort:view': 'View site-wide cohorts',
  'enrol/manual:enrol': 'Enrol users',
  'enrol/manual:unenrol': 'Unenrol users from the course',
  'moodle/grade:viewall': 'View grades of other users',
  'moodle/grade:edit': 'Edit grades',
  'report/completion:view': 'View course completion report',
  'moodle/calendar:manageentries': 'Manage entries in calendar',
  'moodle/site:config': 'Change site configuration',
};

/** What a teacher (editing or not) may do in a course they teach; students hold none of these. */
const TEACHER_CAPABILITIES = new Set([
  'moodle/course:managegroups',
  'moodle/course:viewparticipants',
  'moodle/grade:viewall',
  'moodle/grade:edit',
  'report/completion:view',
  'moodle/calendar:manageentries',
  'moodle/user:viewdetails',
]);

/** Whether the caller holds a capability (in a course, when given): admins hold all, teachers some. */
export function can(ctx: CallContext, capability: string, courseid?: number): boolean {
  if (ctx.user.siteadmin) return true;
  if (courseid === undefined) return false;
  const role = ctx.site.roleIn(ctx.user.id, courseid);
  return (role === 3 || role === 4) && TEACHER_CAPABILITIES.has(capability);
}

/** require_capability: Moodle's required_capability_exception when the caller lacks it. */
export function requireCapability(ctx: CallContext, capability: string, courseid?: number): void {
  if (!can(ctx, capability, courseid))
    throw noPermission(CAPABILITY_NAMES[capability] ?? capability, capability);
}

/** Refuses a non-admin with Moodle's required_capability_exception. */
export function requireAdmin(ctx: CallContext, capabilityName: string, capability: string): void {
  if (!ctx.user.siteadmin) throw noPermission(capabilityName, capability);
}

/** A course (get_course), or Moodle's missing-record error. */
export function courseOrFail(ctx: CallContext, id: number): SiteCourse {
  const course = ctx.site.courses.get(id);
  if (!course) throw missingRecord('course');
  return course;
}

/** A course the user may enter (require_login: admin, or enrolled), or Moodle's require_login error. */
export function enterCourse(ctx: CallContext, id: number): SiteCourse {
  const course = courseOrFail(ctx, id);
  if (id !== 1 && !ctx.user.siteadmin && !ctx.site.isEnrolled(ctx.user.id, id))
    throw requireLogin('Not enrolled');
  return course;
}

/**
 * A course whose context the call may run in, or the `errorcoursecontextnotvalid` that functions wrapping
 * validate_context throw (for a course that does not exist: "Invalid parameter value detected").
 */
export function courseContext(ctx: CallContext, id: number): SiteCourse {
  try {
    const course = ctx.site.courses.get(id);
    if (!course) throw new SandboxException('x', 'x', 'Invalid parameter value detected');
    return enterCourse(ctx, id);
  } catch (error) {
    if (!(error instanceof SandboxException)) throw error;
    throw moodleException(
      'errorcoursecontextnotvalid',
      `You cannot execute functions in the course context (course id:${id}). The context error message was: ${error.message}`,
    );
  }
}

/** A user, or Moodle's missing-record error. */
export function userOrFail(ctx: CallContext, id: number): SiteUser {
  const user = ctx.site.users.get(id);
  if (!user) throw missingRecord('user');
  return user;
}

/** The guest user may not have private data: Moodle's `guestsarenotallowed`. */
export function refuseGuest(userid: number): void {
  if (userid === 1) throw moodleException('guestsarenotallowed', 'The guest user is not allowed to do this');
}

/** The full name as Moodle formats it by default. */
export function fullname(user: SiteUser): string {
  return `${user.firstname} ${user.lastname}`.trim();
}

/** Profile picture URLs (the default image; the sandbox stores no pictures). */
export function pictureUrls(ctx: CallContext): { profileimageurlsmall: string; profileimageurl: string } {
  return {
    profileimageurlsmall: `${ctx.wwwroot}/theme/image.php/boost/core/1/u/f2`,
    profileimageurl: `${ctx.wwwroot}/theme/image.php/boost/core/1/u/f1`,
  };
}

/**
 * A user as user_get_user_details describes one to the caller: empty optional fields (city, country, idnumber,
 * institution, customfields) left out, a NULL description left out, preferences only for oneself.
 */
export function userDetails(ctx: CallContext, user: SiteUser, course?: SiteCourse): Params {
  const self = user.id === ctx.user.id;
  const viewall = self || ctx.user.siteadmin;
  const out: Params = {
    id: user.id,
    ...(viewall ? { username: user.username } : {}),
    firstname: user.firstname,
    lastname: user.lastname,
    fullname: fullname(user),
  };
  if (user.customfields.length)
    out.customfields = user.customfields.map((f) => ({
      type: 'text',
      value: f.value,
      name: f.type,
      shortname: f.type,
    }));
  Object.assign(out, pictureUrls(ctx));
  if (ctx.user.siteadmin && user.address) out.address = user.address;
  if (ctx.user.siteadmin && user.phone1) out.phone1 = user.phone1;
  if (ctx.user.siteadmin && user.phone2) out.phone2 = user.phone2;
  if (user.description !== null) {
    out.description = user.description;
    out.descriptionformat = user.descriptionformat;
  }
  if (user.country) out.country = user.country;
  if (user.city) out.city = user.city;
  out.suspended = user.suspended;
  out.firstaccess = user.firstaccess;
  out.lastaccess = user.lastaccess;
  if (viewall || user.maildisplay === 1) out.email = user.email;
  if (viewall && user.idnumber) out.idnumber = user.idnumber;
  if (viewall && user.institution) out.institution = user.institution;
  if (viewall) out.department = user.department;
  if (course) {
    const role = ctx.site.roleIn(user.id, course.id);
    if (role)
      out.roles = [{ roleid: role, name: '', shortname: ROLE_NAMES[role] ?? 'student', sortorder: 0 }];
  }
  if (self) out.preferences = [...user.preferences].map(([name, value]) => ({ name, value }));
  if (viewall) {
    Object.assign(out, {
      auth: user.auth,
      confirmed: user.confirmed,
      lang: user.lang,
      theme: user.theme,
      timezone: user.timezone,
      mailformat: user.mailformat,
      trackforums: user.trackforums,
    });
  }
  return out;
}

const ROLE_NAMES: Record<number, string> = { 3: 'editingteacher', 4: 'teacher', 5: 'student' };

/** The category name of a course. */
export function categoryName(ctx: CallContext, course: SiteCourse): string {
  return ctx.site.categories.get(course.categoryid)?.name ?? '';
}

/** The standard course image URL the site generates for courses without one. */
export function courseImage(ctx: CallContext, course: SiteCourse): string {
  return `${ctx.wwwroot}/pluginfile.php/${ctx.site.courseContextId(course.id)}/course/generated/course.svg`;
}

/** The courses a user is enrolled in, newest first (enrol_get_users_courses). */
export function usersCourses(ctx: CallContext, userid: number): SiteCourse[] {
  return ctx.site.enrolments
    .filter((e) => e.userid === userid)
    .map((e) => ctx.site.courses.get(e.courseid))
    .filter((c) => c !== undefined)
    .sort((a, b) => b.id - a.id);
}

/**
 * A user as seen in a course (get_enrolled_users, get_course_user_profiles): the details, the course's groups the
 * user is in, the last access to the course, and the user's other courses.
 */
export function courseProfile(ctx: CallContext, course: SiteCourse, user: SiteUser): Params {
  const groups = [...ctx.site.groups.values()].filter(
    (g) => g.courseid === course.id && g.members.has(user.id),
  );
  return {
    ...userDetails(ctx, user, course),
    lastcourseaccess: ctx.site.courseAccess.get(`${user.id}:${course.id}`) ?? 0,
    ...(groups.length ? { groups } : {}),
    enrolledcourses: usersCourses(ctx, user.id)
      .filter((c) => c.id !== 1)
      .map((c) => ({ id: c.id, fullname: c.fullname, shortname: c.shortname })),
  };
}

/** A course as course_summary_exporter gives it (recent and timeline lists, calendar events). */
export function courseSummary(ctx: CallContext, course: SiteCourse, userid: number): Params {
  const done = ctx.site.completions.has(`${course.id}:${userid}`);
  return {
    id: course.id,
    fullname: course.fullname,
    shortname: course.shortname,
    idnumber: course.idnumber,
    summary: course.summary,
    summaryformat: course.summaryformat,
    startdate: course.startdate,
    enddate: course.enddate,
    visible: course.visible === 1,
    showactivitydates: course.showactivitydates,
    showcompletionconditions: course.showcompletionconditions ?? false,
    pdfexportfont: '',
    fullnamedisplay: course.fullname,
    viewurl: `${ctx.wwwroot}/course/view.php?id=${course.id}`,
    courseimage: courseImage(ctx, course),
    ...(course.enablecompletion ? { progress: done ? 100 : 0 } : {}),
    hasprogress: course.enablecompletion === 1,
    isfavourite: ctx.site.favourites.has(`${userid}:${course.id}`),
    hidden: false,
    timeaccess: ctx.site.courseAccess.get(`${userid}:${course.id}`) ?? null,
    showshortname: false,
    coursecategory: categoryName(ctx, course),
  };
}
