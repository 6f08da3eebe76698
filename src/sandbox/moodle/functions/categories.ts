/** core_course_*_categories: list, create, update and delete course categories. */
import { bool, int, list, type Params, requireAdmin, type SandboxFunction, str } from '../context.js';
import { missingRecord, moodleException } from '../exceptions.js';
import { now, type SiteCategory } from '../site.js';

const CRITERIA = ['id', 'ids', 'name', 'parent', 'idnumber', 'visible', 'theme'];

function criteriaError(detail: string) {
  return moodleException('criteriaerror', 'Missing permissions to search on a criterion.', detail);
}

const getCategories: SandboxFunction = (params, ctx) => {
  let categories = [...ctx.site.categories.values()];
  const seen = new Set<string>();
  for (const criterion of list(params.criteria)) {
    const key = str(criterion.key).trim();
    const value = str(criterion.value);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!CRITERIA.includes(key)) throw criteriaError(`You can not search on this criteria: ${key}`);
    if ((key === 'idnumber' || key === 'theme') && !ctx.user.siteadmin)
      throw criteriaError(`You don't have the permissions to search on the "${key}" field.`);
    if (key === 'ids') {
      const ids = value.split(',').map(Number);
      categories = categories.filter((c) => ids.includes(c.id));
    } else {
      categories = categories.filter((c) => String(c[key as keyof SiteCategory]) === value);
    }
    if (key === 'id' && params.addsubcategories !== false) {
      const ids = new Set(categories.map((c) => c.id));
      categories = [...ctx.site.categories.values()].filter(
        (c) => ids.has(c.id) || c.path.split('/').some((p) => ids.has(Number(p))),
      );
    }
  }
  return categories
    .filter((c) => c.visible === 1 || ctx.user.siteadmin)
    .map((c) => ({
      ...c,
      coursecount: [...ctx.site.courses.values()].filter((course) => course.categoryid === c.id).length,
    }));
};

function idnumberTaken(categories: Iterable<SiteCategory>, idnumber: string, except = 0): boolean {
  for (const c of categories) if (c.id !== except && idnumber !== '' && c.idnumber === idnumber) return true;
  return false;
}

const createCategories: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Manage course categories', 'moodle/category:manage');
  return list(params.categories).map((c) => {
    const parentId = int(c.parent);
    const parent = ctx.site.categories.get(parentId);
    if (parentId !== 0 && !parent) throw missingRecord('course_categories');
    const idnumber = c.idnumber === undefined ? null : str(c.idnumber);
    if (idnumber !== null && idnumberTaken(ctx.site.categories.values(), idnumber))
      throw moodleException('categoryidnumbertaken', 'ID number is already used for another category');
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
      visibleold: 1,
      timemodified: now(),
      depth: parent ? parent.depth + 1 : 1,
      path: parent ? `${parent.path}/${id}` : `/${id}`,
      theme: str(c.theme),
    });
    return { id, name: str(c.name) };
  });
};

const updateCategories: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Manage course categories', 'moodle/category:manage');
  for (const c of list(params.categories)) {
    const category = ctx.site.categories.get(int(c.id));
    if (!category) throw missingRecord('course_categories');
    if (c.idnumber !== undefined && idnumberTaken(ctx.site.categories.values(), str(c.idnumber), category.id))
      throw moodleException('categoryidnumbertaken', 'ID number is already used for another category');
    if (c.name !== undefined) category.name = str(c.name);
    if (c.idnumber !== undefined) category.idnumber = str(c.idnumber);
    if (c.description !== undefined) category.description = str(c.description);
    if (c.descriptionformat !== undefined) category.descriptionformat = int(c.descriptionformat);
    if (c.theme !== undefined) category.theme = str(c.theme);
    if (c.parent !== undefined && int(c.parent) !== category.parent) {
      const parent = ctx.site.categories.get(int(c.parent));
      if (int(c.parent) !== 0 && !parent) throw missingRecord('course_categories');
      if (parent?.path.split('/').includes(String(category.id)))
        throw moodleException(
          'cannotmovecategory',
          'Cannot move category into itself or one of its children',
        );
      category.parent = int(c.parent);
      category.depth = parent ? parent.depth + 1 : 1;
      category.path = parent ? `${parent.path}/${category.id}` : `/${category.id}`;
    }
    category.timemodified = now();
  }
  return null;
};

const deleteCategories: SandboxFunction = (params, ctx) => {
  requireAdmin(ctx, 'Manage course categories', 'moodle/category:manage');
  for (const c of list<Params>(params.categories)) {
    const category = ctx.site.categories.get(int(c.id));
    if (!category) throw missingRecord('course_categories');
    const children = [...ctx.site.categories.values()].filter((x) => x.path.startsWith(`${category.path}/`));
    const courses = [...ctx.site.courses.values()].filter(
      (course) => course.categoryid === category.id || children.some((x) => x.id === course.categoryid),
    );
    if (bool(c.recursive)) {
      for (const course of courses) ctx.site.courses.delete(course.id);
      for (const child of children) ctx.site.categories.delete(child.id);
    } else {
      const target = ctx.site.categories.get(int(c.newparent));
      if (!target && (courses.length > 0 || children.length > 0))
        throw moodleException('invalidcategoryid', 'Invalid category ID');
      for (const course of courses)
        if (course.categoryid === category.id) course.categoryid = target?.id ?? 0;
      for (const child of children) if (child.parent === category.id) child.parent = target?.id ?? 0;
    }
    ctx.site.categories.delete(category.id);
  }
  return null;
};

/** The category functions by name. */
export const CATEGORY_FUNCTIONS: Record<string, SandboxFunction> = {
  core_course_get_categories: getCategories,
  core_course_create_categories: createCategories,
  core_course_update_categories: updateCategories,
  core_course_delete_categories: deleteCategories,
};
