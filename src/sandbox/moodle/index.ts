import { coreFunctionTable, type FunctionTable } from '../../moodle/definitions.js';
import type { Router } from '../http.js';
import type { SandboxModule, SandboxStartContext } from '../types.js';
import type { SandboxFunction } from './context.js';
import { CALENDAR_FUNCTIONS } from './functions/calendar.js';
import { CATEGORY_FUNCTIONS } from './functions/categories.js';
import { COHORT_FUNCTIONS } from './functions/cohorts.js';
import { COMPLETION_FUNCTIONS } from './functions/completion.js';
import { CONTENTS_FUNCTIONS } from './functions/contents.js';
import { COURSE_FUNCTIONS } from './functions/courses.js';
import { ENROL_FUNCTIONS } from './functions/enrol.js';
import { FILE_FUNCTIONS } from './functions/files.js';
import { GRADE_FUNCTIONS } from './functions/grades.js';
import { GROUP_FUNCTIONS } from './functions/groups.js';
import { USER_FUNCTIONS } from './functions/users.js';
import { WEBSERVICE_FUNCTIONS } from './functions/webservice.js';
import { handleRest, type RestServer } from './rest.js';
import { handlePluginfile, handleTokenLogin, handleTokenPluginfile, handleUpload } from './scripts.js';
import { seedSite } from './seed.js';
import { now, SandboxSite } from './site.js';

/** URLs and credentials of the sandbox Moodle. */
export interface MoodleSandboxInfo {
  /** The site's wwwroot (with the sub-path, when one was asked for). */
  url: string;
  /** A token of the sandbox's admin user for the `mts_sandbox` service, which holds every implemented function. */
  token: string;
  /** The admin's username. */
  username: string;
  /** The admin's password. */
  password: string;
  /** The service `token` belongs to (login with it for an equivalent token). */
  service: string;
  /** A student's token for the `moodle_mobile_app` service (for permission tests). */
  studentToken: string;
  /** A token whose validity ended (Moodle answers accessexception, then invalidtoken). */
  expiredToken: string;
  /** Functions the sandbox implements. */
  functions: string[];
}

/** Options of the sandbox Moodle. */
export interface MoodleSandboxOptions {
  /** Fixed admin token (default: the sandbox's well-known token). */
  token?: string;
  /** Serve the site under a sub-path, e.g. `/moodle` (the wwwroot is then `http://127.0.0.1:PORT/moodle`). */
  basePath?: string;
  /** PHP's max_input_vars: form pairs beyond it are silently dropped (default 5000, Moodle's recommendation). */
  maxInputVars?: number;
  /** Developer debugging: errors carry `debuginfo` and the detail in `message` (default false, like a live site). */
  debugDeveloper?: boolean;
  /** Maintenance mode: every call answers `sitemaintenance`. */
  maintenance?: boolean;
  /** The function table (default Moodle 4.5 core). */
  functions?: FunctionTable;
}

const IMPLEMENTATIONS: Record<string, SandboxFunction> = {
  ...WEBSERVICE_FUNCTIONS,
  ...USER_FUNCTIONS,
  ...COURSE_FUNCTIONS,
  ...CATEGORY_FUNCTIONS,
  ...CONTENTS_FUNCTIONS,
  ...ENROL_FUNCTIONS,
  ...GROUP_FUNCTIONS,
  ...COHORT_FUNCTIONS,
  ...GRADE_FUNCTIONS,
  ...COMPLETION_FUNCTIONS,
  ...CALENDAR_FUNCTIONS,
  ...FILE_FUNCTIONS,
};

/**
 * The capabilities the site defines, as PARAM_CAPABILITY checks them: every capability a function of the table
 * names, and the site ones every Moodle has.
 */
function capabilitiesOf(table: FunctionTable): Set<string> {
  const found = new Set([
    'moodle/site:config',
    'moodle/course:view',
    'moodle/course:update',
    'moodle/grade:viewall',
  ]);
  for (const name of table.names()) {
    for (const capability of (table.get(name)?.capabilities ?? '').split(/[,\s]+/))
      if (/^[a-z0-9_]+\/[a-z0-9_]+:[a-z0-9_]+$/.test(capability)) found.add(capability);
  }
  return found;
}

const ADMIN_PASSWORD = 'Sandbox-admin-1';
const SANDBOX_SERVICE = 'mts_sandbox';

/**
 * The sandbox Moodle: REST server, token login, upload and pluginfile over an in-memory site, validating every
 * call against the Moodle 4.5 function table as Moodle does and answering in Moodle's exact shapes.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox({ moodle: { basePath: '/moodle', debugDeveloper: true } });
 * const moodle = new MoodleClient({ url: sandbox.moodle.url, token: sandbox.moodle.token });
 * ```
 */
export function createMoodleSandbox(options: MoodleSandboxOptions = {}): SandboxModule<MoodleSandboxInfo> {
  const token = options.token ?? 'sandbox0000000000000000000000moodle';
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath && !/^\/[A-Za-z0-9._~/-]+$/.test(basePath)) throw new Error(`Invalid basePath "${basePath}".`);
  const table = options.functions ?? coreFunctionTable();
  const site = new SandboxSite();
  seedSite(site, ADMIN_PASSWORD);
  site.maintenance = options.maintenance ?? false;
  const implemented = Object.keys(IMPLEMENTATIONS)
    .filter((name) => table.has(name))
    .sort();
  const mobile = implemented.filter(
    (name) =>
      table.get(name)?.services.includes('moodle_mobile_app') ||
      name === 'tool_mobile_call_external_functions',
  );
  const services = new Map([
    [SANDBOX_SERVICE, implemented],
    ['moodle_mobile_app', mobile],
  ]);
  site.issueToken(2, SANDBOX_SERVICE, token);
  const studentToken = site.issueToken(4, 'moodle_mobile_app', 'sandbox0000000000000000000student4');
  const expiredToken = site.issueToken(
    2,
    SANDBOX_SERVICE,
    'sandbox00000000000000000000expired',
    now() - 3600,
  );
  let wwwroot = '';
  const server: RestServer = {
    site,
    table,
    implementations: IMPLEMENTATIONS,
    services,
    debugDeveloper: options.debugDeveloper ?? false,
    capabilities: capabilitiesOf(table),
    maxInputVars: options.maxInputVars ?? 5000,
    wwwroot: () => wwwroot,
  };
  return {
    name: 'moodle',
    routes(router: Router) {
      router.on(`${basePath}/webservice/rest/server.php`, (req, res, url) =>
        handleRest(server, req, res, url),
      );
      router.on(`${basePath}/login/token.php`, (req, res, url) => handleTokenLogin(server, req, res, url));
      router.on(`${basePath}/webservice/upload.php`, (req, res, url) => handleUpload(server, req, res, url));
      const pluginfile = `${basePath}/webservice/pluginfile.php`;
      router.on(pluginfile, (req, res, url) => handlePluginfile(server, pluginfile, req, res, url));
      router.on(`${pluginfile}/*`, (req, res, url) => handlePluginfile(server, pluginfile, req, res, url));
      const tokenfile = `${basePath}/tokenpluginfile.php`;
      router.on(`${tokenfile}/*`, (req, res, url) => handleTokenPluginfile(server, tokenfile, req, res, url));
    },
    start(context: SandboxStartContext) {
      wwwroot = `${context.baseUrl}${basePath}`;
    },
    info(context: SandboxStartContext) {
      return {
        url: `${context.baseUrl}${basePath}`,
        token,
        username: 'admin',
        password: ADMIN_PASSWORD,
        service: SANDBOX_SERVICE,
        studentToken,
        expiredToken,
        functions: implemented,
      };
    },
  };
}
