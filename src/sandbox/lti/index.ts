import { JwksCache, moodlePlatformEndpoints } from '../../lti/index.js';
import type { Router } from '../http.js';
import type { SandboxModule, SandboxStartContext } from '../types.js';
import { RegistrationDesk } from './dynreg/platform-side.js';
import { REGISTER_PATH, registrationRoutes } from './dynreg/routes.js';
import { LAUNCH_PATH, launchRoutes, TOOLS_PATH } from './launch-routes.js';
import { GRADEBOOK_PATH, PAGES_PATH, pageRoutes } from './pages.js';
import { SimPlatform } from './platform.js';
import { serviceRoutes } from './service-routes.js';
import { SimServices } from './services.js';
import type { SimContext, SimToolConfig, SimUser } from './types.js';

export type { LaunchFailure, LaunchTrace, LaunchTraceStep, SimulatedLaunchOptions } from './browser.js';
export { describeLaunchFailure, simulateLaunch } from './browser.js';
export type {
  DynamicRegistrationOutcome,
  RegisteringTool,
  RegisterWithPlatformOptions,
  RegistrationGrant,
} from './dynreg/client.js';
export { clientRegistrationRequest, registerWithPlatform } from './dynreg/client.js';
export type { DynamicRegistrationErrorCode } from './dynreg/errors.js';
export { DYNREG_ERROR_CODES, DynamicRegistrationError } from './dynreg/errors.js';
export type {
  ClientRegistration,
  ClientRegistrationAnswer,
  PlatformConfiguration,
  PlatformOpenIdConfiguration,
  ToolConfiguration,
  ToolMessage,
} from './dynreg/messages.js';
export type { MoodleRefusal } from './dynreg/moodle-rules.js';
export { moodleRegistrationRefusal } from './dynreg/moodle-rules.js';
export type { DeskAnswer, ReceivedRegistration, RegistrationMode } from './dynreg/platform-side.js';
export { RegistrationDesk } from './dynreg/platform-side.js';
export { FAULT_NAMES, parseFaults } from './faults.js';
export { SimPlatform } from './platform.js';
export type { LaunchCheck } from './tool/checks.js';
export type { ToolEmulator, ToolEmulatorOptions, ToolEvent } from './tool/emulator.js';
export { startToolEmulator } from './tool/emulator.js';
export type { KeyOrigin, StoredRegistration, ToolHomeOptions } from './tool/home.js';
export { ToolHome } from './tool/home.js';
export type { ToolUrls } from './tool/pages.js';
export type { RecordedExchange } from './tool/recording.js';
export type { LaunchRecord, ServiceCallRecord } from './tool/records.js';
export { checkToolConfig } from './tool-config.js';
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
  /** Where tools POST their Dynamic Registration (Moodle: openid-registration.php). */
  registrationUrl: string;
  /** Moodle's "Add LTI Advantage": GET `?url=<tool's registration URL>` to start a registration. */
  startRegistrationUrl: string;
  /** Control API: POST `{"url": ...}` to register this platform INTO a tool that offers Dynamic Registration. */
  registerUrl: string;
  /** The platform's pages: tools, users, launches, deep linking results. */
  pagesUrl: string;
  /** The gradebook page: the scores tools posted. */
  gradebookUrl: string;
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
  /** Dynamic Registration: tokens issued, registrations received. */
  readonly registrations: RegistrationDesk;
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
  const registrations = new RegistrationDesk(platform);
  return {
    name: 'lti',
    platform,
    registrations,
    routes(router: Router) {
      launchRoutes(platform, router);
      serviceRoutes(services, router);
      registrationRoutes(registrations, router);
      pageRoutes(platform, services, registrations, router);
    },
    async start(context: SandboxStartContext) {
      platform.baseUrl = context.baseUrl;
      platform.issuer = context.baseUrl;
      // the signing key is made in the background: a sandbox used for Moodle only does not wait for it, and
      // the key set and every signature wait for it (SimPlatform.ready)
      platform.ready().catch(() => undefined);
    },
    info(context: SandboxStartContext) {
      const urls = moodlePlatformEndpoints(context.baseUrl);
      return {
        issuer: urls.issuer,
        jwksUrl: urls.jwksUrl,
        authUrl: urls.authUrl,
        tokenUrl: urls.tokenUrl,
        openidConfigurationUrl: urls.openidConfigurationUrl,
        toolsUrl: `${context.baseUrl}${TOOLS_PATH}`,
        launchUrl: `${context.baseUrl}${LAUNCH_PATH}`,
        registrationUrl: urls.registrationUrl,
        startRegistrationUrl: urls.startRegistrationUrl,
        registerUrl: `${context.baseUrl}${REGISTER_PATH}`,
        pagesUrl: `${context.baseUrl}${PAGES_PATH}`,
        gradebookUrl: `${context.baseUrl}${GRADEBOOK_PATH}`,
      };
    },
  };
}
