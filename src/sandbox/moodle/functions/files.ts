/** core_files_*: browse a file area, upload a file in base64, draft areas. */
import { type CallContext, fullname, int, list, type SandboxFunction, str } from '../context.js';
import { invalidParameter, moodleException } from '../exceptions.js';
import { now, type SiteFile } from '../site.js';

/** Whether a context id names something the site has (system, a course, module, category or user). */
function contextExists(ctx: CallContext, contextid: number): boolean {
  if (contextid === 1) return true;
  const { site } = ctx;
  if (contextid >= 5000) return site.users.has(contextid - 5000);
  if (contextid >= 3000) return site.categories.has(contextid - 3000);
  if (contextid >= 2000) return site.moduleById(contextid - 2000) !== undefined;
  if (contextid >= 1000) return site.courses.has(contextid - 1000);
  return false;
}

/** The context a call names, by id or by level and instance (get_context_from_params). */
function contextOf(ctx: CallContext, params: Record<string, unknown>): number {
  if (params.contextid !== null && params.contextid !== undefined && int(params.contextid) > 0) {
    const id = int(params.contextid);
    if (!contextExists(ctx, id)) throw invalidParameter('Context does not exist');
    return id;
  }
  const level = str(params.contextlevel);
  const instance = int(params.instanceid);
  const id =
    level === 'system'
      ? 1
      : level === 'course'
        ? ctx.site.courseContextId(instance)
        : level === 'module'
          ? ctx.site.moduleContextId(instance)
          : level === 'user'
            ? ctx.site.userContextId(instance)
            : level === 'coursecat'
              ? ctx.site.categoryContextId(instance)
              : 0;
  if (!id)
    throw invalidParameter(
      'Missing parameters, please provide either context level with instance id or contextid',
    );
  if (!contextExists(ctx, id)) throw invalidParameter('Context does not exist');
  return id;
}

function fileUrl(ctx: CallContext, file: SiteFile): string {
  return `${ctx.wwwroot}/webservice/pluginfile.php/${file.contextid}/${file.component}/${file.filearea}/${file.itemid}${file.filepath}${encodeURIComponent(file.filename)}`;
}

const getFiles: SandboxFunction = (params, ctx) => {
  const contextid = contextOf(ctx, params);
  const component = str(params.component);
  const filearea = str(params.filearea);
  const itemid = int(params.itemid);
  const filepath = str(params.filepath) || '/';
  const filename = str(params.filename);
  const modified = params.modified === null || params.modified === undefined ? 0 : int(params.modified);
  const files = ctx.site.files.filter(
    (f) =>
      f.contextid === contextid &&
      f.component === component &&
      f.filearea === filearea &&
      f.itemid === itemid &&
      f.filepath === filepath &&
      (filename === '' || f.filename === filename) &&
      (f.timemodified ?? f.timecreated) >= modified,
  );
  return {
    parents: [],
    files: files.map((f) => ({
      contextid: f.contextid,
      component: f.component,
      filearea: f.filearea,
      itemid: f.itemid,
      filepath: f.filepath,
      filename: f.filename,
      isdir: false,
      url: fileUrl(ctx, f),
      timemodified: f.timemodified ?? f.timecreated,
      timecreated: f.timecreated,
      filesize: f.content.length,
      author: f.author,
      license: f.license ?? 'unknown',
    })),
  };
};

const upload: SandboxFunction = (params, ctx) => {
  const contextid = contextOf(ctx, params);
  const component = str(params.component);
  const filearea = str(params.filearea);
  const userContext = ctx.site.userContextId(ctx.user.id);
  // Moodle takes uploads only into the caller's own user areas (draft, private).
  if (component !== 'user' || contextid !== userContext || !['draft', 'private'].includes(filearea))
    throw moodleException('nofile', 'error/nofile', 'Only user areas of the current user may be written');
  const file: SiteFile = {
    contextid,
    component,
    filearea,
    itemid: int(params.itemid),
    filepath: str(params.filepath) || '/',
    filename: str(params.filename),
    content: Buffer.from(str(params.filecontent), 'base64'),
    mimetype: 'application/octet-stream',
    userid: ctx.user.id,
    author: fullname(ctx.user),
    timecreated: now(),
  };
  ctx.site.files = ctx.site.files.filter(
    (f) =>
      !(
        f.contextid === file.contextid &&
        f.filearea === file.filearea &&
        f.itemid === file.itemid &&
        f.filepath === file.filepath &&
        f.filename === file.filename
      ),
  );
  ctx.site.files.push(file);
  return {
    contextid,
    component,
    filearea,
    itemid: file.itemid,
    filepath: file.filepath,
    filename: file.filename,
    url: fileUrl(ctx, file),
  };
};

const deleteDraftFiles: SandboxFunction = (params, ctx) => {
  const contextid = ctx.site.userContextId(ctx.user.id);
  const itemid = int(params.draftitemid);
  const parentpaths = new Set<string>();
  for (const f of list(params.files)) {
    const path = str(f.filepath) || '/';
    ctx.site.files = ctx.site.files.filter(
      (file) =>
        !(
          file.contextid === contextid &&
          file.filearea === 'draft' &&
          file.itemid === itemid &&
          file.filepath === path &&
          file.filename === str(f.filename)
        ),
    );
    parentpaths.add(path);
  }
  return { parentpaths: [...parentpaths], warnings: [] };
};

const unusedDraftItemid: SandboxFunction = (_params, ctx) => {
  const contextid = ctx.site.userContextId(ctx.user.id);
  let itemid: number;
  do itemid = 100_000_000 + Math.floor(Math.random() * 899_999_999);
  while (
    ctx.site.files.some((f) => f.contextid === contextid && f.filearea === 'draft' && f.itemid === itemid)
  );
  return { component: 'user', contextid, userid: ctx.user.id, filearea: 'draft', itemid, warnings: [] };
};

/** The file functions by name. */
export const FILE_FUNCTIONS: Record<string, SandboxFunction> = {
  core_files_get_files: getFiles,
  core_files_upload: upload,
  core_files_delete_draft_files: deleteDraftFiles,
  core_files_get_unused_draft_itemid: unusedDraftItemid,
};
