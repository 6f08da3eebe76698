/**
 * The sandbox Moodle's in-memory site: users, categories, courses with sections and files, enrolments, groups,
 * cohorts, grade items, completion, tokens and stored files, seeded with a small believable school.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A user row (the columns the implemented functions read or write). */
export interface SiteUser {
  id: number;
  username: string;
  password: string;
  firstname: string;
  lastname: string;
  email: string;
  auth: string;
  suspended: boolean;
  confirmed: boolean;
  idnumber: string;
  department: string;
  institution: string;
  city: string;
  country: string;
  lang: string;
  timezone: string;
  calendartype: string;
  description: string;
  mailformat: number;
  firstaccess: number;
  lastaccess: number;
  timecreated: number;
  siteadmin: boolean;
  privateaccesskey: string;
  customfields: Array<{ type: string; value: string }>;
  preferences: Array<{ name: string; value: string }>;
}

export interface SiteCategory {
  id: number;
  name: string;
  idnumber: string;
  description: string;
  descriptionformat: number;
  parent: number;
  sortorder: number;
  visible: number;
  timemodified: number;
  depth: number;
  path: string;
  theme: string;
}

export interface SiteFile {
  contextid: number;
  component: string;
  filearea: string;
  itemid: number;
  filepath: string;
  filename: string;
  content: Buffer;
  mimetype: string;
  userid: number;
  author: string;
  timecreated: number;
}

export interface SiteModule {
  id: number;
  name: string;
  modname: string;
  instance: number;
  contextid: number;
  files: SiteFile[];
}

export interface SiteSection {
  id: number;
  name: string;
  summary: string;
  section: number;
  modules: SiteModule[];
}

export interface SiteCourse {
  id: number;
  shortname: string;
  fullname: string;
  categoryid: number;
  idnumber: string;
  summary: string;
  summaryformat: number;
  format: string;
  showgrades: number;
  newsitems: number;
  startdate: number;
  enddate: number;
  numsections: number;
  maxbytes: number;
  showreports: number;
  visible: number;
  groupmode: number;
  groupmodeforce: number;
  defaultgroupingid: number;
  enablecompletion: number;
  completionnotify: number;
  lang: string;
  timecreated: number;
  timemodified: number;
  sortorder: number;
  sections: SiteSection[];
}

export interface SiteEnrolment {
  userid: number;
  courseid: number;
  roleid: number;
  timestart: number;
  timeend: number;
  suspended: boolean;
}

export interface SiteGroup {
  id: number;
  courseid: number;
  name: string;
  description: string;
  descriptionformat: number;
  enrolmentkey: string;
  idnumber: string;
  visibility: number;
  participation: boolean;
  members: Set<number>;
}

export interface SiteCohort {
  id: number;
  contextid: number;
  name: string;
  idnumber: string;
  description: string;
  descriptionformat: number;
  visible: boolean;
  members: Set<number>;
}

export interface SiteGradeItem {
  id: number;
  courseid: number;
  itemname: string;
  itemtype: string;
  itemmodule: string;
  iteminstance: number;
  grademax: number;
  grades: Map<number, number>;
}

export interface SiteToken {
  token: string;
  userid: number;
  service: string;
  /** Unix seconds; 0 = never expires. */
  validuntil: number;
}

/** Role ids and names as a fresh Moodle has them. */
export const ROLES: Record<number, string> = {
  1: 'manager',
  3: 'editingteacher',
  4: 'teacher',
  5: 'student',
};

/** Seconds since the epoch. */
export function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** The site's data, and the counters that give new rows their ids. */
export class SandboxSite {
  readonly users = new Map<number, SiteUser>();
  readonly categories = new Map<number, SiteCategory>();
  readonly courses = new Map<number, SiteCourse>();
  enrolments: SiteEnrolment[] = [];
  readonly groups = new Map<number, SiteGroup>();
  readonly cohorts = new Map<number, SiteCohort>();
  readonly gradeItems: SiteGradeItem[] = [];
  /** Users who completed a course: `courseid:userid` → time. */
  readonly completions = new Map<string, number>();
  readonly tokens = new Map<string, SiteToken>();
  files: SiteFile[] = [];
  #ids: Record<string, number> = {};
  maintenance = false;

  /** The next id of a table. */
  nextId(table: string, start = 1): number {
    const next = Math.max(this.#ids[table] ?? start, start);
    this.#ids[table] = next + 1;
    return next;
  }

  /** A new random token for a user and service. */
  issueToken(userid: number, service: string, fixed?: string, validuntil = 0): string {
    const token = fixed ?? randomBytes(16).toString('hex');
    this.tokens.set(token, { token, userid, service, validuntil });
    return token;
  }

  userByName(username: string): SiteUser | undefined {
    for (const user of this.users.values()) if (user.username === username) return user;
    return undefined;
  }

  /** Adds a user with defaults for every column. */
  addUser(
    fields: Partial<SiteUser> & Pick<SiteUser, 'username' | 'firstname' | 'lastname' | 'email'>,
  ): SiteUser {
    const id = fields.id ?? this.nextId('user', 3);
    const user: SiteUser = {
      password: '',
      auth: 'manual',
      suspended: false,
      confirmed: true,
      idnumber: '',
      department: '',
      institution: '',
      city: '',
      country: '',
      lang: 'en',
      timezone: '99',
      calendartype: 'gregorian',
      description: '',
      mailformat: 1,
      firstaccess: 0,
      lastaccess: 0,
      timecreated: now(),
      siteadmin: false,
      privateaccesskey: createHash('md5').update(`key-${id}-${fields.username}`).digest('hex'),
      customfields: [],
      preferences: [],
      ...fields,
      id,
    };
    this.users.set(id, user);
    return user;
  }

  /** Adds a course with defaults for every column and its sections. */
  addCourse(
    fields: Partial<SiteCourse> & Pick<SiteCourse, 'shortname' | 'fullname' | 'categoryid'>,
  ): SiteCourse {
    const id = fields.id ?? this.nextId('course', 2);
    const numsections = fields.numsections ?? 3;
    const course: SiteCourse = {
      idnumber: '',
      summary: '',
      summaryformat: 1,
      format: 'topics',
      showgrades: 1,
      newsitems: 5,
      startdate: 1_767_225_600,
      enddate: 1_798_761_600,
      numsections,
      maxbytes: 0,
      showreports: 0,
      visible: 1,
      groupmode: 0,
      groupmodeforce: 0,
      defaultgroupingid: 0,
      enablecompletion: 1,
      completionnotify: 0,
      lang: '',
      timecreated: now(),
      timemodified: now(),
      sortorder: 10_000 + id,
      sections: [],
      ...fields,
      id,
    };
    course.sections = Array.from({ length: numsections + 1 }, (_, section) => ({
      id: this.nextId('section'),
      name: section === 0 ? 'General' : `Topic ${section}`,
      summary: '',
      section,
      modules: [],
    }));
    this.courses.set(id, course);
    return course;
  }

  isEnrolled(userid: number, courseid: number): boolean {
    return this.enrolments.some((e) => e.userid === userid && e.courseid === courseid && !e.suspended);
  }

  enrol(userid: number, courseid: number, roleid: number): void {
    const existing = this.enrolments.find((e) => e.userid === userid && e.courseid === courseid);
    if (existing) existing.roleid = roleid;
    else this.enrolments.push({ userid, courseid, roleid, timestart: 0, timeend: 0, suspended: false });
  }

  /** The context id of a course (`course` + id, like a fresh site's numbering scheme). */
  courseContextId(courseid: number): number {
    return 1000 + courseid;
  }

  userContextId(userid: number): number {
    return 5000 + userid;
  }
}

const FIRST = ['Ann', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea'];
const LAST = ['Lee', 'Ng', 'Ortiz', 'Park', 'Quinn', 'Rossi', 'Sato', 'Tran'];

/** The seeded site: one admin, teachers, 40 students, 24 courses in 3 categories, groups, 30 cohorts. */
export function seedSite(site: SandboxSite, adminPassword: string): void {
  site.addUser({
    id: 1,
    username: 'guest',
    firstname: 'Guest user',
    lastname: ' ',
    email: 'root@localhost',
    auth: 'manual',
  });
  site.addUser({
    id: 2,
    username: 'admin',
    password: adminPassword,
    firstname: 'Admin',
    lastname: 'User',
    email: 'admin@example.com',
    siteadmin: true,
    city: 'Perth',
    country: 'AU',
  });
  site.addUser({
    username: 'teacher1',
    password: 'Sandbox-teacher-1',
    firstname: 'Tea',
    lastname: 'Cher',
    email: 'teacher1@example.com',
  });
  for (let i = 1; i <= 40; i++) {
    site.addUser({
      username: `student${i}`,
      password: `Sandbox-student-${i}`,
      firstname: FIRST[i % FIRST.length] as string,
      lastname: LAST[i % LAST.length] as string,
      email: `student${i}@example.com`,
      idnumber: `S${String(i).padStart(4, '0')}`,
      department: i % 2 ? 'Science' : 'Arts',
      city: 'Perth',
      country: 'AU',
    });
  }
  const categoryNames = ['Category 1', 'Sciences', 'Humanities'];
  for (const [index, name] of categoryNames.entries()) {
    const id = site.nextId('category');
    const parent = index === 0 ? 0 : 1;
    site.categories.set(id, {
      id,
      name,
      idnumber: index === 0 ? '' : `CAT${id}`,
      description: '',
      descriptionformat: 1,
      parent,
      sortorder: 10_000 * (index + 1),
      visible: 1,
      timemodified: now(),
      depth: parent === 0 ? 1 : 2,
      path: parent === 0 ? `/${id}` : `/${parent}/${id}`,
      theme: '',
    });
  }
  site.addCourse({
    id: 1,
    shortname: 'mtssandbox',
    fullname: 'MTS Sandbox Moodle',
    categoryid: 0,
    format: 'site',
    numsections: 1,
    sortorder: 1,
    enablecompletion: 0,
  });
  const xs = site.addCourse({
    shortname: 'SDK_XS',
    fullname: 'SDK test course XS',
    categoryid: 1,
    summary: 'A small course',
  });
  const subjects = [
    'Mathematics',
    'Physics',
    'Chemistry',
    'Biology',
    'History',
    'Geography',
    'Literature',
    'Music',
  ];
  for (let i = 0; i < 23; i++) {
    const subject = subjects[i % subjects.length] as string;
    site.addCourse({
      shortname: `${subject.slice(0, 4).toUpperCase()}${100 + i}`,
      fullname: `${subject} ${100 + i}`,
      categoryid: i % 2 ? 2 : 3,
      summary: `${subject} course ${100 + i}`,
    });
  }
  addResource(site, xs, 'Small files', [
    ['resource1.txt', 'The first resource of SDK_XS.\n', 'text/plain'],
    ['smallfile0.dat', '0123456789abcdef'.repeat(64), 'application/octet-stream'],
  ]);
  site.enrol(2, xs.id, 3);
  site.enrol(3, xs.id, 3);
  for (let id = 4; id <= 33; id++) site.enrol(id, xs.id, 5);
  for (let id = 4; id <= 8; id++) site.enrol(id, 3, 5);
  const groupA = addGroup(site, xs.id, 'Group A');
  const groupB = addGroup(site, xs.id, 'Group B');
  for (let id = 4; id <= 18; id++) groupA.members.add(id);
  for (let id = 19; id <= 33; id++) groupB.members.add(id);
  for (let i = 1; i <= 30; i++) {
    const id = site.nextId('cohort');
    site.cohorts.set(id, {
      id,
      contextid: 1,
      name: `Cohort ${String(i).padStart(2, '0')}`,
      idnumber: `COH${i}`,
      description: '',
      descriptionformat: 1,
      visible: true,
      members: new Set(i === 1 ? [4, 5, 6] : []),
    });
  }
  const assignment = {
    id: site.nextId('gradeitem'),
    courseid: xs.id,
    itemname: 'Essay',
    itemtype: 'mod',
    itemmodule: 'assign',
    iteminstance: 1,
    grademax: 100,
    grades: new Map([
      [4, 78],
      [5, 91],
    ]),
  };
  const total = {
    id: site.nextId('gradeitem'),
    courseid: xs.id,
    itemname: '',
    itemtype: 'course',
    itemmodule: '',
    iteminstance: xs.id,
    grademax: 100,
    grades: new Map([
      [4, 78],
      [5, 91],
    ]),
  };
  site.gradeItems.push(assignment, total);
  site.completions.set(`${xs.id}:5`, now() - 86_400);
}

function addGroup(site: SandboxSite, courseid: number, name: string): SiteGroup {
  const id = site.nextId('group');
  const group: SiteGroup = {
    id,
    courseid,
    name,
    description: '',
    descriptionformat: 1,
    enrolmentkey: '',
    idnumber: '',
    visibility: 0,
    participation: true,
    members: new Set(),
  };
  site.groups.set(id, group);
  return group;
}

function addResource(
  site: SandboxSite,
  course: SiteCourse,
  name: string,
  files: Array<[string, string, string]>,
): void {
  const id = site.nextId('cm');
  const contextid = 2000 + id;
  const module: SiteModule = { id, name, modname: 'resource', instance: id, contextid, files: [] };
  for (const [filename, content, mimetype] of files) {
    const file: SiteFile = {
      contextid,
      component: 'mod_resource',
      filearea: 'content',
      itemid: 0,
      filepath: '/',
      filename,
      content: Buffer.from(content),
      mimetype,
      userid: 2,
      author: 'Admin User',
      timecreated: now(),
    };
    module.files.push(file);
    site.files.push(file);
  }
  course.sections[0]?.modules.push(module);
}
