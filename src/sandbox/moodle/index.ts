import type { Router } from '../http.js';
import type { SandboxModule, SandboxStartContext } from '../types.js';

/** URLs and credentials of the sandbox Moodle. */
export interface MoodleSandboxInfo {
  /** The site's wwwroot. */
  url: string;
  /** A token of the sandbox's admin user for the mobile app service. */
  token: string;
  username: string;
  password: string;
  service: string;
}

/** Options of the sandbox Moodle. */
export interface MoodleSandboxOptions {
  /** Fixed admin token (default: the sandbox's well-known token). */
  token?: string;
}

/** The sandbox Moodle: REST server, token login, upload and pluginfile over an in-memory site. */
export function createMoodleSandbox(options: MoodleSandboxOptions = {}): SandboxModule<MoodleSandboxInfo> {
  const token = options.token ?? 'sandbox0000000000000000000000moodle';
  return {
    name: 'moodle',
    routes(_router: Router) {},
    info(context: SandboxStartContext) {
      return {
        url: context.baseUrl,
        token,
        username: 'admin',
        password: 'Sandbox-admin-1',
        service: 'moodle_mobile_app',
      };
    },
  };
}
