/** Completion and grades: core_completion_get_course_completion_status, gradereport_user_get_grade_items. */
import { enterCourse, fullname, int, type Params, type SandboxFunction, userOrFail } from '../context.js';
import { moodleException, noPermission } from '../exceptions.js';

const completionStatus: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  const user = userOrFail(ctx, int(params.userid));
  if (user.id !== ctx.user.id && !ctx.user.siteadmin)
    throw noPermission('View course completion report', 'report/completion:view');
  if (course.enablecompletion !== 1)
    throw moodleException('completionnotenabled', 'Completion is not enabled for this course');
  if (!ctx.site.isEnrolled(user.id, course.id))
    throw moodleException('nottracked', 'You are currently not being tracked by completion in this course');
  const done = ctx.site.completions.get(`${course.id}:${user.id}`);
  return {
    completionstatus: {
      completed: done !== undefined,
      aggregation: 1,
      completions: [
        {
          type: 1,
          title: 'Manual self completion',
          status: done !== undefined ? 'Yes' : 'No',
          complete: done !== undefined,
          timecompleted: done ?? 0,
          details: {
            type: 'Self completion',
            criteria: 'Self completion',
            requirement: 'Marking yourself complete',
            status: '',
          },
        },
      ],
    },
    warnings: [],
  };
};

const gradeItems: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  const wanted = int(params.userid);
  if (wanted !== ctx.user.id && !ctx.user.siteadmin)
    throw noPermission('View the grader report', 'moodle/grade:viewall');
  const students = ctx.site.enrolments
    .filter((e) => e.courseid === course.id && e.roleid === 5 && (wanted === 0 || e.userid === wanted))
    .sort((a, b) => a.userid - b.userid);
  const items = ctx.site.gradeItems.filter((item) => item.courseid === course.id);
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
        gradeitems: items.map((item) => {
          const grade = item.grades.get(user.id);
          return {
            id: item.id,
            itemname: item.itemname || null,
            itemtype: item.itemtype,
            itemmodule: item.itemmodule || null,
            iteminstance: item.iteminstance,
            itemnumber: item.itemtype === 'mod' ? 0 : null,
            idnumber: '',
            categoryid: item.itemtype === 'course' ? null : 1,
            outcomeid: null,
            scaleid: null,
            locked: false,
            ...(item.itemtype === 'mod' ? { cmid: item.iteminstance } : {}),
            weightraw: item.itemtype === 'course' ? 0 : 1,
            weightformatted: item.itemtype === 'course' ? '-' : '100.00 %',
            graderaw: grade ?? null,
            gradedatesubmitted: null,
            gradedategraded: grade === undefined ? null : item.grades.size,
            gradehiddenbydate: false,
            gradeneedsupdate: false,
            gradeishidden: false,
            gradeislocked: false,
            gradeisoverridden: false,
            gradeformatted: grade === undefined ? '-' : grade.toFixed(2),
            grademin: 0,
            grademax: item.grademax,
            rangeformatted: `0&ndash;${item.grademax}`,
            percentageformatted:
              grade === undefined ? '-' : `${((grade / item.grademax) * 100).toFixed(2)} %`,
            feedback: '',
            feedbackformat: 0,
          };
        }),
      },
    ];
  });
  return { usergrades, warnings: [] };
};

/** Completion and grade functions by name. */
export const PROGRESS_FUNCTIONS: Record<string, SandboxFunction> = {
  core_completion_get_course_completion_status: completionStatus,
  gradereport_user_get_grade_items: gradeItems,
};
