/**
 * The local sandbox: a Moodle REST site, a Totara GraphQL API and an LTI 1.3 platform on 127.0.0.1, built from
 * real definitions, for offline development and tests.
 *
 * @module sandbox
 */

export type { RouteHandler } from './http.js';
export { HttpStatusError, Router, readBody, readForm, sendJson, sendText } from './http.js';
export type {
  ClientRegistration,
  ClientRegistrationAnswer,
  DeskAnswer,
  DynamicRegistrationErrorCode,
  DynamicRegistrationOutcome,
  KeyOrigin,
  LaunchCheck,
  LaunchFaults,
  LaunchRecord,
  LaunchRequestSpec,
  LaunchTrace,
  LaunchTraceStep,
  LoginInitiation,
  LtiPlatformInfo,
  LtiPlatformModule,
  LtiPlatformOptions,
  MoodleRefusal,
  PlatformConfiguration,
  PlatformOpenIdConfiguration,
  ReceivedRegistration,
  RecordedExchange,
  RegisteringTool,
  RegisterWithPlatformOptions,
  RegistrationGrant,
  RegistrationMode,
  ServiceCallRecord,
  SimContext,
  SimTool,
  SimToolConfig,
  SimUser,
  SimulatedLaunchOptions,
  StoredRegistration,
  ToolConfiguration,
  ToolEmulator,
  ToolEmulatorOptions,
  ToolEvent,
  ToolHomeOptions,
  ToolMessage,
  ToolUrls,
} from './lti/index.js';
export {
  clientRegistrationRequest,
  createLtiPlatform,
  DYNREG_ERROR_CODES,
  DynamicRegistrationError,
  moodleRegistrationRefusal,
  RegistrationDesk,
  registerWithPlatform,
  SimPlatform,
  simulateLaunch,
  startToolEmulator,
  ToolHome,
} from './lti/index.js';
export type { MoodleSandboxInfo, MoodleSandboxOptions } from './moodle/index.js';
export { createMoodleSandbox } from './moodle/index.js';
export type { Sandbox, SandboxOptions } from './server.js';
export { startSandbox } from './server.js';
export type { TotaraSandboxInfo, TotaraSandboxOptions } from './totara/index.js';
export { createTotaraSandbox } from './totara/index.js';
export type { SandboxModule, SandboxStartContext } from './types.js';
