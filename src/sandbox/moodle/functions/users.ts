/** core_user_*: create, get, get by field, update, delete. */
import {
  type CallContext,
  int,
  list,
  type Params,
  requireAdmin,
  type SandboxFunction,
  str,
  userDetails,
  userOrFail,
} from '../context.js';
import { invalidParameter, missingRecord, moodleException } from '../exceptions.js';
import type { SiteUser } from '../site.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function liveUsers(ctx: CallContext): SiteUser[] {
  return [...ctx.site.users.values()].filter((u) => u.id !== 1);
}

const createUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Create users', 'moodle/user:create');
  const users = list(params.users);
  const seen = new Set<string>();
  for (const u of users) {
    const username = str(u.username);
    if (ctx.site.userByName(username) || seen.has(username))
      throw invalidParameter(`Username already exists: ${username}`);
    seen.add(username);
    if (!EMAIL.test(str(u.email))) throw invalidParameter(`Email address is invalid: ${str(u.email)}`);
    if (!u.password && !u.createpassword)
      throw invalidParameter('Invalid password: you must provide a password, or set createpassword.');
  }
  return users.map((u) => {
    const user = ctx.site.addUser({
      username: str(u.username),
      password: str(u.password),
      firstname: str(u.firstname),
      lastname: str(u.lastname),
      email: str(u.email),
      auth: str(u.auth || 'manual'),
      idnumber: str(u.idnumber),
      department: str(u.department),
      institution: str(u.institution),
      city: str(u.city),
      country: str(u.country),
      lang: str(u.lang || 'en'),
      description: str(u.description),
      customfields: list<{ type: string; value: string }>(u.customfields),
      preferences: list<{ type: string; value: string }>(u.preferences).map((p) => ({
        name: p.type,
        value: p.value,
      })),
    });
    return { id: user.id, username: user.username };
  });
};

const CRITERIA = ['id', 'lastname', 'firstname', 'idnumber', 'username', 'email', 'auth'];

const getUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'View user profiles', 'moodle/user:viewdetails');
  const warnings: Params[] = [];
  let users = liveUsers(ctx);
  for (const criterion of list(params.criteria)) {
    const key = str(criterion.key);
    const value = str(criterion.value);
    if (!CRITERIA.includes(key)) {
      warnings.push({
        item: key,
        warningcode: 'invalidfieldparameter',
        message: "The search key '" + key + "' is not supported, look at the web service documentation",
      });
      continue;
    }
    const pattern = new RegExp(
      `^${value
        .split('%')
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      'i',
    );
    users = users.filter((u) =>
      key === 'id' ? u.id === int(value) : pattern.test(String(u[key as keyof SiteUser])),
    );
  }
  return { users: users.map((u) => userDetails(ctx, u)), warnings };
};

const FIELDS: Record<string, (u: SiteUser) => string> = {
  id: (u) => String(u.id),
  idnumber: (u) => u.idnumber,
  username: (u) => u.username,
  email: (u) => u.email,
};

const getUsersByField: SandboxFunction = (params, ctx) => {
  const field = str(params.field);
  const read = FIELDS[field];
  if (!read) throw invalidParameter('Field not recognized');
  const values = new Set(list<unknown>(params.values).map(str));
  return liveUsers(ctx)
    .filter((u) => values.has(read(u)) && (ctx.user.siteadmin || u.id === ctx.user.id))
    .map((u) => userDetails(ctx, u));
};

const UPDATABLE = [
  'username',
  'auth',
  'password',
  'firstname',
  'lastname',
  'email',
  'city',
  'country',
  'description',
  'idnumber',
  'institution',
  'department',
  'lang',
] as const;

const updateUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Update user profiles', 'moodle/user:update');
  const warnings: Params[] = [];
  for (const u of list(params.users)) {
    const user = ctx.site.users.get(int(u.id));
    if (!user || user.id === 1) {
      warnings.push({
        item: 'user',
        itemid: int(u.id),
        warningcode: 'invaliduserid',
        message: 'Invalid user ID',
      });
      continue;
    }
    if (
      u.username !== undefined &&
      ctx.site.userByName(str(u.username)) &&
      str(u.username) !== user.username
    ) {
      warnings.push({
        item: 'user',
        itemid: user.id,
        warningcode: 'usernameexists',
        message: 'Username already exists',
      });
      continue;
    }
    for (const key of UPDATABLE)
      if (u[key] !== undefined) (user as unknown as Record<string, unknown>)[key] = str(u[key]);
    if (u.suspended !== undefined)
      user.suspended = u.suspended === true || u.suspended === 1 || u.suspended === '1';
  }
  return { warnings };
};

const deleteUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Delete users', 'moodle/user:delete');
  const ids = list<unknown>(params.userids).map(int);
  for (const id of ids) {
    const user = userOrFail(ctx, id);
    if (user.siteadmin) throw moodleException('useradminodelete', 'Administrator accounts cannot be deleted');
    if (id === 1) throw missingRecord('user');
  }
  for (const id of ids) {
    ctx.site.users.delete(id);
    ctx.site.enrolments = ctx.site.enrolments.filter((e) => e.userid !== id);
    for (const group of ctx.site.groups.values()) group.members.delete(id);
    for (const cohort of ctx.site.cohorts.values()) cohort.members.delete(id);
  }
  return null;
};

/** The user functions by name. */
export const USER_FUNCTIONS: Record<string, SandboxFunction> = {
  core_user_create_users: createUsers,
  core_user_get_users: getUsers,
  core_user_get_users_by_field: getUsersByField,
  core_user_update_users: updateUsers,
  core_user_delete_users: deleteUsers,
};
