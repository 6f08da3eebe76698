/**
 * The sandbox Moodle's seeded school: an admin, a teacher, 40 students, a site course and 24 courses in three
 * categories, groups, 30 cohorts, grades, completion and calendar events. Course 2 (SDK_XS) holds the activities
 * of the real site's course of the same name, so that its contents answer with the same shapes.
 */
import {
  now,
  type SandboxSite,
  type SiteCourse,
  type SiteFile,
  type SiteGroup,
  type SiteModule,
} from './site.js';

const FIRST = ['Ann', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea'];
const LAST = ['Lee', 'Ng', 'Ortiz', 'Park', 'Quinn', 'Rossi', 'Sato', 'Tran'];
const SUBJECTS = [
  'Mathematics',
  'Physics',
  'Chemistry',
  'Biology',
  'History',
  'Geography',
  'Literature',
  'Music',
];

/** Seeds the site. */
export function seedSite(site: SandboxSite, adminPassword: string): void {
  seedPeople(site, adminPassword);
  seedCategories(site);
  site.addCourse({
    id: 1,
    shortname: 'mtssandbox',
    fullname: 'MTS Sandbox Moodle',
    categoryid: 0,
    format: 'site',
    numsections: 1,
    sortorder: 1,
    enablecompletion: 0,
    showcompletionconditions: null,
    showactivitydates: false,
  });
  const xs = site.addCourse({
    shortname: 'SDK_XS',
    fullname: 'SDK test course XS',
    categoryid: 1,
    summary: 'A small course',
    numsections: 1,
    selfcompletion: true,
  });
  for (let i = 0; i < 23; i++) {
    const subject = SUBJECTS[i % SUBJECTS.length] as string;
    site.addCourse({
      shortname: `${subject.slice(0, 4).toUpperCase()}${100 + i}`,
      fullname: `${subject} ${100 + i}`,
      categoryid: i % 2 ? 2 : 3,
      summary: `${subject} course ${100 + i}`,
    });
  }
  seedActivities(site, xs);
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
      theme: '',
      component: '',
      timecreated: now(),
      timemodified: now(),
      members: new Set(i === 1 ? [4, 5, 6] : []),
    });
  }
  seedGrades(site, xs);
  site.completions.set(`${xs.id}:5`, now() - 86_400);
  site.courseAccess.set(`2:${xs.id}`, now() - 3_600);
  seedEvents(site, xs);
}

function seedPeople(site: SandboxSite, adminPassword: string): void {
  site.addUser({
    id: 1,
    username: 'guest',
    firstname: 'Guest user',
    lastname: ' ',
    email: 'root@localhost',
    description: 'This user is a special user that allows read-only access to some courses.',
  });
  site.addUser({
    id: 2,
    username: 'admin',
    password: adminPassword,
    firstname: 'Admin',
    lastname: 'User',
    email: 'admin@example.com',
    siteadmin: true,
    description: null,
    firstaccess: now() - 86_400 * 30,
    lastaccess: now() - 60,
    // What a Moodle admin account holds after installation and a first login.
    preferences: new Map([
      ['auth_manual_passwordupdatetime', String(now() - 86_400 * 30)],
      ['email_bounce_count', '1'],
      ['email_send_count', '1'],
      ['login_failed_count_since_success', '0'],
    ]),
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
}

function seedCategories(site: SandboxSite): void {
  for (const [index, name] of ['Category 1', 'Sciences', 'Humanities'].entries()) {
    const id = site.nextId('category');
    const parent = index === 0 ? 0 : 1;
    site.categories.set(id, {
      id,
      name,
      // The installer's default category has no idnumber (NULL); the two others were given one.
      idnumber: index === 0 ? null : `CAT${id}`,
      description: '',
      descriptionformat: 1,
      parent,
      sortorder: 10_000 * (index + 1),
      visible: 1,
      visibleold: 1,
      timemodified: now(),
      depth: parent === 0 ? 1 : 2,
      path: parent === 0 ? `/${id}` : `/${parent}/${id}`,
      theme: '',
    });
  }
}

/** The real site's SDK_XS: a file resource and a forum in General, an assignment, a page and a big file after. */
function seedActivities(site: SandboxSite, course: SiteCourse): void {
  addFiles(
    site,
    site.addModule(course, 1, { id: 1, name: 'Assignment 1', modname: 'assign', completion: 1 }),
    [],
  );
  addFiles(site, site.addModule(course, 1, { id: 2, name: 'Page 1', modname: 'page' }), [
    ['index.html', '<p>Page 1</p>', 'text/html', 'mod_page'],
  ]);
  addFiles(
    site,
    site.addModule(course, 0, { id: 3, name: 'Small files', modname: 'resource', completion: 1 }),
    [
      ['resource1.txt', 'The first resource of SDK_XS.\n', 'text/plain', 'mod_resource'],
      ['smallfile0.dat', '0123456789abcdef'.repeat(64), 'application/octet-stream', 'mod_resource'],
    ],
  );
  addFiles(site, site.addModule(course, 1, { id: 4, name: 'Big file 0', modname: 'resource' }), [
    ['resource2.txt', 'The second resource of SDK_XS.\n', 'text/plain', 'mod_resource'],
  ]);
  site.addModule(course, 0, { id: 5, name: 'Forum', modname: 'forum' });
  // Section 0 lists the file resource before the forum, as the real site's course does.
  course.sections[0]?.modules.sort((a, b) => a.id - b.id);
  site.nextId('cm', 6);
  site.activityCompletion.set(`3:5`, { state: 1, time: now() - 7_200, overrideby: null });
}

function addFiles(
  site: SandboxSite,
  module: SiteModule,
  files: Array<[name: string, content: string, mimetype: string, component: string]>,
): void {
  for (const [filename, content, mimetype, component] of files) {
    const file: SiteFile = {
      contextid: module.contextid,
      component,
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
}

function seedGrades(site: SandboxSite, course: SiteCourse): void {
  const grades = () =>
    new Map([
      [4, 78],
      [5, 91],
    ]);
  for (const [itemname, itemtype, itemmodule, iteminstance] of [
    ['Assignment 1', 'mod', 'assign', 1],
    ['', 'course', '', course.id],
  ] as const) {
    site.gradeItems.push({
      id: site.nextId('gradeitem'),
      courseid: course.id,
      itemname,
      itemtype,
      itemmodule,
      iteminstance,
      idnumber: '',
      grademax: 100,
      grademin: 0,
      hidden: false,
      locked: false,
      grades: grades(),
      feedback: new Map(),
    });
  }
}

function seedEvents(site: SandboxSite, course: SiteCourse): void {
  const day = 86_400;
  const start = now() + 7 * day;
  for (const [name, eventtype, courseid, userid, modulename, instance] of [
    ['Site open day', 'site', 1, 2, '', 0],
    ['SDK_XS kick-off', 'course', course.id, 2, '', 0],
    ['Assignment 1 is due', 'due', course.id, 2, 'assign', 1],
  ] as const) {
    const id = site.nextId('event');
    site.events.set(id, {
      id,
      name,
      description: '',
      format: 1,
      courseid,
      categoryid: 0,
      groupid: 0,
      userid,
      repeatid: 0,
      modulename,
      instance,
      eventtype,
      timestart: start + id * day,
      timeduration: 0,
      timesort: start + id * day,
      visible: 1,
      location: '',
      timemodified: now(),
    });
  }
}

/** Adds a group to a course. */
export function addGroup(site: SandboxSite, courseid: number, name: string): SiteGroup {
  const id = site.nextId('group');
  const group: SiteGroup = {
    id,
    courseid,
    name,
    description: '',
    descriptionformat: 1,
    enrolmentkey: null,
    idnumber: '',
    visibility: 0,
    participation: true,
    timecreated: now(),
    timemodified: now(),
    members: new Set(),
  };
  site.groups.set(id, group);
  return group;
}
