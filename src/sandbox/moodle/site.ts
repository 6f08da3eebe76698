/**
 * The sandbox Moodle's in-memory site: the rows of the tables the implemented functions read and write (users,
 * categories, courses with sections and modules, enrolment instances and enrolments, groups and groupings,
 * cohorts, grade items, completion, calendar events, files, tokens), and the ids that number new rows.
 * Columns Moodle leaves NULL are null here too: results then carry null where the real site does.
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
  address: string;
  phone1: string;
  phone2: string;
  lang: string;
  theme: string;
  timezone: string;
  calendartype: string;
  /** NULL for accounts that never had one (the installer's admin). */
  description: string | null;
  descriptionformat: number;
  mailformat: number;
  maildisplay: number;
  trackforums: number;
  firstaccess: number;
  lastaccess: number;
  timecreated: number;
  timemodified: number;
  policyagreed: number;
  siteadmin: boolean;
  privateaccesskey: string;
  customfields: Array<{ type: string; value: string }>;
  preferences: Map<string, string>;
}

export interface SiteCategory {
  id: number;
  name: string;
  /** NULL when the category was made without one. */
  idnumber: string | null;
  description: string;
  descriptionformat: number;
  parent: number;
  sortorder: number;
  visible: number;
  visibleold: number;
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
  license?: string | undefined;
  timecreated: number;
  timemodified?: number | undefined;
}

export interface SiteModule {
  id: number;
  name: string;
  modname: string;
  instance: number;
  contextid: number;
  files: SiteFile[];
  visible: number;
  /** 0 none, 1 manual, 2 automatic. */
  completion: number;
  idnumber: string;
  groupmode: number;
  groupingid: number;
  added: number;
}

export interface SiteSection {
  id: number;
  name: string;
  summary: string;
  section: number;
  visible: number;
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
  /** Whether the course has completion criteria (the sandbox models self completion only). */
  selfcompletion: boolean;
  /** NULL for the site course and for courses made before the setting existed. */
  showcompletionconditions: boolean | null;
  showactivitydates: boolean;
  lang: string;
  theme: string;
  marker: number;
  timecreated: number;
  timemodified: number;
  sortorder: number;
  sections: SiteSection[];
}

export interface SiteEnrolInstance {
  id: number;
  courseid: number;
  enrol: 'manual' | 'self' | 'guest';
  /** 0 enabled, 1 disabled. */
  status: number;
  name: string | null;
  password: string;
  roleid: number;
  sortorder: number;
}

export interface SiteEnrolment {
  id: number;
  enrolid: number;
  userid: number;
  courseid: number;
  roleid: number;
  timestart: number;
  timeend: number;
  suspended: boolean;
  timecreated: number;
}

export interface SiteGroup {
  id: number;
  courseid: number;
  name: string;
  description: string;
  descriptionformat: number;
  /** NULL unless one was given. */
  enrolmentkey: string | null;
  idnumber: string;
  visibility: number;
  participation: boolean;
  timecreated: number;
  timemodified: number;
  members: Set<number>;
}

export interface SiteGrouping {
  id: number;
  courseid: number;
  name: string;
  idnumber: string;
  description: string;
  descriptionformat: number;
  timecreated: number;
  timemodified: number;
  groups: Set<number>;
}

export interface SiteCohort {
  id: number;
  contextid: number;
  name: string;
  idnumber: string;
  description: string;
  descriptionformat: number;
  visible: boolean;
  theme: string;
  component: string;
  timecreated: number;
  timemodified: number;
  members: Set<number>;
}

export interface SiteGradeItem {
  id: number;
  courseid: number;
  itemname: string;
  itemtype: string;
  itemmodule: string;
  iteminstance: number;
  idnumber: string;
  grademax: number;
  grademin: number;
  hidden: boolean;
  locked: boolean;
  grades: Map<number, number>;
  feedback: Map<number, string>;
}

export interface SiteEvent {
  id: number;
  name: string;
  description: string;
  format: number;
  courseid: number;
  categoryid: number;
  groupid: number;
  userid: number;
  repeatid: number;
  modulename: string;
  instance: number;
  eventtype: string;
  timestart: number;
  timeduration: number;
  timesort: number;
  visible: number;
  location: string;
  timemodified: number;
}

export interface SiteToken {
  token: string;
  userid: number;
  service: string;
  /** Unix seconds; 0 = never expires. */
  validuntil: number;
}

/** Role ids and short names as a fresh Moodle numbers them. */
export const ROLES: Record<number, string> = {
  1: 'manager',
  2: 'coursecreator',
  3: 'editingteacher',
  4: 'teacher',
  5: 'student',
  6: 'guest',
  7: 'user',
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
  readonly enrolInstances = new Map<number, SiteEnrolInstance>();
  enrolments: SiteEnrolment[] = [];
  readonly groups = new Map<number, SiteGroup>();
  readonly groupings = new Map<number, SiteGrouping>();
  readonly cohorts = new Map<number, SiteCohort>();
  readonly gradeItems: SiteGradeItem[] = [];
  readonly events = new Map<number, SiteEvent>();
  /** Users who completed a course: `courseid:userid` → time. */
  readonly completions = new Map<string, number>();
  /** Activity completion: `cmid:userid` → state (0 incomplete, 1 complete) and when. */
  readonly activityCompletion = new Map<string, { state: number; time: number; overrideby: number | null }>();
  /** Starred courses: `userid:courseid`. */
  readonly favourites = new Set<string>();
  /** Last access to a course: `userid:courseid` → time. */
  readonly courseAccess = new Map<string, number>();
  readonly tokens = new Map<string, SiteToken>();
  files: SiteFile[] = [];
  /** Installed languages, auth plugins and themes, as PARAM_LANG, PARAM_AUTH and PARAM_THEME check them. */
  readonly languages = new Set(['en']);
  readonly authPlugins = new Set(['manual', 'nologin', 'email', 'webservice', 'oauth2', 'lti', 'ldap', 'db']);
  readonly themes = new Set(['boost', 'classic']);
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
      address: '',
      phone1: '',
      phone2: '',
      lang: 'en',
      theme: '',
      timezone: '99',
      calendartype: 'gregorian',
      description: '',
      descriptionformat: 1,
      mailformat: 1,
      maildisplay: 2,
      trackforums: 0,
      firstaccess: 0,
      lastaccess: 0,
      timecreated: now(),
      timemodified: now(),
      policyagreed: 0,
      siteadmin: false,
      privateaccesskey: createHash('md5').update(`key-${id}-${fields.username}`).digest('hex'),
      customfields: [],
      preferences: new Map(),
      ...fields,
      id,
    };
    this.users.set(id, user);
    return user;
  }

  /** Adds a course with defaults for every column, its sections and its manual, self and guest enrolment. */
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
      selfcompletion: false,
      showcompletionconditions: true,
      showactivitydates: true,
      lang: '',
      theme: '',
      marker: 0,
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
      visible: 1,
      modules: [],
    }));
    this.courses.set(id, course);
    if (id !== 1) {
      for (const [enrol, status, roleid] of [
        ['manual', 0, 5],
        ['self', 1, 5],
        ['guest', 1, 0],
      ] as const) {
        const instance = this.nextId('enrol');
        this.enrolInstances.set(instance, {
          id: instance,
          courseid: id,
          enrol,
          status,
          name: null,
          password: '',
          roleid,
          sortorder: instance,
        });
      }
    }
    return course;
  }

  /** Adds an activity to a section of a course. */
  addModule(
    course: SiteCourse,
    section: number,
    fields: Pick<SiteModule, 'name' | 'modname'> & Partial<SiteModule>,
  ): SiteModule {
    const id = fields.id ?? this.nextId('cm');
    const module: SiteModule = {
      instance: this.nextId(`instance:${fields.modname}`),
      contextid: this.moduleContextId(id),
      files: [],
      visible: 1,
      completion: 0,
      idnumber: '',
      groupmode: 0,
      groupingid: 0,
      added: now(),
      ...fields,
      id,
    };
    course.sections[section]?.modules.push(module);
    return module;
  }

  /** The course and section a module is in. */
  moduleById(cmid: number): { course: SiteCourse; section: SiteSection; module: SiteModule } | undefined {
    for (const course of this.courses.values()) {
      for (const section of course.sections) {
        const module = section.modules.find((m) => m.id === cmid);
        if (module) return { course, section, module };
      }
    }
    return undefined;
  }

  enrolInstance(courseid: number, enrol: SiteEnrolInstance['enrol']): SiteEnrolInstance | undefined {
    for (const instance of this.enrolInstances.values())
      if (instance.courseid === courseid && instance.enrol === enrol) return instance;
    return undefined;
  }

  isEnrolled(userid: number, courseid: number): boolean {
    return this.enrolments.some((e) => e.userid === userid && e.courseid === courseid && !e.suspended);
  }

  /** Enrols a user through an instance (the course's manual one unless another is given), or changes the role. */
  enrol(
    userid: number,
    courseid: number,
    roleid: number,
    enrol: SiteEnrolInstance['enrol'] = 'manual',
  ): SiteEnrolment {
    const existing = this.enrolments.find((e) => e.userid === userid && e.courseid === courseid);
    if (existing) {
      existing.roleid = roleid;
      return existing;
    }
    const row: SiteEnrolment = {
      id: this.nextId('user_enrolments'),
      enrolid: this.enrolInstance(courseid, enrol)?.id ?? 0,
      userid,
      courseid,
      roleid,
      timestart: 0,
      timeend: 0,
      suspended: false,
      timecreated: now(),
    };
    this.enrolments.push(row);
    return row;
  }

  /** Removes a user from a course: enrolment, group memberships. */
  unenrol(userid: number, courseid: number): void {
    this.enrolments = this.enrolments.filter((e) => !(e.userid === userid && e.courseid === courseid));
    for (const group of this.groups.values()) if (group.courseid === courseid) group.members.delete(userid);
  }

  /** The role a user holds in a course (0 when not enrolled). */
  roleIn(userid: number, courseid: number): number {
    return this.enrolments.find((e) => e.userid === userid && e.courseid === courseid)?.roleid ?? 0;
  }

  /** Context ids: the system is 1; courses, modules, users and categories have their own ranges. */
  courseContextId(courseid: number): number {
    return 1000 + courseid;
  }

  moduleContextId(cmid: number): number {
    return 2000 + cmid;
  }

  categoryContextId(categoryid: number): number {
    return 3000 + categoryid;
  }

  userContextId(userid: number): number {
    return 5000 + userid;
  }
}
