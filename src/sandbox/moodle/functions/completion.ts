/** core_completion_*: course and activity completion, self completion, manual and overridden activity states. */
import {
  bool,
  type CallContext,
  can,
  courseOrFail,
  enterCourse,
  int,
  type SandboxFunction,
  userOrFail,
} from '../context.js';
import { moodleException, noPermission, SandboxException } from '../exceptions.js';
import { now, type SiteCourse, type SiteUser } from '../site.js';

/** completion_can_view_data: completion on (the site's for the site course), and one's own data or the report. */
function canViewCompletion(ctx: CallContext, user: SiteUser, course: SiteCourse): boolean {
  if (course.id !== 1 && course.enablecompletion !== 1) return false;
  return user.id === ctx.user.id || can(ctx, 'report/completion:view', course.id);
}

/** completion_info::is_tracked_user: students of the course (everyone, for the site course). */
function tracked(ctx: CallContext, user: SiteUser, course: SiteCourse): boolean {
  return (
    course.id === 1 || (ctx.site.roleIn(user.id, course.id) === 5 && ctx.site.isEnrolled(user.id, course.id))
  );
}

function notTracked(ctx: CallContext, user: SiteUser): SandboxException {
  return user.id === ctx.user.id
    ? moodleException('notenroled', 'You are not enrolled in this course')
    : moodleException('usernotenroled', 'User is not enrolled in this course');
}

const courseCompletionStatus: SandboxFunction = (params, ctx) => {
  const course = courseOrFail(ctx, int(params.courseid));
  const user = userOrFail(ctx, int(params.userid));
  enterCourse(ctx, course.id);
  if (!canViewCompletion(ctx, user, course))
    throw moodleException('cannotviewreport', 'You cannot view this report');
  if (!tracked(ctx, user, course)) throw notTracked(ctx, user);
  if (!course.selfcompletion)
    throw moodleException('nocriteriaset', 'No completion criteria set for this course');
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

const activitiesCompletionStatus: SandboxFunction = (params, ctx) => {
  const course = courseOrFail(ctx, int(params.courseid));
  const user = userOrFail(ctx, int(params.userid));
  enterCourse(ctx, course.id);
  if (user.id !== ctx.user.id && !can(ctx, 'report/completion:view', course.id))
    throw noPermission('View course completion report', 'report/completion:view');
  const trackeduser = tracked(ctx, user, course);
  return {
    statuses: course.sections.flatMap((section) =>
      section.modules
        .filter((m) => m.completion > 0)
        .map((m) => {
          const state = ctx.site.activityCompletion.get(`${m.id}:${user.id}`);
          return {
            cmid: m.id,
            modname: m.modname,
            instance: m.instance,
            state: state?.state ?? 0,
            timecompleted: state?.time ?? 0,
            tracking: m.completion,
            overrideby: state?.overrideby ?? null,
            valueused: false,
            hascompletion: true,
            isautomatic: m.completion === 2,
            istrackeduser: trackeduser,
            uservisible: true,
            details: [],
            isoverallcomplete: (state?.state ?? 0) > 0,
          };
        }),
    ),
    warnings: [],
  };
};

const markSelfCompleted: SandboxFunction = (params, ctx) => {
  const course = enterCourse(ctx, int(params.courseid));
  if (!tracked(ctx, ctx.user, course)) throw notTracked(ctx, ctx.user);
  if (!course.selfcompletion)
    throw moodleException('noselfcompletioncriteria', 'No self completion criteria set for this course');
  ctx.site.completions.set(`${course.id}:${ctx.user.id}`, now());
  return { status: true, warnings: [] };
};

function moduleOrFail(ctx: CallContext, cmid: number) {
  const found = ctx.site.moduleById(cmid);
  if (!found)
    throw new SandboxException(
      'dml_missing_record_exception',
      'invalidcoursemodule',
      'Invalid course module ID',
    );
  return found;
}

const updateManually: SandboxFunction = (params, ctx) => {
  const { course, module } = moduleOrFail(ctx, int(params.cmid));
  enterCourse(ctx, course.id);
  if (course.enablecompletion !== 1)
    throw moodleException('completionnotenabled', 'Completion is not enabled');
  if (module.completion !== 1)
    throw moodleException('cannotmanualctrack', 'Activity does not provide manual tracking');
  ctx.site.activityCompletion.set(`${module.id}:${ctx.user.id}`, {
    state: bool(params.completed) ? 1 : 0,
    time: now(),
    overrideby: null,
  });
  return { status: true, warnings: [] };
};

const overrideStatus: SandboxFunction = (params, ctx) => {
  const { course, module } = moduleOrFail(ctx, int(params.cmid));
  const user = userOrFail(ctx, int(params.userid));
  enterCourse(ctx, course.id);
  if (!can(ctx, 'report/completion:view', course.id))
    throw noPermission('Override activity completion status', 'moodle/course:overridecompletion');
  const state = int(params.newstate);
  if (state !== 0 && state !== 1) throw moodleException('invalidnewstate', 'error/invalidnewstate');
  const time = now();
  ctx.site.activityCompletion.set(`${module.id}:${user.id}`, { state, time, overrideby: ctx.user.id });
  return {
    cmid: module.id,
    userid: user.id,
    state,
    timecompleted: time,
    overrideby: ctx.user.id,
    tracking: module.completion,
  };
};

/** The completion functions by name. */
export const COMPLETION_FUNCTIONS: Record<string, SandboxFunction> = {
  core_completion_get_course_completion_status: courseCompletionStatus,
  core_completion_get_activities_completion_status: activitiesCompletionStatus,
  core_completion_mark_course_self_completed: markSelfCompleted,
  core_completion_update_activity_completion_status_manually: updateManually,
  core_completion_override_activity_completion_status: overrideStatus,
};
