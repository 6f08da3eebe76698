/**
 * Resolvers of the sandbox Totara over the in-memory site. They work with the real 17.3 external schema and with
 * the built-in one (same type and field names); fields the site has no data for resolve to null or empty lists.
 */
import type { GraphQLFieldResolver } from 'graphql';
import type { SandboxJobAssignment, SandboxSite, SandboxUser } from './data.js';
import { paginateRows } from './pages.js';
import { SandboxResolverError } from './resolver-error.js';

type Args = Record<string, unknown>;
type Ref =
  | { id?: unknown; username?: unknown; idnumber?: unknown; email?: unknown; user?: unknown }
  | undefined;

function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, '').trim();
}

/** Applies Totara's `format` argument to strings and dates. */
export function formatValue(value: unknown, format: unknown): unknown {
  if (value === null || value === undefined || typeof format !== 'string') return value;
  if (typeof value === 'string') return format === 'PLAIN' ? stripTags(value) : value;
  if (typeof value === 'number') {
    if (format === 'TIMESTAMP') return value;
    const iso = new Date(value * 1000).toISOString();
    if (format === 'ISO8601') return iso.replace(/\.\d{3}Z$/, '+0000');
    if (format.startsWith('DATE')) return iso.slice(0, 10);
    return iso.replace('T', ' ').slice(0, 19);
  }
  return value;
}

function findUser(site: SandboxSite, ref: Ref): SandboxUser {
  if (!ref || Object.values(ref).every((v) => v === undefined || v === null)) {
    throw new SandboxResolverError('Invalid user reference: give id, username, idnumber or email.');
  }
  const matches = [...site.users.values()].filter(
    (u) =>
      !u.deleted &&
      (ref.id === undefined || ref.id === null || String(u.id) === String(ref.id)) &&
      (ref.username === undefined || ref.username === null || u.username === ref.username) &&
      (ref.idnumber === undefined || ref.idnumber === null || u.idnumber === ref.idnumber) &&
      (ref.email === undefined || ref.email === null || u.email === ref.email),
  );
  if (matches.length !== 1)
    throw new SandboxResolverError('The target user does not exist or could not be uniquely identified.');
  return matches[0] as SandboxUser;
}

function findJob(site: SandboxSite, ref: Ref): SandboxJobAssignment {
  if (!ref) throw new SandboxResolverError('Invalid job assignment reference.');
  const user = ref.user ? findUser(site, ref.user as Ref) : undefined;
  const match = [...site.jobAssignments.values()].find(
    (j) =>
      (ref.id === undefined || ref.id === null || String(j.id) === String(ref.id)) &&
      (ref.idnumber === undefined || ref.idnumber === null || j.idnumber === ref.idnumber) &&
      (!user || j.userid === user.id),
  );
  if (!match) throw new SandboxResolverError('The target job assignment does not exist.');
  return match;
}

function hierarchyId(
  map: Map<number, { id: number; idnumber: string }>,
  ref: Ref,
  what: string,
): number | null {
  if (!ref) return null;
  const found = [...map.values()].find(
    (item) =>
      (ref.id === undefined || ref.id === null || String(item.id) === String(ref.id)) &&
      (ref.idnumber === undefined || ref.idnumber === null || item.idnumber === ref.idnumber),
  );
  if (!found) throw new SandboxResolverError(`The ${what} does not exist.`);
  return found.id;
}

function toTimestamp(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number' || /^\d+$/.test(String(value))) return Number(value);
  const parsed = Date.parse(String(value));
  if (Number.isNaN(parsed)) throw new SandboxResolverError(`Invalid date: ${String(value)}`);
  return Math.floor(parsed / 1000);
}

const USER_FIELDS = [
  'username',
  'firstname',
  'lastname',
  'email',
  'idnumber',
  'city',
  'country',
  'department',
  'institution',
  'lang',
  'timezone',
] as const;

function userQuery(site: SandboxSite) {
  return (_: unknown, args: Args) =>
    paginateRows(
      [...site.users.values()].filter((u) => !u.deleted),
      (args.query as Args | undefined) ?? {},
      ['id', 'firstname', 'lastname', 'username', 'timemodified'],
    );
}

/** Root resolvers (`Query` and `Mutation` fields) over `site`. */
export function rootResolvers(site: SandboxSite): Record<string, GraphQLFieldResolver<unknown, unknown>> {
  const assertNotSelf = (user: SandboxUser, action: string) => {
    if (user.id === site.serviceAccountId)
      throw new SandboxResolverError(
        `Sorry, but you do not currently have permissions to do that (a service account cannot ${action} its own user account).`,
      );
  };
  return {
    placeholder_query: () => null,
    placeholder_mutation: () => null,
    totara_webapi_status: () => ({ status: 'ok', timestamp: Math.floor(Date.now() / 1000) }),
    core_user_users: userQuery(site),
    core_course_courses: (_, args) =>
      paginateRows(site.courses, (args.query as Args | undefined) ?? {}, [
        'id',
        'fullname',
        'shortname',
        'startdate',
      ]),
    totara_job_job_assignments: (_, args) =>
      paginateRows([...site.jobAssignments.values()], (args.query as Args | undefined) ?? {}, [
        'id',
        'idnumber',
        'userid',
      ]),
    message_popup_messages: () => [],
    message_popup_unread_count: () => 0,
    mod_resource_resource: () => null,
    mod_scorm_scorm: () => null,
    mod_scorm_current_status: () => null,
    core_user_create_user: (_, args) => {
      const input = args.input as Args;
      const taken = [...site.users.values()].some(
        (u) =>
          !u.deleted && (u.username === input.username || (input.idnumber && u.idnumber === input.idnumber)),
      );
      if (taken)
        throw new SandboxResolverError(
          `A user with username "${String(input.username)}" or that idnumber already exists.`,
        );
      if (!input.password && !input.generate_password)
        throw new SandboxResolverError('A password is required unless generate_password is true.');
      const id = site.nextId.user++;
      const now = Math.floor(Date.now() / 1000);
      const user: SandboxUser = {
        id,
        username: String(input.username).toLowerCase(),
        idnumber: String(input.idnumber ?? ''),
        firstname: String(input.firstname),
        lastname: String(input.lastname),
        email: String(input.email),
        city: String(input.city ?? ''),
        country: String(input.country ?? ''),
        department: String(input.department ?? ''),
        institution: String(input.institution ?? ''),
        lang: String(input.lang ?? 'en'),
        timezone: String(input.timezone ?? '99'),
        suspended: input.suspended === true,
        deleted: false,
        firstaccess: 0,
        lastaccess: 0,
        timemodified: now,
      };
      site.users.set(id, user);
      return { user };
    },
    core_user_update_user: (_, args) => {
      const user = findUser(site, args.target_user as Ref);
      const input = args.input as Args;
      if (input.suspended === true) assertNotSelf(user, 'suspend');
      for (const key of USER_FIELDS) if (typeof input[key] === 'string') user[key] = input[key] as string;
      if (typeof input.suspended === 'boolean') user.suspended = input.suspended;
      user.timemodified = Math.floor(Date.now() / 1000);
      return { user };
    },
    core_user_delete_user: (_, args) => {
      const user = findUser(site, args.target_user as Ref);
      assertNotSelf(user, 'delete');
      user.deleted = true;
      for (const job of [...site.jobAssignments.values()])
        if (job.userid === user.id) site.jobAssignments.delete(job.id);
      return { user_id: user.id };
    },
    totara_job_create_job_assignment: (_, args) => {
      const input = args.input as Args;
      const user = findUser(site, input.user as Ref);
      if (
        [...site.jobAssignments.values()].some((j) => j.userid === user.id && j.idnumber === input.idnumber)
      )
        throw new SandboxResolverError(
          `The user already has a job assignment with idnumber "${String(input.idnumber)}".`,
        );
      const id = site.nextId.job++;
      const job: SandboxJobAssignment = {
        id,
        userid: user.id,
        idnumber: String(input.idnumber),
        fullname: String(input.fullname ?? ''),
        shortname: String(input.shortname ?? ''),
        startdate: toTimestamp(input.start_date),
        enddate: toTimestamp(input.end_date),
        positionid: hierarchyId(site.positions, input.position as Ref, 'position'),
        organisationid: hierarchyId(site.organisations, input.organisation as Ref, 'organisation'),
        managerjaid: input.manager ? findJob(site, input.manager as Ref).id : null,
        appraiserid: input.appraiser ? findUser(site, input.appraiser as Ref).id : null,
      };
      site.jobAssignments.set(id, job);
      return { job_assignment: job };
    },
    totara_job_update_job_assignment: (_, args) => {
      const job = findJob(site, args.target_job as Ref);
      const input = args.input as Args;
      if (typeof input.idnumber === 'string') job.idnumber = input.idnumber;
      if (typeof input.fullname === 'string') job.fullname = input.fullname;
      if (typeof input.shortname === 'string') job.shortname = input.shortname;
      if ('start_date' in input) job.startdate = toTimestamp(input.start_date);
      if ('end_date' in input) job.enddate = toTimestamp(input.end_date);
      if ('position' in input)
        job.positionid = hierarchyId(site.positions, input.position as Ref, 'position');
      if ('organisation' in input)
        job.organisationid = hierarchyId(site.organisations, input.organisation as Ref, 'organisation');
      if ('manager' in input) job.managerjaid = input.manager ? findJob(site, input.manager as Ref).id : null;
      if ('appraiser' in input)
        job.appraiserid = input.appraiser ? findUser(site, input.appraiser as Ref).id : null;
      return { job_assignment: job };
    },
    totara_job_delete_job_assignment: (_, args) => {
      const job = findJob(site, args.target_job as Ref);
      site.jobAssignments.delete(job.id);
      return { job_assignment_id: job.id };
    },
  };
}

/** Fields computed from other rows, by type name. Everything else is read from the row itself. */
export function typeResolvers(site: SandboxSite): Record<string, Record<string, (source: never) => unknown>> {
  return {
    core_user: {
      fullname: (u: SandboxUser) => `${u.firstname} ${u.lastname}`,
      job_assignments: (u: SandboxUser) => [...site.jobAssignments.values()].filter((j) => j.userid === u.id),
      custom_fields: () => [],
      card_display: (u: SandboxUser) => ({
        display_fields: [],
        profile_url: null,
        profile_picture_url: null,
        user: u,
      }),
    },
    core_course: {
      showgrades: () => true,
      completionenabled: () => false,
      url: (c: { id: number }) => `/course/view.php?id=${c.id}`,
      sections: () => [],
      criteria: () => [],
    },
    totara_job_job_assignment: {
      user: (j: SandboxJobAssignment) => site.users.get(j.userid),
      position: (j: SandboxJobAssignment) => (j.positionid ? site.positions.get(j.positionid) : null),
      organisation: (j: SandboxJobAssignment) =>
        j.organisationid ? site.organisations.get(j.organisationid) : null,
      managerja: (j: SandboxJobAssignment) => (j.managerjaid ? site.jobAssignments.get(j.managerjaid) : null),
      tempmanagerja: () => null,
      appraiser: (j: SandboxJobAssignment) => (j.appraiserid ? site.users.get(j.appraiserid) : null),
      staffcount: (j: SandboxJobAssignment) =>
        [...site.jobAssignments.values()].filter((o) => o.managerjaid === j.id).length,
      tempstaffcount: () => 0,
    },
    totara_hierarchy_organisation: {
      parent: (o: { parentid: number | null }) => (o.parentid ? site.organisations.get(o.parentid) : null),
      children: (o: { id: number }) => [...site.organisations.values()].filter((c) => c.parentid === o.id),
    },
    totara_hierarchy_position: {
      parent: (p: { parentid: number | null }) => (p.parentid ? site.positions.get(p.parentid) : null),
      children: (p: { id: number }) => [...site.positions.values()].filter((c) => c.parentid === p.id),
    },
  };
}
