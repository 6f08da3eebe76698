/** core_course_*: create, read, update, delete and view courses, search, favourites, recent and timeline lists. */
import {
  bool,
  type CallContext,
  categoryName,
  courseImage,
  courseOrFail,
  courseSummary,
  enterCourse,
  fullname,
  int,
  list,
  type Params,
  requireAdmin,
  type SandboxFunction,
  str,
  usersCourses,
} from '../context.js';
import { invalidParameter, moodleException, noPermission } from '../exceptions.js';
import { now, type SiteCourse } from '../site.js';

const createCourses: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Create courses', 'moodle/course:create');
  const courses = list(params.courses);
  for (const c of courses) {
    if (!ctx.site.categories.has(int(c.categoryid))) {
      throw moodleException(
        'errorcatcontextnotvalid',
        `You cannot execute functions in the category context (category id: ${int(c.categoryid)}). The context error message was: Invalid parameter value detected`,
      );
    }
    if ([...ctx.site.courses.values()].some((existing) => existing.shortname === str(c.shortname)))
      throw moodleException(
        'shortnametaken',
        `Short name is already used for another course (${str(c.shortname)})`,
      );
  }
  return courses.map((c) => {
    const course = ctx.site.addCourse({
      shortname: str(c.shortname),
      fullname: str(c.fullname),
      categoryid: int(c.categoryid),
      idnumber: str(c.idnumber),
      summary: str(c.summary),
      summaryformat: int(c.summaryformat ?? 1),
      format: str(c.format || 'topics'),
      ...(c.startdate !== undefined ? { startdate: int(c.startdate) } : {}),
      ...(c.enddate !== undefined ? { enddate: int(c.enddate) } : {}),
      ...(c.numsections !== undefined ? { numsections: int(c.numsections) } : {}),
      ...(c.visible !== undefined ? { visible: int(c.visible) } : {}),
      ...(c.enablecompletion !== undefined ? { enablecompletion: int(c.enablecompletion) } : {}),
      ...(c.lang !== undefined ? { lang: str(c.lang) } : {}),
    });
    return { id: course.id, shortname: course.shortname };
  });
};

function formatOptions(course: SiteCourse): Params[] {
  return course.format === 'site'
    ? [{ name: 'numsections', value: 1 }]
    : [
        { name: 'hiddensections', value: 1 },
        { name: 'coursedisplay', value: 0 },
      ];
}

function courseRecord(ctx: CallContext, course: SiteCourse): Params {
  const site = course.id === 1;
  return {
    ...course,
    categorysortorder: ctx.site.categories.get(course.categoryid)?.sortorder ?? 1,
    displayname: course.fullname,
    startdate: site ? 0 : course.startdate,
    enddate: site ? 0 : course.enddate,
    hiddensections: site ? null : 1,
    forcetheme: course.theme,
    courseformatoptions: formatOptions(course),
  };
}

const getCourses: SandboxFunction = (params, ctx) => {
  const ids = list<unknown>((params.options as Params | undefined)?.ids).map(int);
  // Moodle reads the ids with get_records_list: an id no course has is left out, not refused.
  const courses = ids.length
    ? ids.flatMap((id) => {
        const course = ctx.site.courses.get(id);
        return course ? [course] : [];
      })
    : [...ctx.site.courses.values()];
  return courses.map((course) => {
    if (course.id !== 1 && !ctx.user.siteadmin)
      throw noPermission('View courses without participation', 'moodle/course:view');
    return courseRecord(ctx, course);
  });
};

function contacts(ctx: CallContext, course: SiteCourse): Params[] {
  return ctx.site.enrolments
    .filter((e) => e.courseid === course.id && e.roleid === 3)
    .map((e) => ctx.site.users.get(e.userid))
    .filter((u) => u !== undefined)
    .map((u) => ({ id: u.id, fullname: fullname(u) }));
}

function enrolmentMethods(ctx: CallContext, course: SiteCourse): string[] {
  return [...ctx.site.enrolInstances.values()]
    .filter((i) => i.courseid === course.id && i.status === 0)
    .map((i) => i.enrol);
}

function courseInList(ctx: CallContext, course: SiteCourse): Params {
  return {
    id: course.id,
    fullname: course.fullname,
    displayname: course.fullname,
    shortname: course.shortname,
    courseimage: courseImage(ctx, course),
    categoryid: course.categoryid,
    categoryname: categoryName(ctx, course),
    sortorder: course.sortorder,
    summary: course.summary,
    summaryformat: course.summaryformat,
    summaryfiles: [],
    overviewfiles: [],
    showactivitydates: course.showactivitydates,
    showcompletionconditions: course.showcompletionconditions,
    contacts: contacts(ctx, course),
    enrollmentmethods: enrolmentMethods(ctx, course),
  };
}

const getCoursesByField: SandboxFunction = (params, ctx) => {
  const field = str(params.field);
  const value = str(params.value);
  const match: Record<string, (c: SiteCourse) => boolean> = {
    '': () => true,
    id: (c) => c.id === int(value),
    ids: (c) => value.split(',').map(Number).includes(c.id),
    shortname: (c) => c.shortname === value,
    idnumber: (c) => c.idnumber === value,
    category: (c) => c.categoryid === int(value),
    sectionid: (c) => c.sections.some((s) => s.id === int(value)),
  };
  const test = match[field];
  if (!test) throw invalidParameter('Invalid field name');
  const visible = [...ctx.site.courses.values()].filter(
    (c) => c.id !== 1 && test(c) && (ctx.user.siteadmin || ctx.site.isEnrolled(ctx.user.id, c.id)),
  );
  return {
    courses: visible.map((course) => ({
      ...courseRecord(ctx, course),
      ...courseInList(ctx, course),
      // Moodle reads this list without the column: the real site answers null here.
      showcompletionconditions: null,
      theme: course.theme,
      legacyfiles: 0,
      calendartype: '',
      requested: 0,
      cacherev: course.timemodified,
      filters: [],
    })),
    warnings: [],
  };
};

const SEARCH_CRITERIA = ['search', 'modulelist', 'blocklist', 'tagid'];

const searchCourses: SandboxFunction = (params, ctx) => {
  const name = str(params.criterianame);
  if (!SEARCH_CRITERIA.includes(name)) throw invalidParameter('Invalid value for criterianame parameter');
  const value = str(params.criteriavalue).toLowerCase();
  const matching = [...ctx.site.courses.values()]
    .filter((c) => c.id !== 1 && (c.visible === 1 || ctx.user.siteadmin))
    .filter(
      (c) =>
        name !== 'search' ||
        value
          .split(/\s+/)
          .every((word) =>
            `${c.fullname} ${c.shortname} ${c.summary} ${c.idnumber}`.toLowerCase().includes(word),
          ),
    )
    .filter(
      (c) => name !== 'modulelist' || c.sections.some((s) => s.modules.some((m) => m.modname === value)),
    )
    .sort((a, b) => a.sortorder - b.sortorder);
  const page = int(params.page);
  const perpage = int(params.perpage);
  const slice = perpage > 0 ? matching.slice(page * perpage, page * perpage + perpage) : matching;
  return { total: matching.length, courses: slice.map((c) => courseInList(ctx, c)), warnings: [] };
};

const UPDATABLE = ['fullname', 'shortname', 'idnumber', 'summary', 'format', 'lang'] as const;
const UPDATABLE_INTS = [
  'categoryid',
  'summaryformat',
  'showgrades',
  'newsitems',
  'startdate',
  'enddate',
  'numsections',
  'maxbytes',
  'showreports',
  'visible',
  'groupmode',
  'groupmodeforce',
  'defaultgroupingid',
  'enablecompletion',
  'completionnotify',
] as const;

const updateCourses: SandboxFunction = (params, ctx) => {
  const warnings: Params[] = [];
  for (const c of list(params.courses)) {
    const course = ctx.site.courses.get(int(c.id));
    if (!course || course.id === 1) {
      warnings.push({ item: 'course', itemid: int(c.id), warningcode: '1', message: 'Invalid course id' });
      continue;
    }
    if (!ctx.user.siteadmin) {
      warnings.push({
        item: 'course',
        itemid: course.id,
        warningcode: '1',
        message: 'Sorry, but you do not currently have permissions to do that (Update course settings).',
      });
      continue;
    }
    const taken = [...ctx.site.courses.values()].some(
      (o) => o.id !== course.id && o.shortname === str(c.shortname),
    );
    if (c.shortname !== undefined && taken) {
      warnings.push({
        item: 'course',
        itemid: course.id,
        warningcode: '1',
        message: 'Short name is already used for another course',
      });
      continue;
    }
    const row = course as unknown as Record<string, unknown>;
    for (const key of UPDATABLE) if (c[key] !== undefined) row[key] = str(c[key]);
    for (const key of UPDATABLE_INTS) if (c[key] !== undefined) row[key] = int(c[key]);
    if (c.forcetheme !== undefined) course.theme = str(c.forcetheme);
    course.timemodified = now();
  }
  return { warnings };
};

const deleteCourses: SandboxFunction = (params, ctx) => {
  const warnings: Params[] = [];
  for (const id of list<unknown>(params.courseids).map(int)) {
    if (!ctx.site.courses.has(id) || id === 1) {
      warnings.push({
        item: 'course',
        itemid: id,
        warningcode: 'unknowncourseidnumber',
        message: 'Unknown course ID',
      });
      continue;
    }
    if (!ctx.user.siteadmin) {
      warnings.push({
        item: 'course',
        itemid: id,
        warningcode: 'cannotdeletecourse',
        message: 'You do not have the permission to delete this course',
      });
      continue;
    }
    ctx.site.courses.delete(id);
    ctx.site.enrolments = ctx.site.enrolments.filter((e) => e.courseid !== id);
    for (const [gid, group] of ctx.site.groups) if (group.courseid === id) ctx.site.groups.delete(gid);
    for (const [iid, instance] of ctx.site.enrolInstances)
      if (instance.courseid === id) ctx.site.enrolInstances.delete(iid);
  }
  return { warnings };
};

const viewCourse: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  const section = int(params.sectionnumber);
  if (section > 0 && !course.sections.some((s) => s.section === section))
    throw moodleException('invalidsection', 'error/invalidsection');
  ctx.site.courseAccess.set(`${ctx.user.id}:${course.id}`, now());
  return { status: true, warnings: [] };
};

const setFavouriteCourses: SandboxFunction = (params, ctx) => {
  const warnings: Params[] = [];
  for (const c of list(params.courses)) {
    const course = courseOrFail(ctx, int(c.id));
    const key = `${ctx.user.id}:${course.id}`;
    if (bool(c.favourite)) ctx.site.favourites.add(key);
    else ctx.site.favourites.delete(key);
  }
  return { warnings };
};

const getRecentCourses: SandboxFunction = (params, ctx) => {
  const userid = int(params.userid) || ctx.user.id;
  if (userid !== ctx.user.id && !ctx.user.siteadmin) return [];
  const recent = [...ctx.site.courseAccess]
    .filter(([key]) => key.startsWith(`${userid}:`))
    .sort((a, b) => b[1] - a[1])
    .map(([key]) => ctx.site.courses.get(Number(key.split(':')[1])))
    .filter((c) => c !== undefined && c.id !== 1) as SiteCourse[];
  const offset = int(params.offset);
  const limit = int(params.limit);
  return recent
    .slice(offset, limit > 0 ? offset + limit : undefined)
    .map((c) => courseSummary(ctx, c, userid));
};

const CLASSIFICATIONS = [
  'future',
  'inprogress',
  'past',
  'all',
  'allincludinghidden',
  'hidden',
  'search',
  'favourites',
  'customfield',
];

const getEnrolledCoursesByTimeline: SandboxFunction = (params, ctx) => {
  const classification = str(params.classification);
  if (!CLASSIFICATIONS.includes(classification)) throw invalidParameter('Invalid classification');
  const time = now();
  const search = str(params.searchvalue).toLowerCase();
  const courses = usersCourses(ctx, ctx.user.id)
    .filter((c) => c.id !== 1)
    .filter((c) => {
      switch (classification) {
        case 'future':
          return c.startdate > time;
        case 'past':
          return c.enddate > 0 && c.enddate < time;
        case 'inprogress':
          return c.startdate <= time && (c.enddate === 0 || c.enddate >= time);
        case 'favourites':
          return ctx.site.favourites.has(`${ctx.user.id}:${c.id}`);
        case 'search':
          return `${c.fullname} ${c.shortname}`.toLowerCase().includes(search);
        case 'hidden':
          return false;
        default:
          return true;
      }
    });
  const offset = int(params.offset);
  const limit = int(params.limit);
  const page = courses.slice(offset, limit > 0 ? offset + limit : undefined);
  return { courses: page.map((c) => courseSummary(ctx, c, ctx.user.id)), nextoffset: offset + page.length };
};

/** Courses of a list the caller may see, and a warning for each one it may not (external_util::validate_courses). */
function validateCourses(ctx: CallContext, ids: number[]): { courses: SiteCourse[]; warnings: Params[] } {
  const courses: SiteCourse[] = [];
  const warnings: Params[] = [];
  for (const id of ids) {
    const course = ctx.site.courses.get(id);
    if (course && (ctx.user.siteadmin || ctx.site.isEnrolled(ctx.user.id, id) || id === 1))
      courses.push(course);
    else
      warnings.push({
        item: 'course',
        itemid: id,
        warningcode: '1',
        message: 'No access rights in course context',
      });
  }
  return { courses, warnings };
}

const NAVIGATION = [
  'badges',
  'blogs',
  'calendar',
  'competencies',
  'grades',
  'notes',
  'participants',
  'search',
  'tags',
];
const ADMINISTRATION = [
  'update',
  'filters',
  'reports',
  'backup',
  'restore',
  'files',
  'tags',
  'gradebook',
  'outcomes',
  'badges',
  'import',
  'reset',
  'copy',
  'publish',
];

function options(names: string[], admin: boolean) {
  return (ctx: CallContext, params: Params) => {
    const { courses, warnings } = validateCourses(ctx, list<unknown>(params.courseids).map(int));
    return {
      courses: courses.map((c) => ({
        id: c.id,
        options: names.map((name) => ({ name, available: admin ? ctx.user.siteadmin : true })),
      })),
      warnings,
    };
  };
}

/** The course functions by name. */
export const COURSE_FUNCTIONS: Record<string, SandboxFunction> = {
  core_course_create_courses: createCourses,
  core_course_get_courses: getCourses,
  core_course_get_courses_by_field: getCoursesByField,
  core_course_search_courses: searchCourses,
  core_course_update_courses: updateCourses,
  core_course_delete_courses: deleteCourses,
  core_course_view_course: viewCourse,
  core_course_set_favourite_courses: setFavouriteCourses,
  core_course_get_recent_courses: getRecentCourses,
  core_course_get_enrolled_courses_by_timeline_classification: getEnrolledCoursesByTimeline,
  core_course_get_user_navigation_options: (params, ctx) => options(NAVIGATION, false)(ctx, params),
  core_course_get_user_administration_options: (params, ctx) => options(ADMINISTRATION, true)(ctx, params),
};
