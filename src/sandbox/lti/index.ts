import { JwksCache } from '../../lti/keys/jwks-cache.js';
import type { Router } from '../http.js';
import type { SandboxModule, SandboxStartContext } from '../types.js';
import { LAUNCH_PATH, launchRoutes, TOOLS_PATH } from './launch-routes.js';
import { SimPlatform } from './platform.js';
import { serviceRoutes } from './service-routes.js';
import { SimServices } from './services.js';
import type { SimContext, SimToolConfig, SimUser } from './types.js';

export type { LaunchFailure, LaunchTrace, LaunchTraceStep, SimulatedLaunchOptions } from './browser.js';
export { describeLaunchFailure, simulateLaunch } from './browser.js';
export { FAULT_NAMES, parseFaults } from './faults.js';
export { SimPlatform } from './platform.js';
export type {
  LaunchFaults,
  LaunchRequestSpec,
  LoginInitiation,
  SimContext,
  SimTool,
  SimToolConfig,
  SimUser,
} from './types.js';

/** URLs of the sandbox LTI 1.3 platform. */
export interface LtiPlatformInfo {
  /** The platform's issuer (Moodle: "Platform ID"). */
  issuer: string;
  /** Moodle: "Public keyset URL". */
  jwksUrl: string;
  /** Moodle: "Authentication request URL". */
  authUrl: string;
  /** Moodle: "Access token URL". */
  tokenUrl: string;
  /** OpenID configuration of the platform. */
  openidConfigurationUrl: string;
  /** Control API: POST a tool configuration (JSON) to register it; GET lists tools with their details. */
  toolsUrl: string;
  /** Control API: POST a launch spec (JSON); answers the login initiation to send to the tool. */
  launchUrl: string;
}

/** Options of the sandbox LTI platform. Durations are milliseconds. */
export interface LtiPlatformOptions {
  /** Tools registered at start. */
  tools?: SimToolConfig[] | undefined;
  /** Users (default: an admin, a teacher and two students with Moodle-like ids). */
  users?: SimUser[] | undefined;
  /** The course launches come from. */
  context?: SimContext | undefined;
  /** id_token lifetime; Moodle's is 60 s (the default). */
  tokenLifetimeMs?: number | undefined;
  /** The platform's clock (ms). */
  now?: (() => number) | undefined;
}

/** The sandbox LTI platform module, with programmatic access to the simulated platform. */
export interface LtiPlatformModule extends SandboxModule<LtiPlatformInfo> {
  /** The platform's state: tools, users, keys. */
  readonly platform: SimPlatform;
}

/**
 * The sandbox LTI 1.3 platform: Moodle-like issuer, JWKS, auth endpoint, token endpoint, AGS and NRPS, launches into
 * any registered tool with fault injection.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox({ lti: { tools: [{ loginUrl, targetLinkUri, jwksUrl }] } });
 * const trace = await simulateLaunch({ platformUrl: sandbox.url, launch: { messageType: 'LtiResourceLinkRequest' } });
 * ```
 */
export function createLtiPlatform(options: LtiPlatformOptions = {}): LtiPlatformModule {
  const platform = new SimPlatform(options);
  const services = new SimServices(platform, new JwksCache({ now: options.now }));
  platform.lineItemFor = (resourceLinkId, label) => {
    const existing = [...services.lineItems.values()].find((item) => item.resourceLinkId === resourceLinkId);
    return (existing ?? services.createLineItem({ label, scoreMaximum: 100, resourceLinkId })).id;
  };
  for (const tool of options.tools ?? []) platform.registerTool(tool);
  return {
    name: 'lti',
    platform,
    routes(router: Router) {
      launchRoutes(platform, router);
      serviceRoutes(services, router);
    },
    async start(context: SandboxStartContext) {
      platform.baseUrl = context.baseUrl;
      platform.issuer = context.baseUrl;
      // the signing key is made in the background: a sandbox used for Moodle only does not wait for it, and
      // the key set and every signature wait for it (SimPlatform.ready)
      platform.ready().catch(() => undefined);
    },
    info(context: SandboxStartContext) {
      return {
        issuer: context.baseUrl,
        jwksUrl: `${context.baseUrl}/mod/lti/certs.php`,
        authUrl: `${context.baseUrl}/mod/lti/auth.php`,
        tokenUrl: `${context.baseUrl}/mod/lti/token.php`,
        openidConfigurationUrl: `${context.baseUrl}/mod/lti/openid-configuration.php`,
        toolsUrl: `${context.baseUrl}${TOOLS_PATH}`,
        launchUrl: `${context.baseUrl}${LAUNCH_PATH}`,
      };
    },
  };
}
