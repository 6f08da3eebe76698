/** core_user_*: create, read, update and delete users, preferences, profiles, private files, policy. */
import {
  bool,
  type CallContext,
  courseProfile,
  fullname,
  int,
  list,
  type Params,
  refuseGuest,
  requireAdmin,
  requireCapability,
  type SandboxFunction,
  str,
  userDetails,
  userOrFail,
} from '../context.js';
import {
  codingException,
  invalidParameter,
  missingRecord,
  moodleException,
  SandboxException,
} from '../exceptions.js';
import { now, type SiteUser } from '../site.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function liveUsers(ctx: CallContext): SiteUser[] {
  return [...ctx.site.users.values()];
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
    if (!ctx.site.authPlugins.has(str(u.auth || 'manual')))
      throw invalidParameter('Invalid authentication type');
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
      timezone: str(u.timezone || '99'),
      // Moodle leaves the description NULL unless one is given.
      description: u.description === undefined ? null : str(u.description),
      customfields: list<{ type: string; value: string }>(u.customfields),
      preferences: new Map(
        list<{ type: string; value: string }>(u.preferences).map((p) => [p.type, p.value]),
      ),
    });
    return { id: user.id, username: user.username };
  });
};

const CRITERIA = ['id', 'lastname', 'firstname', 'idnumber', 'username', 'email', 'auth'];

const getUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'View user profiles', 'moodle/user:viewdetails');
  const warnings: Params[] = [];
  const used = new Set<string>();
  let users = liveUsers(ctx);
  for (const criterion of list(params.criteria)) {
    const key = str(criterion.key);
    const value = str(criterion.value);
    if (used.has(key))
      throw moodleException('keyalreadyset', 'error/keyalreadyset', `The key ${key} can only be sent once`);
    used.add(key);
    if (!CRITERIA.includes(key)) {
      warnings.push({
        item: key,
        warningcode: 'invalidfieldparameter',
        message: `The search key '${key}' is not supported, look at the web service documentation`,
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
  const read = FIELDS[str(params.field)];
  if (!read) throw codingException('invalid field parameter');
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
  'timezone',
  'address',
  'phone1',
  'phone2',
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
    const row = user as unknown as Record<string, unknown>;
    for (const key of UPDATABLE) if (u[key] !== undefined) row[key] = str(u[key]);
    if (u.suspended !== undefined) user.suspended = bool(u.suspended);
    for (const p of list<{ type: string; value: string }>(u.preferences))
      user.preferences.set(p.type, p.value);
    for (const f of list<{ type: string; value: string }>(u.customfields)) {
      user.customfields = [...user.customfields.filter((c) => c.type !== f.type), f];
    }
    user.timemodified = now();
  }
  return { warnings };
};

const deleteUsers: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Delete users', 'moodle/user:delete');
  const ids = list<unknown>(params.userids).map(int);
  for (const id of ids) {
    const user = userOrFail(ctx, id);
    if (user.siteadmin) throw moodleException('useradminodelete', 'Administrator accounts cannot be deleted');
    if (id === 1) throw moodleException('guestnodeleteuser', 'The guest account cannot be deleted');
  }
  for (const id of ids) {
    ctx.site.users.delete(id);
    ctx.site.enrolments = ctx.site.enrolments.filter((e) => e.userid !== id);
    for (const group of ctx.site.groups.values()) group.members.delete(id);
    for (const cohort of ctx.site.cohorts.values()) cohort.members.delete(id);
  }
  return null;
};

/** The user a `userid` parameter names (0: the caller), refusing the guest and another user's data to a non-admin. */
function subject(ctx: CallContext, userid: number): SiteUser {
  const id = userid || ctx.user.id;
  refuseGuest(id);
  const user = ctx.site.users.get(id);
  if (!user) throw new SandboxException('dml_missing_record_exception', 'invaliduser', 'Invalid user');
  if (id !== ctx.user.id) requireCapability(ctx, 'moodle/user:update');
  return user;
}

const getUserPreferences: SandboxFunction = (params, ctx) => {
  const user = subject(ctx, int(params.userid));
  const name = str(params.name);
  const preferences = [...user.preferences]
    .filter(([key]) => name === '' || key === name)
    .map(([key, value]) => ({ name: key, value }));
  return { preferences, warnings: [] };
};

const setUserPreferences: SandboxFunction = (params, ctx) => {
  const saved: Params[] = [];
  const warnings: Params[] = [];
  for (const p of list(params.preferences)) {
    const userid = int(p.userid) || ctx.user.id;
    try {
      const user = subject(ctx, userid);
      if (p.value === null || p.value === undefined) user.preferences.delete(str(p.name));
      else user.preferences.set(str(p.name), str(p.value));
      saved.push({ name: str(p.name), userid });
    } catch (error) {
      if (!(error instanceof SandboxException)) throw error;
      warnings.push({ item: 'user', itemid: userid, warningcode: error.errorcode, message: error.message });
    }
  }
  return { saved, warnings };
};

const updateUserPreferences: SandboxFunction = (params, ctx) => {
  const user = subject(ctx, int(params.userid));
  for (const p of list(params.preferences)) {
    if (p.value === null || p.value === undefined) user.preferences.delete(str(p.type));
    else user.preferences.set(str(p.type), str(p.value));
  }
  if (params.emailstop !== undefined && params.emailstop !== null)
    user.preferences.set('emailstop', bool(params.emailstop) ? '1' : '0');
  return null;
};

const getCourseUserProfiles: SandboxFunction = (params, ctx) =>
  list(params.userlist).flatMap((entry) => {
    const user = ctx.site.users.get(int(entry.userid));
    const course = ctx.site.courses.get(int(entry.courseid));
    if (!user || !course || !ctx.site.isEnrolled(user.id, course.id)) return [];
    if (!ctx.user.siteadmin && user.id !== ctx.user.id && !ctx.site.isEnrolled(ctx.user.id, course.id))
      return [];
    return [courseProfile(ctx, course, user)];
  });

const viewUserProfile: SandboxFunction = (params, ctx) => {
  const userid = int(params.userid) || ctx.user.id;
  if (!ctx.site.users.has(userid)) throw missingRecord('user');
  return { status: true, warnings: [] };
};

const getPrivateFilesInfo: SandboxFunction = (params, ctx) => {
  const user = subject(ctx, int(params.userid));
  const files = ctx.site.files.filter(
    (f) => f.contextid === ctx.site.userContextId(user.id) && f.filearea === 'private',
  );
  const filesize = files.reduce((sum, f) => sum + f.content.length, 0);
  return {
    filecount: files.length,
    foldercount: 0,
    filesize,
    filesizewithoutreferences: filesize,
    warnings: [],
  };
};

const searchIdentity: SandboxFunction = (params, ctx) => {
  requireCapability(ctx, 'moodle/user:viewdetails');
  const query = str(params.query).toLowerCase();
  const found = liveUsers(ctx).filter((u) =>
    `${fullname(u)} ${u.email} ${u.username}`.toLowerCase().includes(query),
  );
  return {
    list: found.slice(0, 100).map((u) => ({
      id: u.id,
      fullname: fullname(u),
      extrafields: [{ name: 'email', value: u.email }],
    })),
    maxusersperpage: 100,
  };
};

const agreeSitePolicy: SandboxFunction = (_params, ctx) => {
  refuseGuest(ctx.user.id);
  if (ctx.user.policyagreed) {
    return {
      status: false,
      warnings: [
        { item: 'user', itemid: ctx.user.id, warningcode: 'alreadyagreed', message: 'Policy already agreed' },
      ],
    };
  }
  ctx.user.policyagreed = 1;
  return { status: true, warnings: [] };
};

/** The user functions by name. */
export const USER_FUNCTIONS: Record<string, SandboxFunction> = {
  core_user_create_users: createUsers,
  core_user_get_users: getUsers,
  core_user_get_users_by_field: getUsersByField,
  core_user_update_users: updateUsers,
  core_user_delete_users: deleteUsers,
  core_user_get_user_preferences: getUserPreferences,
  core_user_set_user_preferences: setUserPreferences,
  core_user_update_user_preferences: updateUserPreferences,
  core_user_get_course_user_profiles: getCourseUserProfiles,
  core_user_view_user_profile: viewUserProfile,
  core_user_get_private_files_info: getPrivateFilesInfo,
  core_user_search_identity: searchIdentity,
  core_user_agree_site_policy: agreeSitePolicy,
};
