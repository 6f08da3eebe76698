/** core_webservice_get_site_info and tool_mobile_call_external_functions. */
import { fullname, list, pictureUrls, type SandboxFunction, str } from '../context.js';
import { invalidParameter } from '../exceptions.js';

const siteInfo: SandboxFunction = (_params, ctx) => ({
  sitename: ctx.site.courses.get(1)?.fullname ?? 'MTS Sandbox Moodle',
  username: ctx.user.username,
  firstname: ctx.user.firstname,
  lastname: ctx.user.lastname,
  fullname: fullname(ctx.user),
  lang: ctx.user.lang,
  userid: ctx.user.id,
  siteurl: ctx.wwwroot,
  userpictureurl: pictureUrls(ctx).profileimageurl,
  functions: ctx.serviceFunctions.map((name) => ({ name, version: '2024100700' })),
  downloadfiles: 1,
  uploadfiles: 1,
  release: '4.5.6 (Build: 20250811)',
  version: '2024100706',
  mobilecssurl: '',
  advancedfeatures: [
    { name: 'usecomments', value: 1 },
    { name: 'usetags', value: 1 },
    { name: 'enablenotes', value: 1 },
    { name: 'messaging', value: 1 },
    { name: 'enableblogs', value: 1 },
    { name: 'enablecompletion', value: 1 },
    { name: 'enablebadges', value: 1 },
    { name: 'messagingallusers', value: 0 },
    { name: 'enablecustomreports', value: 1 },
    { name: 'enableglobalsearch', value: 0 },
    { name: 'mnet_dispatcher_mode', value: 0 },
    { name: 'enablecompetencies', value: 1 },
  ],
  usercanmanageownfiles: true,
  userquota: 0,
  usermaxuploadfilesize: -1,
  userhomepage: 1,
  userprivateaccesskey: ctx.user.privateaccesskey,
  siteid: 1,
  sitecalendartype: 'gregorian',
  usercalendartype: ctx.user.calendartype,
  userissiteadmin: ctx.user.siteadmin,
  theme: 'boost',
  limitconcurrentlogins: 0,
  policyagreed: 0,
});

/** Runs the requests in order, stopping at the first error, as tool_mobile does. */
const callExternalFunctions: SandboxFunction = (params, ctx) => {
  const responses: Array<{ error: boolean; data?: string; exception?: string }> = [];
  for (const request of list(params.requests)) {
    const fn = str(request.function);
    if (fn === 'tool_mobile_call_external_functions')
      throw invalidParameter('Recursive calls are not allowed');
    let args: unknown;
    try {
      args = JSON.parse(str(request.arguments) || '{}');
    } catch {
      throw invalidParameter('Invalid JSON in arguments');
    }
    const outcome = ctx.callInner(fn, args);
    if (!outcome.ok) {
      responses.push({ error: true, exception: JSON.stringify(outcome.error) });
      break;
    }
    responses.push({ error: false, data: JSON.stringify(outcome.data) });
  }
  return { responses };
};

/** The web service functions by name. */
export const WEBSERVICE_FUNCTIONS: Record<string, SandboxFunction> = {
  core_webservice_get_site_info: siteInfo,
  tool_mobile_call_external_functions: callExternalFunctions,
};
