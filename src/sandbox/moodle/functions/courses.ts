/** core_course_*: create, get, get by field, contents, search, categories. */
import {
  type CallContext,
  categoryName,
  courseImage,
  enterCourse,
  fullname,
  int,
  list,
  type Params,
  requireAdmin,
  type SandboxFunction,
  str,
} from '../context.js';
import { invalidParameter, missingRecord, moodleException, noPermission } from '../exceptions.js';
import { now, type SiteCourse } from '../site.js';

const createCourses: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Create courses', 'moodle/course:create');
  const courses = list(params.courses);
  for (const c of courses) {
    if ([...ctx.site.courses.values()].some((existing) => existing.shortname === str(c.shortname))) {
      throw moodleException(
        'shortnametaken',
        `Short name is already used for another course (${str(c.shortname)})`,
      );
    }
    if (!ctx.site.categories.has(int(c.categoryid))) throw missingRecord('course_categories');
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
    });
    return { id: course.id, shortname: course.shortname };
  });
};

function courseRecord(ctx: CallContext, course: SiteCourse): Params {
  return {
    id: course.id,
    shortname: course.shortname,
    categoryid: course.categoryid,
    categorysortorder: ctx.site.categories.get(course.categoryid)?.sortorder ?? 1,
    fullname: course.fullname,
    displayname: course.fullname,
    idnumber: course.idnumber,
    summary: course.summary,
    summaryformat: course.summaryformat,
    format: course.format,
    showgrades: course.showgrades,
    newsitems: course.newsitems,
    startdate: course.id === 1 ? 0 : course.startdate,
    enddate: course.id === 1 ? 0 : course.enddate,
    numsections: course.numsections,
    maxbytes: course.maxbytes,
    showreports: course.showreports,
    visible: course.visible,
    groupmode: course.groupmode,
    groupmodeforce: course.groupmodeforce,
    defaultgroupingid: course.defaultgroupingid,
    timecreated: course.timecreated,
    timemodified: course.timemodified,
    enablecompletion: course.enablecompletion,
    completionnotify: course.completionnotify,
    lang: course.lang,
    forcetheme: '',
    courseformatoptions:
      course.id === 1
        ? [{ name: 'numsections', value: 1 }]
        : [
            { name: 'hiddensections', value: 1 },
            { name: 'coursedisplay', value: 0 },
          ],
    showactivitydates: course.id !== 1,
    showcompletionconditions: course.id === 1 ? null : true,
  };
}

const getCourses: SandboxFunction = (params, ctx) => {
  const ids = list<unknown>((params.options as Params | undefined)?.ids).map(int);
  const courses = ids.length
    ? ids.map(
        (id) =>
          ctx.site.courses.get(id) ??
          (() => {
            throw missingRecord('course');
          })(),
      )
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
    showactivitydates: true,
    showcompletionconditions: true,
    contacts: contacts(ctx, course),
    enrollmentmethods: ['manual'],
  };
}

const getCoursesByField: SandboxFunction = (params, ctx) => {
  const field = str(params.field);
  const value = str(params.value);
  const all = [...ctx.site.courses.values()].filter((c) => c.id !== 1);
  const match: Record<string, (c: SiteCourse) => boolean> = {
    '': () => true,
    id: (c) => c.id === int(value),
    ids: (c) => value.split(',').map(Number).includes(c.id),
    shortname: (c) => c.shortname === value,
    idnumber: (c) => c.idnumber === value,
    category: (c) => c.categoryid === int(value),
  };
  const test = match[field];
  if (!test) throw invalidParameter('Invalid field name');
  const visible = all.filter(
    (c) => test(c) && (ctx.user.siteadmin || ctx.site.isEnrolled(ctx.user.id, c.id)),
  );
  return {
    courses: visible.map((course) => ({
      ...courseInList(ctx, course),
      idnumber: course.idnumber,
      format: course.format,
      showgrades: course.showgrades,
      newsitems: course.newsitems,
      startdate: course.startdate,
      enddate: course.enddate,
      maxbytes: course.maxbytes,
      showreports: course.showreports,
      visible: course.visible,
      groupmode: course.groupmode,
      groupmodeforce: course.groupmodeforce,
      defaultgroupingid: course.defaultgroupingid,
      enablecompletion: course.enablecompletion,
      completionnotify: course.completionnotify,
      lang: course.lang,
      theme: '',
      marker: 0,
      legacyfiles: 0,
      calendartype: '',
      timecreated: course.timecreated,
      timemodified: course.timemodified,
      requested: 0,
      cacherev: course.timemodified,
      filters: [],
      courseformatoptions: [
        { name: 'hiddensections', value: 1 },
        { name: 'coursedisplay', value: 0 },
      ],
    })),
    warnings: [],
  };
};

const getContents: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  return course.sections.map((section) => ({
    id: section.id,
    name: section.name,
    visible: 1,
    summary: section.summary,
    summaryformat: 1,
    section: section.section,
    hiddenbynumsections: 0,
    uservisible: true,
    modules: section.modules.map((module) => ({
      id: module.id,
      url: `${ctx.wwwroot}/mod/${module.modname}/view.php?id=${module.id}`,
      name: module.name,
      instance: module.instance,
      contextid: module.contextid,
      visible: 1,
      uservisible: true,
      visibleoncoursepage: 1,
      modicon: `${ctx.wwwroot}/theme/image.php/boost/core/1/f/text?filtericon=1`,
      modname: module.modname,
      purpose: 'content',
      branded: false,
      modplural: 'Files',
      indent: 0,
      onclick: '',
      noviewlink: false,
      completion: 0,
      downloadcontent: 1,
      dates: [],
      groupmode: 0,
      contents: module.files.map((file, index) => ({
        type: 'file',
        filename: file.filename,
        filepath: file.filepath,
        filesize: file.content.length,
        fileurl: `${ctx.wwwroot}/webservice/pluginfile.php/${file.contextid}/${file.component}/${file.filearea}/${file.itemid}${file.filepath}${encodeURIComponent(file.filename)}?forcedownload=1`,
        timecreated: file.timecreated,
        timemodified: file.timecreated,
        sortorder: index === 0 ? 1 : 0,
        mimetype: file.mimetype,
        isexternalfile: false,
        // Moodle 4.5 leaves these null for module files (only user-owned files name them).
        userid: null,
        author: null,
        license: null,
      })),
      contentsinfo: {
        filescount: module.files.length,
        filessize: module.files.reduce((sum, f) => sum + f.content.length, 0),
        lastmodified: Math.max(0, ...module.files.map((f) => f.timecreated)),
        mimetypes: [...new Set(module.files.map((f) => f.mimetype))],
        repositorytype: '',
      },
    })),
  }));
};

const searchCourses: SandboxFunction = (params, ctx) => {
  const name = str(params.criterianame);
  if (!['search', 'modulelist', 'blocklist', 'tagid'].includes(name))
    throw invalidParameter('Invalid value for criterianame parameter');
  const value = str(params.criteriavalue).toLowerCase();
  if (name === 'search' && value.trim().length < 2 && value !== '')
    throw moodleException('invalidsearchquery', 'Search query is too short');
  const matching = [...ctx.site.courses.values()]
    .filter((c) => c.id !== 1 && c.visible === 1)
    .filter(
      (c) =>
        name !== 'search' ||
        `${c.fullname} ${c.shortname} ${c.summary} ${c.idnumber}`.toLowerCase().includes(value),
    )
    .sort((a, b) => a.sortorder - b.sortorder);
  const page = int(params.page);
  const perpage = int(params.perpage);
  const slice = perpage > 0 ? matching.slice(page * perpage, page * perpage + perpage) : matching;
  return { total: matching.length, courses: slice.map((c) => courseInList(ctx, c)), warnings: [] };
};

const CATEGORY_KEYS = ['id', 'ids', 'name', 'parent', 'idnumber', 'visible', 'theme'];

const getCategories: SandboxFunction = (params, ctx) => {
  let categories = [...ctx.site.categories.values()];
  for (const criterion of list(params.criteria)) {
    const key = str(criterion.key);
    const value = str(criterion.value);
    if (!CATEGORY_KEYS.includes(key)) throw invalidParameter(`The category key ${key} is not supported`);
    if (key === 'ids') {
      const ids = value.split(',').map(Number);
      categories = categories.filter((c) => ids.includes(c.id));
    } else {
      categories = categories.filter((c) => String(c[key as keyof typeof c]) === value);
    }
    if (key === 'id' && params.addsubcategories !== false && params.addsubcategories !== 0) {
      const ids = new Set(categories.map((c) => c.id));
      categories = [...ctx.site.categories.values()].filter(
        (c) => ids.has(c.id) || c.path.split('/').some((p) => ids.has(Number(p))),
      );
    }
  }
  return categories.map((c) => ({
    ...c,
    coursecount: [...ctx.site.courses.values()].filter((course) => course.categoryid === c.id).length,
    visibleold: c.visible,
  }));
};

const createCategories: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Manage course categories', 'moodle/category:manage');
  return list(params.categories).map((c) => {
    const parentId = int(c.parent);
    const parent = ctx.site.categories.get(parentId);
    if (parentId !== 0 && !parent) throw missingRecord('course_categories');
    const idnumber = str(c.idnumber);
    if (idnumber && [...ctx.site.categories.values()].some((existing) => existing.idnumber === idnumber)) {
      throw moodleException('categoryidnumbertaken', 'ID number is already used for another category');
    }
    const id = ctx.site.nextId('category');
    ctx.site.categories.set(id, {
      id,
      name: str(c.name),
      idnumber,
      description: str(c.description),
      descriptionformat: int(c.descriptionformat ?? 1),
      parent: parentId,
      sortorder: 10_000 * id,
      visible: 1,
      timemodified: now(),
      depth: parent ? parent.depth + 1 : 1,
      path: parent ? `${parent.path}/${id}` : `/${id}`,
      theme: str(c.theme),
    });
    return { id, name: str(c.name) };
  });
};

/** The course functions by name. */
export const COURSE_FUNCTIONS: Record<string, SandboxFunction> = {
  core_course_create_courses: createCourses,
  core_course_get_courses: getCourses,
  core_course_get_courses_by_field: getCoursesByField,
  core_course_get_contents: getContents,
  core_course_search_courses: searchCourses,
  core_course_get_categories: getCategories,
  core_course_create_categories: createCategories,
};
