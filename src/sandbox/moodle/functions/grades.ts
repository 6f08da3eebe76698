/** Grades: the user and overview reports, grade items, gradable users, and grade updates from a component. */
import {
  type CallContext,
  can,
  courseOrFail,
  enterCourse,
  fullname,
  int,
  list,
  type Params,
  refuseGuest,
  requireCapability,
  type SandboxFunction,
  str,
  userDetails,
  userOrFail,
  usersCourses,
} from '../context.js';
import { missingRecord, noPermission } from '../exceptions.js';
import type { SiteCourse, SiteGradeItem } from '../site.js';

function items(ctx: CallContext, course: SiteCourse): SiteGradeItem[] {
  return ctx.site.gradeItems.filter((item) => item.courseid === course.id);
}

const gradeItems: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  const wanted = int(params.userid);
  if (wanted !== ctx.user.id && !can(ctx, 'moodle/grade:viewall', course.id))
    throw noPermission('View grades of other users', 'moodle/grade:viewall');
  const students = ctx.site.enrolments
    .filter((e) => e.courseid === course.id && e.roleid === 5 && (wanted === 0 || e.userid === wanted))
    .sort((a, b) => a.userid - b.userid);
  const usergrades: Params[] = students.flatMap((e) => {
    const user = ctx.site.users.get(e.userid);
    if (!user) return [];
    return [
      {
        courseid: course.id,
        courseidnumber: course.idnumber,
        userid: user.id,
        userfullname: fullname(user),
        useridnumber: user.idnumber,
        maxdepth: 2,
        gradeitems: items(ctx, course).map((item) => {
          const grade = item.grades.get(user.id);
          return {
            id: item.id,
            itemname: item.itemname || null,
            itemtype: item.itemtype,
            itemmodule: item.itemmodule || null,
            iteminstance: item.iteminstance,
            itemnumber: item.itemtype === 'mod' ? 0 : null,
            idnumber: item.idnumber,
            categoryid: item.itemtype === 'course' ? null : 1,
            outcomeid: null,
            scaleid: null,
            locked: item.locked,
            ...(item.itemtype === 'mod' ? { cmid: item.iteminstance } : {}),
            weightraw: item.itemtype === 'course' ? 0 : 1,
            weightformatted: item.itemtype === 'course' ? '-' : '100.00 %',
            graderaw: grade ?? null,
            gradedatesubmitted: null,
            gradedategraded: grade === undefined ? null : item.grades.size,
            gradehiddenbydate: false,
            gradeneedsupdate: false,
            gradeishidden: item.hidden,
            gradeislocked: item.locked,
            gradeisoverridden: false,
            gradeformatted: grade === undefined ? '-' : grade.toFixed(2),
            grademin: item.grademin,
            grademax: item.grademax,
            rangeformatted: `${item.grademin}&ndash;${item.grademax}`,
            percentageformatted:
              grade === undefined ? '-' : `${((grade / item.grademax) * 100).toFixed(2)} %`,
            feedback: item.feedback.get(user.id) ?? '',
            feedbackformat: 0,
          };
        }),
      },
    ];
  });
  return { usergrades, warnings: [] };
};

const overviewCourseGrades: SandboxFunction = (params, ctx) => {
  const userid = int(params.userid) || ctx.user.id;
  refuseGuest(userid);
  userOrFail(ctx, userid);
  if (userid !== ctx.user.id && !ctx.user.siteadmin)
    throw noPermission('View grades of other users', 'moodle/grade:viewall');
  return {
    grades: usersCourses(ctx, userid).flatMap((course) => {
      const total = items(ctx, course).find((item) => item.itemtype === 'course');
      if (!total) return [];
      const grade = total.grades.get(userid);
      return [
        {
          courseid: course.id,
          grade: grade === undefined ? '-' : grade.toFixed(2),
          rawgrade: grade === undefined ? '' : String(grade),
        },
      ];
    }),
    warnings: [],
  };
};

const getGradeItems: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  requireCapability(ctx, 'moodle/grade:viewall', course.id);
  return {
    gradeItems: items(ctx, course).map((item) => ({
      id: String(item.id),
      itemname: item.itemtype === 'course' ? 'Course total' : item.itemname,
      category: course.fullname,
    })),
    warnings: [],
  };
};

const updateGrades: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  requireCapability(ctx, 'moodle/grade:edit', course.id);
  const found = ctx.site.moduleById(int(params.activityid));
  if (!found || found.course.id !== course.id) throw missingRecord('course_modules');
  const modname = str(params.component).replace(/^mod_/, '');
  let item = ctx.site.gradeItems.find(
    (i) => i.courseid === course.id && i.itemmodule === modname && i.iteminstance === found.module.instance,
  );
  const details = (params.itemdetails as Params | undefined) ?? {};
  if (!item) {
    item = {
      id: ctx.site.nextId('gradeitem'),
      courseid: course.id,
      itemname: str(details.itemname) || found.module.name,
      itemtype: 'mod',
      itemmodule: modname,
      iteminstance: found.module.instance,
      idnumber: '',
      grademax: details.grademax === undefined ? 100 : Number(details.grademax),
      grademin: details.grademin === undefined ? 0 : Number(details.grademin),
      hidden: false,
      locked: false,
      grades: new Map(),
      feedback: new Map(),
    };
    ctx.site.gradeItems.push(item);
  }
  if (details.hidden !== undefined) item.hidden = Boolean(details.hidden);
  for (const g of list(params.grades)) {
    item.grades.set(int(g.studentid), Number(g.grade));
    if (g.str_feedback !== undefined) item.feedback.set(int(g.studentid), str(g.str_feedback));
  }
  // GRADE_UPDATE_OK.
  return 0;
};

const gradableUsers: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  requireCapability(ctx, 'moodle/grade:viewall', course.id);
  const groupid = int(params.groupid);
  const users = ctx.site.enrolments
    .filter((e) => e.courseid === course.id && e.roleid === 5)
    .filter((e) => !(params.onlyactive === true && e.suspended))
    .filter((e) => groupid === 0 || ctx.site.groups.get(groupid)?.members.has(e.userid))
    .flatMap((e) => {
      const user = ctx.site.users.get(e.userid);
      return user ? [userDetails(ctx, user)] : [];
    });
  return { users, warnings: [] };
};

const viewGradeReport: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  const userid = int(params.userid) || ctx.user.id;
  if (userid !== ctx.user.id) requireCapability(ctx, 'moodle/grade:viewall', course.id);
  return { status: true, warnings: [] };
};

const accessInformation: SandboxFunction = (params, ctx) => {
  const course = courseOrFail(ctx, int(params.courseid));
  enterCourse(ctx, course.id);
  const all = can(ctx, 'moodle/grade:viewall', course.id);
  return { canviewusergradereport: true, canviewmygrades: true, canviewallgrades: all, warnings: [] };
};

/** The grade functions by name. */
export const GRADE_FUNCTIONS: Record<string, SandboxFunction> = {
  gradereport_user_get_grade_items: gradeItems,
  gradereport_user_view_grade_report: viewGradeReport,
  gradereport_user_get_access_information: accessInformation,
  gradereport_overview_get_course_grades: overviewCourseGrades,
  core_grades_get_gradeitems: getGradeItems,
  core_grades_update_grades: updateGrades,
  core_grades_get_gradable_users: gradableUsers,
};
