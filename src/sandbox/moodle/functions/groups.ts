/** core_group_* and core_cohort_*: create, add members, list and search. */
import {
  bool,
  courseOrFail,
  enterCourse,
  int,
  list,
  type Params,
  requireAdmin,
  type SandboxFunction,
  str,
} from '../context.js';
import { invalidParameter, missingRecord } from '../exceptions.js';
import type { SiteGroup, SiteUser } from '../site.js';

function groupRecord(group: SiteGroup): Params {
  return {
    id: group.id,
    courseid: group.courseid,
    name: group.name,
    description: group.description,
    descriptionformat: group.descriptionformat,
    enrolmentkey: group.enrolmentkey,
    idnumber: group.idnumber,
    visibility: group.visibility,
    participation: group.participation,
  };
}

const createGroups: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Manage groups', 'moodle/course:managegroups');
  const groups = list(params.groups);
  for (const g of groups) {
    courseOrFail(ctx, int(g.courseid));
    const clash = [...ctx.site.groups.values()].some(
      (x) => x.courseid === int(g.courseid) && x.name === str(g.name),
    );
    if (clash) throw invalidParameter('Group with the same name already exists in the course');
  }
  return groups.map((g) => {
    const id = ctx.site.nextId('group');
    const group: SiteGroup = {
      id,
      courseid: int(g.courseid),
      name: str(g.name),
      description: str(g.description),
      descriptionformat: int(g.descriptionformat ?? 1),
      enrolmentkey: str(g.enrolmentkey),
      idnumber: str(g.idnumber),
      visibility: int(g.visibility),
      participation: g.participation === undefined ? true : bool(g.participation),
      members: new Set(),
    };
    ctx.site.groups.set(id, group);
    return groupRecord(group);
  });
};

const addGroupMembers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Manage groups', 'moodle/course:managegroups');
  const members = list(params.members);
  for (const m of members) {
    const group = ctx.site.groups.get(int(m.groupid));
    if (!group) throw missingRecord('groups');
    if (!ctx.site.users.has(int(m.userid))) throw missingRecord('user');
    if (!ctx.site.isEnrolled(int(m.userid), group.courseid))
      throw invalidParameter('Only enrolled users may be members of groups');
  }
  for (const m of members) ctx.site.groups.get(int(m.groupid))?.members.add(int(m.userid));
  return null;
};

const getCourseGroups: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  return [...ctx.site.groups.values()].filter((g) => g.courseid === course.id).map(groupRecord);
};

function cohortRecord(cohort: {
  id: number;
  name: string;
  idnumber: string;
  description: string;
  descriptionformat: number;
  visible: boolean;
}): Params {
  return {
    id: cohort.id,
    name: cohort.name,
    idnumber: cohort.idnumber,
    description: cohort.description,
    descriptionformat: cohort.descriptionformat,
    visible: cohort.visible,
  };
}

const createCohorts: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Add and maintain cohorts', 'moodle/cohort:manage');
  const cohorts = list(params.cohorts);
  for (const c of cohorts) {
    const type = str((c.categorytype as Params).type);
    const value = str((c.categorytype as Params).value);
    if (!['id', 'idnumber', 'system'].includes(type))
      throw invalidParameter('category type must be id, idnumber or system');
    if (type === 'id' && !ctx.site.categories.has(int(value))) throw missingRecord('course_categories');
    if (str(c.idnumber) && [...ctx.site.cohorts.values()].some((x) => x.idnumber === str(c.idnumber))) {
      throw invalidParameter(`record already exists: idnumber=${str(c.idnumber)}`);
    }
  }
  return cohorts.map((c) => {
    const id = ctx.site.nextId('cohort');
    const cohort = {
      id,
      contextid: 1,
      name: str(c.name),
      idnumber: str(c.idnumber),
      description: str(c.description),
      descriptionformat: int(c.descriptionformat ?? 1),
      visible: c.visible === undefined ? true : bool(c.visible),
      members: new Set<number>(),
    };
    ctx.site.cohorts.set(id, cohort);
    return cohortRecord(cohort);
  });
};

const USER_LOOKUP: Record<string, (u: SiteUser, v: string) => boolean> = {
  id: (u, v) => String(u.id) === v,
  username: (u, v) => u.username === v,
  idnumber: (u, v) => u.idnumber === v,
  email: (u, v) => u.email === v,
};

const addCohortMembers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Assign cohort members', 'moodle/cohort:assign');
  const warnings: Params[] = [];
  for (const m of list(params.members)) {
    const cohortType = m.cohorttype as Params;
    const userType = m.usertype as Params;
    const cohort = [...ctx.site.cohorts.values()].find((c) =>
      str(cohortType.type) === 'id'
        ? String(c.id) === str(cohortType.value)
        : c.idnumber === str(cohortType.value),
    );
    const lookup = USER_LOOKUP[str(userType.type)];
    const user = lookup
      ? [...ctx.site.users.values()].find((u) => lookup(u, str(userType.value)))
      : undefined;
    if (!cohort) {
      warnings.push({ warningcode: '1', message: `invalid parameter: cohortvalue=${str(cohortType.value)}` });
    } else if (!user) {
      warnings.push({ warningcode: '1', message: `invalid parameter: uservalue=${str(userType.value)}` });
    } else {
      cohort.members.add(user.id);
    }
  }
  return { warnings };
};

const searchCohorts: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'View site-wide cohorts', 'moodle/cohort:view');
  const query = str(params.query).toLowerCase();
  const from = int(params.limitfrom);
  const count = int(params.limitnum ?? 25);
  const matching = [...ctx.site.cohorts.values()].filter((c) =>
    `${c.name} ${c.idnumber} ${c.description}`.toLowerCase().includes(query),
  );
  return { cohorts: matching.slice(from, count > 0 ? from + count : undefined).map(cohortRecord) };
};

const getCohortMembers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'View site-wide cohorts', 'moodle/cohort:view');
  return list<unknown>(params.cohortids).map((value) => {
    const cohort = ctx.site.cohorts.get(int(value));
    if (!cohort) throw missingRecord('cohort');
    return { cohortid: cohort.id, userids: [...cohort.members] };
  });
};

/** The group and cohort functions by name. */
export const GROUP_FUNCTIONS: Record<string, SandboxFunction> = {
  core_group_create_groups: createGroups,
  core_group_add_group_members: addGroupMembers,
  core_group_get_course_groups: getCourseGroups,
  core_cohort_create_cohorts: createCohorts,
  core_cohort_add_cohort_members: addCohortMembers,
  core_cohort_search_cohorts: searchCohorts,
  core_cohort_get_cohort_members: getCohortMembers,
};
