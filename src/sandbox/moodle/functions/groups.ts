/** core_group_*: groups and groupings of a course, their members, and the groups an activity allows. */
import {
  bool,
  type CallContext,
  courseContext,
  int,
  list,
  type Params,
  requireCapability,
  type SandboxFunction,
  str,
} from '../context.js';
import { invalidParameter, missingRecord, SandboxException } from '../exceptions.js';
import { addGroup } from '../seed.js';
import { now, type SiteGroup, type SiteGrouping } from '../site.js';

function groupRecord(group: SiteGroup): Params {
  const { members: _members, timecreated: _c, timemodified: _m, ...record } = group;
  return record;
}

function groupOrFail(ctx: CallContext, id: number): SiteGroup {
  const group = ctx.site.groups.get(id);
  if (!group) throw missingRecord('groups');
  return group;
}

function groupingOrFail(ctx: CallContext, id: number): SiteGrouping {
  const grouping = ctx.site.groupings.get(id);
  if (!grouping) throw missingRecord('groupings');
  return grouping;
}

function manage(ctx: CallContext, courseid: number): void {
  courseContext(ctx, courseid);
  requireCapability(ctx, 'moodle/course:managegroups', courseid);
}

const createGroups: SandboxFunction = (params, ctx) => {
  const groups = list(params.groups);
  for (const g of groups) {
    manage(ctx, int(g.courseid));
    const clash = [...ctx.site.groups.values()].some(
      (x) => x.courseid === int(g.courseid) && x.name === str(g.name),
    );
    if (clash) throw invalidParameter('Group with the same name already exists in the course');
    if (
      str(g.idnumber) &&
      [...ctx.site.groups.values()].some(
        (x) => x.courseid === int(g.courseid) && x.idnumber === str(g.idnumber),
      )
    )
      throw invalidParameter('Group with the same idnumber already exists in the course');
  }
  return groups.map((g) => {
    const group = addGroup(ctx.site, int(g.courseid), str(g.name));
    group.description = str(g.description);
    group.descriptionformat = int(g.descriptionformat ?? 1);
    // Moodle stores no enrolment key unless one is given (the column stays NULL).
    group.enrolmentkey = g.enrolmentkey === undefined ? null : str(g.enrolmentkey);
    group.idnumber = str(g.idnumber);
    group.visibility = int(g.visibility);
    group.participation = g.participation === undefined ? true : bool(g.participation);
    return groupRecord(group);
  });
};

const updateGroups: SandboxFunction = (params, ctx) => {
  for (const g of list(params.groups)) {
    const group = groupOrFail(ctx, int(g.id));
    manage(ctx, group.courseid);
    if (
      str(g.name) !== group.name &&
      [...ctx.site.groups.values()].some((x) => x.courseid === group.courseid && x.name === str(g.name))
    )
      throw invalidParameter('A different group with the same name already exists in the course');
    group.name = str(g.name);
    if (g.description !== undefined) group.description = str(g.description);
    if (g.descriptionformat !== undefined) group.descriptionformat = int(g.descriptionformat);
    if (g.enrolmentkey !== undefined) group.enrolmentkey = str(g.enrolmentkey);
    if (g.idnumber !== undefined) group.idnumber = str(g.idnumber);
    if (g.visibility !== undefined) group.visibility = int(g.visibility);
    if (g.participation !== undefined) group.participation = bool(g.participation);
    group.timemodified = now();
  }
  return null;
};

const deleteGroups: SandboxFunction = (params, ctx) => {
  for (const id of list<unknown>(params.groupids).map(int)) {
    const group = ctx.site.groups.get(id);
    // Moodle silently ignores a group that does not exist.
    if (!group) continue;
    manage(ctx, group.courseid);
    ctx.site.groups.delete(id);
    for (const grouping of ctx.site.groupings.values()) grouping.groups.delete(id);
  }
  return null;
};

const getGroups: SandboxFunction = (params, ctx) =>
  list<unknown>(params.groupids).map((id) => {
    const group = groupOrFail(ctx, int(id));
    courseContext(ctx, group.courseid);
    return groupRecord(group);
  });

const getCourseGroups: SandboxFunction = (params, ctx) => {
  const course = courseContext(ctx, int(params.courseid));
  return [...ctx.site.groups.values()].filter((g) => g.courseid === course.id).map(groupRecord);
};

function members(ctx: CallContext, entries: Params[], add: boolean): null {
  for (const m of entries) {
    const group = groupOrFail(ctx, int(m.groupid));
    manage(ctx, group.courseid);
    if (!ctx.site.users.has(int(m.userid))) throw missingRecord('user');
    if (add && !ctx.site.isEnrolled(int(m.userid), group.courseid))
      throw invalidParameter('Only enrolled users may be members of groups');
  }
  for (const m of entries) {
    const group = ctx.site.groups.get(int(m.groupid));
    if (add) group?.members.add(int(m.userid));
    else group?.members.delete(int(m.userid));
  }
  return null;
}

const getGroupMembers: SandboxFunction = (params, ctx) =>
  list<unknown>(params.groupids).map((id) => {
    const group = groupOrFail(ctx, int(id));
    courseContext(ctx, group.courseid);
    return { groupid: group.id, userids: [...group.members].sort((a, b) => a - b) };
  });

const getCourseUserGroups: SandboxFunction = (params, ctx) => {
  const userid = int(params.userid) || ctx.user.id;
  const courseid = int(params.courseid);
  const groupingid = int(params.groupingid);
  const warnings: Params[] = [];
  if (userid !== ctx.user.id && !ctx.user.siteadmin) {
    return {
      groups: [],
      warnings: [
        {
          item: 'user',
          itemid: userid,
          warningcode: 'nopermissions',
          message: 'Sorry, but you do not currently have permissions to do that.',
        },
      ],
    };
  }
  const grouping = groupingid ? ctx.site.groupings.get(groupingid) : undefined;
  const groups = [...ctx.site.groups.values()].filter(
    (g) =>
      g.members.has(userid) &&
      (courseid === 0 || g.courseid === courseid) &&
      (!groupingid || grouping?.groups.has(g.id)),
  );
  return {
    groups: groups.map(groupRecord),
    warnings,
  };
};

function groupingRecord(ctx: CallContext, grouping: SiteGrouping, withGroups: boolean): Params {
  const { groups, timecreated: _c, timemodified: _m, ...record } = grouping;
  if (!withGroups) return record;
  return {
    ...record,
    groups: [...groups].flatMap((id) => {
      const group = ctx.site.groups.get(id);
      return group ? [groupRecord(group)] : [];
    }),
  };
}

const createGroupings: SandboxFunction = (params, ctx) => {
  const groupings = list(params.groupings);
  for (const g of groupings) {
    manage(ctx, int(g.courseid));
    if (
      [...ctx.site.groupings.values()].some((x) => x.courseid === int(g.courseid) && x.name === str(g.name))
    )
      throw invalidParameter('Grouping with the same name already exists in the course');
  }
  return groupings.map((g) => {
    const id = ctx.site.nextId('grouping');
    const grouping: SiteGrouping = {
      id,
      courseid: int(g.courseid),
      name: str(g.name),
      idnumber: str(g.idnumber),
      description: str(g.description),
      descriptionformat: int(g.descriptionformat ?? 1),
      timecreated: now(),
      timemodified: now(),
      groups: new Set(),
    };
    ctx.site.groupings.set(id, grouping);
    return groupingRecord(ctx, grouping, false);
  });
};

const updateGroupings: SandboxFunction = (params, ctx) => {
  for (const g of list(params.groupings)) {
    const grouping = groupingOrFail(ctx, int(g.id));
    manage(ctx, grouping.courseid);
    grouping.name = str(g.name);
    grouping.description = str(g.description);
    if (g.descriptionformat !== undefined) grouping.descriptionformat = int(g.descriptionformat);
    if (g.idnumber !== undefined) grouping.idnumber = str(g.idnumber);
    grouping.timemodified = now();
  }
  return null;
};

const getGroupings: SandboxFunction = (params, ctx) =>
  list<unknown>(params.groupingids).map((id) => {
    const grouping = groupingOrFail(ctx, int(id));
    courseContext(ctx, grouping.courseid);
    return groupingRecord(ctx, grouping, bool(params.returngroups));
  });

const getCourseGroupings: SandboxFunction = (params, ctx) => {
  const course = courseContext(ctx, int(params.courseid));
  return [...ctx.site.groupings.values()]
    .filter((g) => g.courseid === course.id)
    .map((g) => groupingRecord(ctx, g, false));
};

const deleteGroupings: SandboxFunction = (params, ctx) => {
  for (const id of list<unknown>(params.groupingids).map(int)) {
    const grouping = groupingOrFail(ctx, id);
    manage(ctx, grouping.courseid);
    ctx.site.groupings.delete(id);
  }
  return null;
};

function assignments(ctx: CallContext, entries: Params[], assign: boolean): null {
  for (const a of entries) {
    const grouping = groupingOrFail(ctx, int(a.groupingid));
    const group = groupOrFail(ctx, int(a.groupid));
    manage(ctx, grouping.courseid);
    if (assign) grouping.groups.add(group.id);
    else grouping.groups.delete(group.id);
  }
  return null;
}

const getActivityAllowedGroups: SandboxFunction = (params, ctx) => {
  const found = ctx.site.moduleById(int(params.cmid));
  if (!found)
    throw new SandboxException(
      'dml_missing_record_exception',
      'invalidrecordunknown',
      "Can't find data record in database.",
    );
  const userid = int(params.userid) || ctx.user.id;
  courseContext(ctx, found.course.id);
  const all = ctx.user.siteadmin;
  const groups = [...ctx.site.groups.values()].filter(
    (g) => g.courseid === found.course.id && (all || g.members.has(userid)),
  );
  return {
    groups: groups.map(groupRecord),
    canaccessallgroups: all,
    warnings: [],
  };
};

/** The group and grouping functions by name. */
export const GROUP_FUNCTIONS: Record<string, SandboxFunction> = {
  core_group_create_groups: createGroups,
  core_group_update_groups: updateGroups,
  core_group_delete_groups: deleteGroups,
  core_group_get_groups: getGroups,
  core_group_get_course_groups: getCourseGroups,
  core_group_add_group_members: (params, ctx) => members(ctx, list(params.members), true),
  core_group_delete_group_members: (params, ctx) => members(ctx, list(params.members), false),
  core_group_get_group_members: getGroupMembers,
  core_group_get_course_user_groups: getCourseUserGroups,
  core_group_create_groupings: createGroupings,
  core_group_update_groupings: updateGroupings,
  core_group_get_groupings: getGroupings,
  core_group_get_course_groupings: getCourseGroupings,
  core_group_delete_groupings: deleteGroupings,
  core_group_assign_grouping: (params, ctx) => assignments(ctx, list(params.assignments), true),
  core_group_unassign_grouping: (params, ctx) => assignments(ctx, list(params.unassignments), false),
  core_group_get_activity_allowed_groups: getActivityAllowedGroups,
};
