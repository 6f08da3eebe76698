/**
 * Mutation resolvers of the sandbox Totara, refusing what Totara 17.3 refuses with its words: duplicates
 * ("Username already exists: x"), an upper-case username, a create_user without `password` or `generate_password`
 * (required although the schema says optional), the default password policy, a service account suspending or
 * deleting itself, and a reference matching no single record, said the same way whether it is missing, deleted or
 * out of reach. A deleted user disappears: its idnumber is blanked and its username changed.
 */
import type { GraphQLFieldResolver } from 'graphql';
import { newUser, type SandboxJobAssignment, type SandboxSite, type SandboxUser } from './data.js';
import { SandboxResolverError } from './resolver-error.js';

type Args = Record<string, unknown>;
type Ref = Record<string, unknown> | null | undefined;

const CODING_ERROR = 'Coding error detected, it must be fixed by a programmer: ';
const NO_SINGLE_USER =
  'There was a problem finding a single user record match or you do not have sufficient capabilities.';
const NO_SINGLE_JOB =
  'There was a problem finding a single job assignment record match or you do not have permission to manage it.';

/** Moodle's default password policy, its messages in its order. */
export function passwordPolicyProblems(password: string): string[] {
  const out: string[] = [];
  if (password.length < 8) out.push('Passwords must be at least 8 characters long.');
  if (!/\d/.test(password)) out.push('Passwords must have at least 1 digit(s).');
  if (!/[a-z]/.test(password)) out.push('Passwords must have at least 1 lower case letter(s).');
  if (!/[A-Z]/.test(password)) out.push('Passwords must have at least 1 upper case letter(s).');
  if (!/[^A-Za-z0-9]/.test(password))
    out.push('Passwords must have at least 1 non-alphanumeric character(s) such as as *, -, or #.');
  return out;
}

const given = (value: unknown) => value !== undefined && value !== null;

function findUser(site: SandboxSite, ref: Ref): SandboxUser {
  const keys = ['id', 'username', 'idnumber', 'email'].filter((k) => given(ref?.[k]));
  const matches = keys.length
    ? [...site.users.values()].filter(
        (u) => !u.deleted && keys.every((k) => String((u as unknown as Args)[k]) === String(ref?.[k])),
      )
    : [];
  if (matches.length !== 1) throw new SandboxResolverError(NO_SINGLE_USER);
  return matches[0] as SandboxUser;
}

function findJob(site: SandboxSite, ref: Ref): SandboxJobAssignment {
  const user = given(ref?.user) ? findUser(site, ref?.user as Ref) : undefined;
  const matches = [...site.jobAssignments.values()].filter(
    (j) =>
      (!given(ref?.id) || String(j.id) === String(ref?.id)) &&
      (!given(ref?.idnumber) || j.idnumber === ref?.idnumber) &&
      (!user || j.userid === user.id),
  );
  if (!(given(ref?.id) || given(ref?.idnumber)) || matches.length !== 1)
    throw new SandboxResolverError(NO_SINGLE_JOB);
  return matches[0] as SandboxJobAssignment;
}

function hierarchyId(
  map: Map<number, { id: number; idnumber: string }>,
  ref: Ref,
  what: string,
): number | null {
  if (!ref) return null;
  const found = [...map.values()].find(
    (item) =>
      (!given(ref.id) || String(item.id) === String(ref.id)) &&
      (!given(ref.idnumber) || item.idnumber === ref.idnumber),
  );
  if (!found) throw new SandboxResolverError(`There was a problem finding a single ${what} record match.`);
  return found.id;
}

/** Refuses a username, idnumber or email another (live) user already has. */
function assertUnique(site: SandboxSite, input: Args, self?: SandboxUser): void {
  const others = [...site.users.values()].filter((u) => !u.deleted && u !== self);
  if (typeof input.username === 'string') {
    if (input.username !== input.username.toLowerCase())
      throw new SandboxResolverError('The username must be in lower case');
    if (others.some((u) => u.username === input.username))
      throw new SandboxResolverError(`Username already exists: ${input.username}`);
  }
  if (
    typeof input.idnumber === 'string' &&
    input.idnumber !== '' &&
    others.some((u) => u.idnumber === input.idnumber)
  )
    throw new SandboxResolverError(`Idnumber already exists: ${input.idnumber}`);
  if (typeof input.email === 'string' && input.email !== '' && others.some((u) => u.email === input.email))
    throw new SandboxResolverError(`Email address already exists: ${input.email}`);
}

const USER_TEXT = [
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

/** The `Mutation` resolvers over `site`. */
export function mutationResolvers(site: SandboxSite): Record<string, GraphQLFieldResolver<unknown, unknown>> {
  const notSelf = (user: SandboxUser, action: 'suspend' | 'delete') => {
    if (user.id === site.serviceAccountId)
      throw new SandboxResolverError(
        `A service account user is not allowed to ${action} itself when making a request.`,
      );
  };
  return {
    placeholder_mutation: () => null,
    core_user_create_user: (_, args) => {
      const input = args.input as Args;
      assertUnique(site, input);
      if (!given(input.password) && input.generate_password !== true)
        throw new SandboxResolverError(`${CODING_ERROR}Required parameter - password not being passed`);
      if (typeof input.password === 'string') {
        const problems = passwordPolicyProblems(input.password);
        if (problems.length) throw new SandboxResolverError(problems.join(' '));
      }
      const id = site.nextId.user++;
      const fields: Partial<SandboxUser> & { username: string } = { username: String(input.username) };
      for (const key of USER_TEXT) if (typeof input[key] === 'string') fields[key] = input[key] as string;
      const user = newUser(id, { ...fields, suspended: input.suspended === true });
      site.users.set(id, user);
      return { user };
    },
    core_user_update_user: (_, args) => {
      const user = findUser(site, args.target_user as Ref);
      const input = args.input as Args;
      if (input.suspended === true) notSelf(user, 'suspend');
      assertUnique(site, input, user);
      for (const key of USER_TEXT) if (typeof input[key] === 'string') user[key] = input[key] as string;
      if (typeof input.suspended === 'boolean') user.suspended = input.suspended;
      user.timemodified = Math.floor(Date.now() / 1000);
      return { user };
    },
    core_user_delete_user: (_, args) => {
      const user = findUser(site, args.target_user as Ref);
      notSelf(user, 'delete');
      user.deleted = true;
      user.idnumber = '';
      user.username = `${user.email || user.username}.${Math.floor(Date.now() / 1000)}`;
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
          'Tried to create job assignment idnumber which is not unique for this user',
        );
      const id = site.nextId.job++;
      const job: SandboxJobAssignment = {
        id,
        userid: user.id,
        idnumber: String(input.idnumber),
        fullname: typeof input.fullname === 'string' ? input.fullname : '',
        shortname: typeof input.shortname === 'string' ? input.shortname : '',
        startdate: given(input.start_date) ? Number(input.start_date) : null,
        enddate: given(input.end_date) ? Number(input.end_date) : null,
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
      if ('start_date' in input) job.startdate = given(input.start_date) ? Number(input.start_date) : null;
      if ('end_date' in input) job.enddate = given(input.end_date) ? Number(input.end_date) : null;
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
