/** core_calendar_*: create, delete and read calendar events, and the action events of a user's timeline. */
import {
  bool,
  type CallContext,
  can,
  courseSummary,
  int,
  list,
  type Params,
  type SandboxFunction,
  str,
  usersCourses,
} from '../context.js';
import { noPermission } from '../exceptions.js';
import { now, type SiteEvent } from '../site.js';

function eventRecord(event: SiteEvent): Params {
  return { ...event, sequence: 1, uuid: '', subscriptionid: null };
}

/** Whether the caller sees an event: their own, the site's, their courses' and groups'. */
function visible(ctx: CallContext, event: SiteEvent): boolean {
  if (ctx.user.siteadmin) return true;
  if (event.eventtype === 'site') return true;
  if (event.eventtype === 'user') return event.userid === ctx.user.id;
  if (event.groupid) return ctx.site.groups.get(event.groupid)?.members.has(ctx.user.id) ?? false;
  return ctx.site.isEnrolled(ctx.user.id, event.courseid);
}

const createEvents: SandboxFunction = (params, ctx) => {
  const warnings: Params[] = [];
  const events: Params[] = [];
  for (const e of list(params.events)) {
    const eventtype = str(e.eventtype || 'user');
    const courseid = int(e.courseid);
    const allowed =
      eventtype === 'user' ||
      (eventtype === 'site' && ctx.user.siteadmin) ||
      ((eventtype === 'course' || eventtype === 'group') &&
        can(ctx, 'moodle/calendar:manageentries', courseid));
    if (!allowed || (eventtype !== 'user' && eventtype !== 'site' && !ctx.site.courses.has(courseid))) {
      warnings.push({
        item: str(e.name),
        warningcode: 'nopermissions',
        message: 'you do not have permissions to create this event',
      });
      continue;
    }
    const repeats = Math.max(1, int(e.repeats));
    const first = ctx.site.nextId('event');
    for (let i = 0; i < repeats; i++) {
      const id = i === 0 ? first : ctx.site.nextId('event');
      const timestart = int(e.timestart ?? now()) + i * 7 * 86_400;
      const event: SiteEvent = {
        id,
        name: str(e.name),
        description: str(e.description),
        format: int(e.format ?? 1),
        courseid: eventtype === 'user' ? 0 : eventtype === 'site' ? 1 : courseid,
        categoryid: 0,
        groupid: eventtype === 'group' ? int(e.groupid) : 0,
        userid: ctx.user.id,
        repeatid: repeats > 1 ? first : 0,
        modulename: '',
        instance: 0,
        eventtype,
        timestart,
        timeduration: int(e.timeduration),
        timesort: timestart,
        visible: int(e.visible ?? 1),
        location: '',
        timemodified: now(),
      };
      ctx.site.events.set(id, event);
      events.push(eventRecord(event));
    }
  }
  return { events, warnings };
};

const deleteEvents: SandboxFunction = (params, ctx) => {
  for (const e of list(params.events)) {
    const event = ctx.site.events.get(int(e.eventid));
    if (!event) continue;
    const own = event.userid === ctx.user.id && event.eventtype === 'user';
    if (!own && !can(ctx, 'moodle/calendar:manageentries', event.courseid))
      throw noPermission('Manage entries in calendar', 'moodle/calendar:manageentries');
    for (const other of [...ctx.site.events.values()]) {
      const series = bool(e.repeat) && event.repeatid !== 0 && other.repeatid === event.repeatid;
      if (other.id === event.id || series) ctx.site.events.delete(other.id);
    }
  }
  return null;
};

const getEvents: SandboxFunction = (params, ctx) => {
  const filters = (params.events as Params | undefined) ?? {};
  const options = (params.options as Params | undefined) ?? {};
  const eventids = list<unknown>(filters.eventids).map(int);
  const courseids = list<unknown>(filters.courseids).map(int);
  const groupids = list<unknown>(filters.groupids).map(int);
  const timestart = int(options.timestart);
  const timeend = int(options.timeend);
  const events = [...ctx.site.events.values()].filter((event) => {
    if (!visible(ctx, event)) return false;
    if (options.ignorehidden !== false && event.visible !== 1) return false;
    if (event.timestart < timestart || (timeend > 0 && event.timestart > timeend)) return false;
    if (eventids.includes(event.id)) return true;
    if (event.eventtype === 'user') return options.userevents !== false && event.userid === ctx.user.id;
    if (event.eventtype === 'site') return options.siteevents !== false;
    return courseids.includes(event.courseid) || groupids.includes(event.groupid);
  });
  return { events: events.map(eventRecord), warnings: [] };
};

/** An event as the calendar's event exporter describes it. */
function exported(ctx: CallContext, event: SiteEvent): Params {
  const course = ctx.site.courses.get(event.courseid);
  const url = `${ctx.wwwroot}/calendar/view.php?view=day&time=${event.timestart}`;
  return {
    ...event,
    descriptionformat: event.format,
    component: event.modulename ? `mod_${event.modulename}` : null,
    modulename: event.modulename || null,
    timeusermidnight: event.timestart - (event.timestart % 86_400),
    icon: {
      key: 'i/' + event.eventtype + 'event',
      component: 'core',
      alttext: `${event.eventtype} event`,
      iconurl: '',
      iconclass: '',
    },
    ...(course && course.id !== 1 ? { course: courseSummary(ctx, course, ctx.user.id) } : {}),
    canedit: ctx.user.siteadmin || event.userid === ctx.user.id,
    candelete: ctx.user.siteadmin || event.userid === ctx.user.id,
    deleteurl: `${ctx.wwwroot}/calendar/delete.php?id=${event.id}`,
    editurl: `${ctx.wwwroot}/calendar/event.php?action=edit&id=${event.id}`,
    viewurl: url,
    formattedtime: new Date(event.timestart * 1000).toUTCString(),
    formattedlocation: event.location,
    isactionevent: event.modulename !== '',
    iscourseevent: event.eventtype === 'course',
    iscategoryevent: event.eventtype === 'category',
    normalisedeventtype: event.eventtype,
    normalisedeventtypetext: event.eventtype,
    url,
  };
}

const getEventById: SandboxFunction = (params, ctx) => {
  const event = ctx.site.events.get(int(params.eventid));
  // Moodle answers the same for an event that does not exist and one the user may not see.
  if (!event || !visible(ctx, event))
    throw noPermission('View courses without participation', 'moodle/course:view');
  return { event: exported(ctx, event), warnings: [] };
};

const actionEventsByTimesort: SandboxFunction = (params, ctx) => {
  const userid = int(params.userid) || ctx.user.id;
  const from = int(params.timesortfrom);
  const to =
    params.timesortto === null || params.timesortto === undefined
      ? Number.POSITIVE_INFINITY
      : int(params.timesortto);
  const after = int(params.aftereventid);
  const limit = int(params.limitnum ?? 20);
  const courses = new Set(usersCourses(ctx, userid).map((c) => c.id));
  const search = str(params.searchvalue).toLowerCase();
  const events = [...ctx.site.events.values()]
    .filter((e) => e.modulename !== '' && courses.has(e.courseid))
    .filter((e) => e.timesort >= from && e.timesort <= to && e.id > after)
    .filter((e) => search === '' || e.name.toLowerCase().includes(search))
    .sort((a, b) => a.timesort - b.timesort || a.id - b.id)
    .slice(0, limit > 0 ? limit : undefined);
  return {
    events: events.map((e) => exported(ctx, e)),
    firstid: events[0]?.id ?? 0,
    lastid: events.at(-1)?.id ?? 0,
  };
};

/** The calendar functions by name. */
export const CALENDAR_FUNCTIONS: Record<string, SandboxFunction> = {
  core_calendar_create_calendar_events: createEvents,
  core_calendar_delete_calendar_events: deleteEvents,
  core_calendar_get_calendar_events: getEvents,
  core_calendar_get_calendar_event_by_id: getEventById,
  core_calendar_get_action_events_by_timesort: actionEventsByTimesort,
};
