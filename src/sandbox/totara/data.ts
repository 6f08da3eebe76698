/**
 * The sandbox Totara's in-memory site: users with statuses, courses, organisations, positions and job
 * assignments, generated deterministically from a seed.
 */

/** A user row (field names follow Totara's `core_user`). */
export interface SandboxUser {
  id: number;
  username: string;
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
  /** The API client's service account (it may not delete or suspend itself). */
  serviceAccountId: number;
  nextId: { user: number; job: number };
}

/** How big the generated site is. */
export interface SiteSize {
  users: number;
  courses: number;
  seed: number;
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

/** Generates a site: about 1 in 12 users suspended, 1 in 40 deleted; most active users hold a job assignment. */
export function generateSite(size: SiteSize): SandboxSite {
  const rnd = random(size.seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const base = 1_672_531_200; // 2023-01-01T00:00:00Z
  const users = new Map<number, SandboxUser>();
  const service: SandboxUser = {
    id: 2,
    username: 'api_service',
    idnumber: 'SVC1',
    firstname: 'API',
    lastname: 'Service',
    email: 'api_service@example.invalid',
    city: 'Wellington',
    country: 'NZ',
    department: 'IT',
    institution: 'Sandbox',
    lang: 'en',
    timezone: 'Pacific/Auckland',
    suspended: false,
    deleted: false,
    firstaccess: base,
    lastaccess: base,
    timemodified: base,
  };
  users.set(service.id, service);
  for (let i = 0; i < size.users; i++) {
    const id = i + 3;
    const firstname = pick(FIRST);
    const lastname = pick(LAST);
    const city = Math.floor(rnd() * CITIES.length);
    users.set(id, {
      id,
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
    if (user.deleted || user.id === service.id || rnd() < 0.15) continue;
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
    nextId: { user: size.users + 3, job: jobId },
  };
}
