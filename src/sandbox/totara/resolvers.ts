/**
 * Query and type resolvers of the sandbox Totara over the in-memory site. They work with the real 17.3 external
 * schema and with the built-in one (same type and field names); fields the site has no data for resolve to null or
 * empty lists, and what the service account may not see (other users' email unless they show it) is null, the key
 * present, as on a real site.
 */
import type { GraphQLFieldResolver } from 'graphql';
import type { SandboxJobAssignment, SandboxSite, SandboxUser } from './data.js';
import { mutationResolvers } from './mutations.js';
import { paginateRows } from './pages.js';

type Args = Record<string, unknown>;

function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, '').trim();
}

/** Applies Totara's `format` argument to strings and dates (a date in TIMESTAMP format is a string of seconds). */
export function formatValue(value: unknown, format: unknown): unknown {
  if (value === null || value === undefined || typeof format !== 'string') return value;
  if (typeof value === 'string') return format === 'PLAIN' ? stripTags(value) : value;
  if (typeof value === 'number') {
    if (format === 'TIMESTAMP') return String(value);
    const iso = new Date(value * 1000).toISOString();
    if (format === 'ISO8601') return iso.replace(/\.\d{3}Z$/, '+0000');
    if (format.startsWith('DATE')) return iso.slice(0, 10);
    return iso.replace('T', ' ').slice(0, 19);
  }
  return value;
}

/** Root resolvers (`Query` and `Mutation` fields) over `site`. */
export function rootResolvers(site: SandboxSite): Record<string, GraphQLFieldResolver<unknown, unknown>> {
  return {
    placeholder_query: () => null,
    totara_webapi_status: () => ({ status: 'ok', timestamp: Math.floor(Date.now() / 1000) }),
    core_user_users: (_, args) =>
      paginateRows(
        [...site.users.values()].filter((u) => !u.deleted),
        (args.query as Args | undefined) ?? {},
        ['id', 'firstname', 'lastname', 'username', 'timemodified'],
      ),
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
    ...mutationResolvers(site),
  };
}

/** Fields computed from other rows, by type name. Everything else is read from the row itself. */
export function typeResolvers(site: SandboxSite): Record<string, Record<string, (source: never) => unknown>> {
  const profile = (u: SandboxUser) =>
    `/user/profile.php${u.id === site.serviceAccountId ? '' : `?id=${u.id}`}`;
  return {
    core_user: {
      fullname: (u: SandboxUser) => `${u.firstname} ${u.lastname}`,
      email: (u: SandboxUser) => (u.maildisplay === 1 || u.id === site.serviceAccountId ? u.email : null),
      country: (u: SandboxUser) => u.country || null,
      firstaccess: (u: SandboxUser) => u.firstaccess || null,
      lastaccess: (u: SandboxUser) => u.lastaccess || null,
      url: () => '',
      skype: () => '',
      address: () => '',
      phone1: () => '',
      phone2: () => '',
      theme: () => '',
      profileimagealt: (u: SandboxUser) => `${u.firstname} ${u.lastname}`,
      job_assignments: (u: SandboxUser) => [...site.jobAssignments.values()].filter((j) => j.userid === u.id),
      custom_fields: () => [],
      card_display: (u: SandboxUser) => ({
        profile_picture_url: null,
        profile_picture_alt: `${u.firstname} ${u.lastname}`,
        profile_url: profile(u),
        display_fields: [
          {
            value: `${u.firstname} ${u.lastname}`,
            associate_url: profile(u),
            label: 'Full name',
            is_custom: false,
          },
          { value: u.department || null, associate_url: null, label: 'Department', is_custom: false },
        ],
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
      fullname: (j: SandboxJobAssignment) => j.fullname || null,
      shortname: (j: SandboxJobAssignment) => j.shortname || null,
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
