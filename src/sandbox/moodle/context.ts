/**
 * What a sandbox function receives: the cleaned parameters, the site, the calling user, and helpers shared by
 * the function files (user details, capability checks, URLs).
 */
import { missingRecord, noPermission, requireLogin } from './exceptions.js';
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

/** Refuses a non-admin with Moodle's required_capability_exception. */
export function requireAdmin(ctx: CallContext, capabilityName: string, capability: string): void {
  if (!ctx.user.siteadmin) throw noPermission(capabilityName, capability);
}

/** A course, or Moodle's missing-record error. */
export function courseOrFail(ctx: CallContext, id: number): SiteCourse {
  const course = ctx.site.courses.get(id);
  if (!course) throw missingRecord('course');
  return course;
}

/** A course the user may enter (admin, or enrolled), or Moodle's require_login error. */
export function enterCourse(ctx: CallContext, id: number): SiteCourse {
  const course = courseOrFail(ctx, id);
  if (id !== 1 && !ctx.user.siteadmin && !ctx.site.isEnrolled(ctx.user.id, id))
    throw requireLogin('Not enrolled');
  return course;
}

/** A user, or Moodle's missing-record error. */
export function userOrFail(ctx: CallContext, id: number): SiteUser {
  const user = ctx.site.users.get(id);
  if (!user) throw missingRecord('user');
  return user;
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

/** A user as core_user_get_users and core_user_get_users_by_field describe one. */
export function userDetails(ctx: CallContext, user: SiteUser): Params {
  return {
    id: user.id,
    username: user.username,
    firstname: user.firstname,
    lastname: user.lastname,
    fullname: fullname(user),
    email: user.email,
    department: user.department,
    institution: user.institution,
    idnumber: user.idnumber,
    firstaccess: user.firstaccess,
    lastaccess: user.lastaccess,
    auth: user.auth,
    suspended: user.suspended,
    confirmed: user.confirmed,
    lang: user.lang,
    theme: '',
    timezone: user.timezone,
    mailformat: user.mailformat,
    description: user.description,
    descriptionformat: 1,
    ...(user.city ? { city: user.city } : {}),
    ...(user.country ? { country: user.country } : {}),
    ...pictureUrls(ctx),
    ...(user.customfields.length
      ? { customfields: user.customfields.map((f) => ({ ...f, name: f.type, shortname: f.type })) }
      : {}),
    ...(user.preferences.length ? { preferences: user.preferences } : {}),
  };
}

/** The category name of a course. */
export function categoryName(ctx: CallContext, course: SiteCourse): string {
  return ctx.site.categories.get(course.categoryid)?.name ?? '';
}

/** The standard course image URL the site generates for courses without one. */
export function courseImage(ctx: CallContext, course: SiteCourse): string {
  return `${ctx.wwwroot}/pluginfile.php/${ctx.site.courseContextId(course.id)}/course/generated/course.svg`;
}
