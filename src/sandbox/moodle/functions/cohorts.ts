/** core_cohort_*: create, read, update, delete and search cohorts, add and remove members. */
import {
  bool,
  type CallContext,
  int,
  list,
  type Params,
  requireAdmin,
  type SandboxFunction,
  str,
} from '../context.js';
import { invalidParameter, missingRecord } from '../exceptions.js';
import { now, type SiteCohort, type SiteUser } from '../site.js';

function cohortRecord(cohort: SiteCohort): Params {
  return {
    id: cohort.id,
    name: cohort.name,
    idnumber: cohort.idnumber,
    description: cohort.description,
    descriptionformat: cohort.descriptionformat,
    visible: cohort.visible,
    theme: cohort.theme,
  };
}

function cohortOrFail(ctx: CallContext, id: number): SiteCohort {
  const cohort = ctx.site.cohorts.get(id);
  if (!cohort) throw missingRecord('cohort');
  return cohort;
}

/** The context a cohort belongs to, from its `categorytype` (system, or a category by id or idnumber). */
function cohortContext(ctx: CallContext, categorytype: Params): number {
  const type = str(categorytype.type);
  const value = str(categorytype.value);
  if (type === 'system') return 1;
  if (type !== 'id' && type !== 'idnumber')
    throw invalidParameter('category type must be id, idnumber or system');
  const category = [...ctx.site.categories.values()].find((c) =>
    type === 'id' ? String(c.id) === value : c.idnumber === value,
  );
  if (!category) throw missingRecord('course_categories');
  return ctx.site.categoryContextId(category.id);
}

function idnumberTaken(ctx: CallContext, idnumber: string, except = 0): boolean {
  return (
    idnumber !== '' && [...ctx.site.cohorts.values()].some((c) => c.id !== except && c.idnumber === idnumber)
  );
}

const createCohorts: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Add and maintain cohorts', 'moodle/cohort:manage');
  const cohorts = list(params.cohorts);
  const contexts = cohorts.map((c) => {
    if (idnumberTaken(ctx, str(c.idnumber)))
      throw invalidParameter(`record already exists: idnumber=${str(c.idnumber)}`);
    return cohortContext(ctx, c.categorytype as Params);
  });
  return cohorts.map((c, i) => {
    const id = ctx.site.nextId('cohort');
    const cohort: SiteCohort = {
      id,
      contextid: contexts[i] ?? 1,
      name: str(c.name),
      idnumber: str(c.idnumber),
      description: str(c.description),
      descriptionformat: int(c.descriptionformat ?? 1),
      visible: c.visible === undefined ? true : bool(c.visible),
      theme: str(c.theme),
      component: '',
      timecreated: now(),
      timemodified: now(),
      members: new Set<number>(),
    };
    ctx.site.cohorts.set(id, cohort);
    return cohortRecord(cohort);
  });
};

const updateCohorts: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Add and maintain cohorts', 'moodle/cohort:manage');
  for (const c of list(params.cohorts)) {
    const cohort = cohortOrFail(ctx, int(c.id));
    if (idnumberTaken(ctx, str(c.idnumber), cohort.id))
      throw invalidParameter(`record already exists: idnumber=${str(c.idnumber)}`);
    cohort.contextid = cohortContext(ctx, c.categorytype as Params);
    cohort.name = str(c.name);
    cohort.idnumber = str(c.idnumber);
    if (c.description !== undefined) cohort.description = str(c.description);
    if (c.descriptionformat !== undefined) cohort.descriptionformat = int(c.descriptionformat);
    if (c.visible !== undefined) cohort.visible = bool(c.visible);
    if (c.theme !== undefined) cohort.theme = str(c.theme);
    cohort.timemodified = now();
  }
  return null;
};

const deleteCohorts: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Add and maintain cohorts', 'moodle/cohort:manage');
  const ids = list<unknown>(params.cohortids).map(int);
  for (const id of ids) cohortOrFail(ctx, id);
  for (const id of ids) ctx.site.cohorts.delete(id);
  return null;
};

const getCohorts: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'View site-wide cohorts', 'moodle/cohort:view');
  const ids = list<unknown>(params.cohortids).map(int);
  // Moodle reads the ids with get_records_list: an id no cohort has is left out, not refused.
  const cohorts = ids.length
    ? ids.flatMap((id) => {
        const cohort = ctx.site.cohorts.get(id);
        return cohort ? [cohort] : [];
      })
    : [...ctx.site.cohorts.values()];
  return cohorts.map(cohortRecord);
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
    if (!cohort)
      warnings.push({ warningcode: '1', message: `invalid parameter: cohortvalue=${str(cohortType.value)}` });
    else if (!user)
      warnings.push({ warningcode: '1', message: `invalid parameter: uservalue=${str(userType.value)}` });
    else cohort.members.add(user.id);
  }
  return { warnings };
};

const deleteCohortMembers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Assign cohort members', 'moodle/cohort:assign');
  for (const m of list(params.members)) {
    const cohort = cohortOrFail(ctx, int(m.cohortid));
    if (!ctx.site.users.has(int(m.userid))) throw missingRecord('user');
    cohort.members.delete(int(m.userid));
  }
  return null;
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
    const cohort = cohortOrFail(ctx, int(value));
    return { cohortid: cohort.id, userids: [...cohort.members] };
  });
};

/** The cohort functions by name. */
export const COHORT_FUNCTIONS: Record<string, SandboxFunction> = {
  core_cohort_create_cohorts: createCohorts,
  core_cohort_update_cohorts: updateCohorts,
  core_cohort_delete_cohorts: deleteCohorts,
  core_cohort_get_cohorts: getCohorts,
  core_cohort_add_cohort_members: addCohortMembers,
  core_cohort_delete_cohort_members: deleteCohortMembers,
  core_cohort_search_cohorts: searchCohorts,
  core_cohort_get_cohort_members: getCohortMembers,
};
