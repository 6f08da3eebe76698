import type { Router } from '../http.js';
import type { SandboxModule, SandboxStartContext } from '../types.js';

/** URLs of the sandbox LTI 1.3 platform. */
export interface LtiPlatformInfo {
  issuer: string;
  jwksUrl: string;
  authUrl: string;
  tokenUrl: string;
}

/** Options of the sandbox LTI platform. */
export type LtiPlatformOptions = Record<never, never>;

/** The sandbox LTI 1.3 platform. */
export function createLtiPlatform(_options: LtiPlatformOptions = {}): SandboxModule<LtiPlatformInfo> {
  return {
    name: 'lti',
    routes(_router: Router) {},
    info(context: SandboxStartContext) {
      return {
        issuer: context.baseUrl,
        jwksUrl: `${context.baseUrl}/mod/lti/certs.php`,
        authUrl: `${context.baseUrl}/mod/lti/auth.php`,
        tokenUrl: `${context.baseUrl}/mod/lti/token.php`,
      };
    },
  };
}
