/**
 * The sandbox Totara's in-memory site: users with statuses, courses, organisations, positions and job
 * assignments, generated deterministically from a seed.
 */

/** A user row (field names follow Totara's `core_user`). */
export interface SandboxUser {
  id: number;
  username: string;
  /** Moodle's `maildisplay`: 1 shows the email to everyone, 2 (the default for new users) hides it. */
  maildisplay: number;
  password?: string | undefined;
  idnumber: string;
  firstname: string;
  lastname: string;
  email: string;
  city: string;
  country: string;
  department: string;
  institution: string;
  lang: string;
  timezone: string;
  suspended: boolean;
  deleted: boolean;
  firstaccess: number;
  lastaccess: number;
  timemodified: number;
}

/** A course row. */
export interface SandboxCourse {
  id: number;
  idnumber: string;
  fullname: string;
  shortname: string;
  summary: string;
  categoryid: number;
  startdate: number;
  enddate: number;
  timecreated: number;
  format: string;
}

/** An organisation or a position. */
export interface SandboxHierarchyItem {
  id: number;
  fullname: string;
  shortname: string;
  idnumber: string;
  frameworkid: number;
  parentid: number | null;
  path: string;
  visible: boolean;
}

/** A job assignment row. */
export interface SandboxJobAssignment {
  id: number;
  userid: number;
  idnumber: string;
  fullname: string;
  shortname: string;
  startdate: number | null;
  enddate: number | null;
  positionid: number | null;
  organisationid: number | null;
  managerjaid: number | null;
  appraiserid: number | null;
}

/** The whole site. Ids grow from `nextId`. */
export interface SandboxSite {
  users: Map<number, SandboxUser>;
  courses: SandboxCourse[];
  organisations: Map<number, SandboxHierarchyItem>;
  positions: Map<number, SandboxHierarchyItem>;
  jobAssignments: Map<number, SandboxJobAssignment>;
  /** The API client's service account (it may not delete or suspend itself, and sees its own email). */
  serviceAccountId: number;
  nextId: { user: number; job: number };
}

/** How big the generated site is. */
export interface SiteSize {
  users: number;
  courses: number;
  seed: number;
  /** Username of the API client's service account. Default `api_service`. */
  serviceUsername?: string | undefined;
}

const FIRST = [
  'Aroha',
  'Ben',
  'Chen',
  'Dana',
  'Eli',
  'Fatima',
  'Grace',
  'Hemi',
  'Ivan',
  'Jade',
  'Kiri',
  'Liam',
];
const LAST = ['Ngata', 'Smith', 'Wong', 'Patel', 'Brown', 'Kaur', 'Walker', 'Tane', 'Lee', 'Martin', 'Silva'];
const CITIES = ['Wellington', 'Auckland', 'Brighton', 'Melbourne', 'Toronto', 'Dublin'];
const COUNTRIES = ['NZ', 'NZ', 'GB', 'AU', 'CA', 'IE'];
const DEPARTMENTS = ['Sales', 'Support', 'Engineering', 'People', 'Finance'];

function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function hierarchy(prefix: string, names: string[], frameworkid: number): Map<number, SandboxHierarchyItem> {
  const out = new Map<number, SandboxHierarchyItem>();
  names.forEach((name, i) => {
    const id = i + 1;
    const parentid = i === 0 ? null : 1;
    out.set(id, {
      id,
      fullname: name,
      shortname: name.toLowerCase().replace(/\W+/g, '_'),
      idnumber: `${prefix}${id}`,
      frameworkid,
      parentid,
      path: parentid ? `/1/${id}` : `/${id}`,
      visible: true,
    });
  });
  return out;
}

/** A user as Totara creates one: empty strings for unset text, email hidden from others (maildisplay 2). */
export function newUser(id: number, fields: Partial<SandboxUser> & { username: string }): SandboxUser {
  return {
    id,
    maildisplay: 2,
    idnumber: '',
    firstname: '',
    lastname: '',
    email: '',
    city: '',
    country: '',
    department: '',
    institution: '',
    lang: 'en',
    timezone: 'Europe/London',
    suspended: false,
    deleted: false,
    firstaccess: 0,
    lastaccess: 0,
    timemodified: Math.floor(Date.now() / 1000),
    ...fields,
  };
}

/**
 * Generates a site shaped like a fresh Totara: the guest user (id 1), the site admin (id 2, email shown), the API
 * client's service account (id 3), then the generated users: about 1 in 12 suspended, 1 in 40 deleted, most active
 * ones holding a job assignment. Generated users show their email (maildisplay 1, so that HR Import can compare
 * it); a user created through the API hides it (maildisplay 2, Totara's default), as the guest does.
 */
export function generateSite(size: SiteSize): SandboxSite {
  const rnd = random(size.seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const base = 1_672_531_200; // 2023-01-01T00:00:00Z
  const users = new Map<number, SandboxUser>();
  users.set(1, newUser(1, { username: 'guest', firstname: 'Guest user', lastname: ' ', timemodified: base }));
  users.set(
    2,
    newUser(2, {
      username: 'admin',
      firstname: 'Admin',
      lastname: 'User',
      email: 'admin@example.invalid',
      maildisplay: 1,
      firstaccess: base,
      lastaccess: base,
      timemodified: base,
    }),
  );
  const service = newUser(3, {
    username: size.serviceUsername ?? 'api_service',
    idnumber: 'SVC1',
    firstname: 'API',
    lastname: 'Service',
    email: 'api_service@example.invalid',
    city: 'Wellington',
    country: 'NZ',
    department: 'IT',
    institution: 'Sandbox',
    timezone: 'Pacific/Auckland',
    firstaccess: base,
    lastaccess: base,
    timemodified: base,
  });
  users.set(service.id, service);
  for (let i = 0; i < size.users; i++) {
    const id = i + 4;
    const firstname = pick(FIRST);
    const lastname = pick(LAST);
    const city = Math.floor(rnd() * CITIES.length);
    users.set(id, {
      id,
      maildisplay: 1,
      username: `user${id}`,
      idnumber: `EMP${String(id).padStart(6, '0')}`,
      firstname,
      lastname,
      email: `user${id}@example.invalid`,
      city: CITIES[city] as string,
      country: COUNTRIES[city] as string,
      department: pick(DEPARTMENTS),
      institution: 'Sandbox Ltd',
      lang: 'en',
      timezone: 'Pacific/Auckland',
      suspended: rnd() < 1 / 12,
      deleted: rnd() < 1 / 40,
      firstaccess: base + Math.floor(rnd() * 86_400 * 300),
      lastaccess: base + Math.floor(rnd() * 86_400 * 365),
      timemodified: base + i,
    });
  }
  const organisations = hierarchy('ORG', ['Sandbox Ltd', 'North', 'South', 'Head office'], 1);
  const positions = hierarchy('POS', ['Chief executive', 'Manager', 'Engineer', 'Advisor', 'Analyst'], 1);
  const jobAssignments = new Map<number, SandboxJobAssignment>();
  let jobId = 1;
  let lastManagerJob: number | null = null;
  for (const user of users.values()) {
    if (user.deleted || user.id <= service.id || rnd() < 0.15) continue;
    const id = jobId++;
    jobAssignments.set(id, {
      id,
      userid: user.id,
      idnumber: `JA${id}`,
      fullname: `${pick(DEPARTMENTS)} role`,
      shortname: `ja${id}`,
      startdate: user.firstaccess,
      enddate: null,
      positionid: 1 + Math.floor(rnd() * positions.size),
      organisationid: 1 + Math.floor(rnd() * organisations.size),
      managerjaid: id % 10 === 1 ? null : lastManagerJob,
      appraiserid: null,
    });
    if (id % 10 === 1) lastManagerJob = id;
  }
  const courses: SandboxCourse[] = [];
  for (let i = 0; i < size.courses; i++) {
    const id = i + 2;
    courses.push({
      id,
      idnumber: `C${id}`,
      fullname: `Course ${id}: ${pick(['Safety', 'Onboarding', 'Leadership', 'Compliance', 'Product'])}`,
      shortname: `C${id}`,
      summary: `<p>Course ${id} of the sandbox.</p>`,
      categoryid: 1,
      startdate: base + i * 86_400,
      enddate: base + (i + 90) * 86_400,
      timecreated: base,
      format: 'topics',
    });
  }
  return {
    users,
    courses,
    organisations,
    positions,
    jobAssignments,
    serviceAccountId: service.id,
    nextId: { user: size.users + 4, job: jobId },
  };
}
