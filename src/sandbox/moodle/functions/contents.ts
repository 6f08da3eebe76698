/** core_course_get_contents and the course module lookups (by id, by instance). */
import { type CallContext, enterCourse, int, type Params, type SandboxFunction, str } from '../context.js';
import { codingException, SandboxException } from '../exceptions.js';
import type { SiteCourse, SiteModule, SiteSection } from '../site.js';

/** What the course page shows of each module type: purpose, plural name, icon, custom data. */
const MODULES: Record<string, { purpose: string; plural: string; icon: string; customdata: string }> = {
  resource: {
    purpose: 'content',
    plural: 'Files',
    icon: 'core/1/f/text',
    customdata: '{"filtericon":true,"displayoptions":"a:1:{s:10:\\"printintro\\";i:0;}","display":5}',
  },
  page: { purpose: 'content', plural: 'Pages', icon: 'page/1/monologo', customdata: '""' },
  assign: { purpose: 'assessment', plural: 'Assignments', icon: 'assign/1/monologo', customdata: '""' },
  forum: {
    purpose: 'collaboration',
    plural: 'Forums',
    icon: 'forum/1/monologo',
    customdata: '{"trackingtype":"1"}',
  },
};

function fileEntry(ctx: CallContext, module: SiteModule, index: number): Params {
  const file = module.files[index];
  if (!file) return {};
  // Pages serve their content without an item id; resources with item 0, as Moodle's own URLs have them.
  const item = file.component === 'mod_page' ? '' : `/${file.itemid}`;
  return {
    type: 'file',
    filename: file.filename,
    filepath: file.filepath,
    filesize: file.content.length,
    fileurl: `${ctx.wwwroot}/webservice/pluginfile.php/${file.contextid}/${file.component}/${file.filearea}${item}${file.filepath}${encodeURIComponent(file.filename)}?forcedownload=1`,
    timecreated: file.timecreated,
    timemodified: file.timemodified ?? file.timecreated,
    sortorder: index === 0 ? 1 : 0,
    mimetype: file.mimetype,
    isexternalfile: false,
    // Moodle 4.5 leaves these null for module files (only user-owned files name them).
    userid: null,
    author: null,
    license: null,
  };
}

function moduleEntry(ctx: CallContext, module: SiteModule): Params {
  const info = MODULES[module.modname] ?? {
    purpose: 'other',
    plural: module.modname,
    icon: 'core/1/f/unknown',
    customdata: '""',
  };
  const files = module.files;
  return {
    id: module.id,
    url: `${ctx.wwwroot}/mod/${module.modname}/view.php?id=${module.id}`,
    name: module.name,
    instance: module.instance,
    contextid: module.contextid,
    visible: module.visible,
    uservisible: true,
    visibleoncoursepage: 1,
    modicon: `${ctx.wwwroot}/theme/image.php/boost/${info.icon}?filtericon=1`,
    modname: module.modname,
    purpose: info.purpose,
    branded: false,
    modplural: info.plural,
    availability: null,
    indent: 0,
    onclick: '',
    afterlink: null,
    ...(module.modname === 'resource' || module.modname === 'forum' ? { activitybadge: [] } : {}),
    customdata: info.customdata,
    noviewlink: false,
    completion: module.completion,
    downloadcontent: 1,
    dates: [],
    groupmode: module.groupmode,
    ...(files.length
      ? {
          contents: files.map((_, i) => fileEntry(ctx, module, i)),
          contentsinfo: {
            filescount: files.length,
            filessize: files.reduce((sum, f) => sum + f.content.length, 0),
            lastmodified: Math.max(0, ...files.map((f) => f.timecreated)),
            mimetypes: [...new Set(files.map((f) => f.mimetype))],
            repositorytype: '',
          },
        }
      : {}),
  };
}

function sectionEntry(ctx: CallContext, section: SiteSection): Params {
  return {
    id: section.id,
    name: section.name,
    visible: section.visible,
    summary: section.summary,
    summaryformat: 1,
    section: section.section,
    hiddenbynumsections: 0,
    uservisible: true,
    // Moodle 4.5: a section delegated to a plugin names it; ordinary sections have null.
    component: null,
    itemid: null,
    modules: section.modules.map((m) => moduleEntry(ctx, m)),
  };
}

const getContents: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  const options = new Map(
    ((params.options as Array<{ name: string; value: string }> | undefined) ?? []).map((o) => [
      o.name,
      o.value,
    ]),
  );
  const only = options.get('sectionnumber');
  const module = options.get('cmid');
  return course.sections
    .filter((s) => only === undefined || s.section === int(only))
    .map((s) => {
      const entry = sectionEntry(ctx, s);
      if (module !== undefined)
        entry.modules = (entry.modules as Params[]).filter((m) => m.id === int(module));
      if (options.get('excludemodules') === '1') entry.modules = [];
      return entry;
    });
};

/** A missing course module, as Moodle's get_coursemodule_from_* report it. */
const noModule = () =>
  new SandboxException(
    'dml_missing_record_exception',
    'invalidrecordunknown',
    "Can't find data record in database.",
  );

function moduleRecord(course: SiteCourse, section: SiteSection, module: SiteModule): Params {
  return {
    cm: {
      id: module.id,
      course: course.id,
      module: Object.keys(MODULES).indexOf(module.modname) + 1,
      name: module.name,
      modname: module.modname,
      instance: module.instance,
      section: section.id,
      sectionnum: section.section,
      groupmode: module.groupmode,
      groupingid: module.groupingid,
      completion: module.completion,
      idnumber: module.idnumber,
      added: module.added,
      score: 0,
      indent: 0,
      visible: module.visible,
      visibleoncoursepage: 1,
      visibleold: module.visible,
      completiongradeitemnumber: null,
      completionpassgrade: 0,
      completionview: 0,
      completionexpected: 0,
      showdescription: 0,
      downloadcontent: 1,
      availability: null,
      ...(module.modname === 'assign'
        ? { grade: 100, gradepass: '0.00', gradecat: 1, advancedgrading: [], outcomes: [] }
        : {}),
    },
    warnings: [],
  };
}

const getCourseModule: SandboxFunction = (params, ctx) => {
  const found = ctx.site.moduleById(int(params.cmid));
  if (!found) throw noModule();
  enterCourse(ctx, found.course.id);
  return moduleRecord(found.course, found.section, found.module);
};

const getCourseModuleByInstance: SandboxFunction = (params, ctx) => {
  const modname = str(params.module);
  if (!/^[a-z][a-z0-9]*$/.test(modname)) throw codingException('Invalid modulename parameter');
  for (const course of ctx.site.courses.values()) {
    for (const section of course.sections) {
      const module = section.modules.find(
        (m) => m.modname === modname && m.instance === int(params.instance),
      );
      if (module) {
        enterCourse(ctx, course.id);
        return moduleRecord(course, section, module);
      }
    }
  }
  throw noModule();
};

/** The course contents functions by name. */
export const CONTENTS_FUNCTIONS: Record<string, SandboxFunction> = {
  core_course_get_contents: getContents,
  core_course_get_course_module: getCourseModule,
  core_course_get_course_module_by_instance: getCourseModuleByInstance,
};
