/**
 * The local sandbox: a Moodle REST site, a Totara GraphQL API and an LTI 1.3 platform on 127.0.0.1, built from
 * real definitions, for offline development and tests.
 *
 * @module sandbox
 */

export type { RouteHandler } from './http.js';
export { HttpStatusError, Router, readBody, readForm, sendJson, sendText } from './http.js';
export type {
  LaunchFaults,
  LaunchRequestSpec,
  LaunchTrace,
  LaunchTraceStep,
  LoginInitiation,
  LtiPlatformInfo,
  LtiPlatformModule,
  LtiPlatformOptions,
  SimContext,
  SimTool,
  SimToolConfig,
  SimUser,
  SimulatedLaunchOptions,
} from './lti/index.js';
export { createLtiPlatform, SimPlatform, simulateLaunch } from './lti/index.js';
export type { MoodleSandboxInfo, MoodleSandboxOptions } from './moodle/index.js';
export { createMoodleSandbox } from './moodle/index.js';
export type { Sandbox, SandboxOptions } from './server.js';
export { startSandbox } from './server.js';
export type { TotaraSandboxInfo, TotaraSandboxOptions } from './totara/index.js';
export { createTotaraSandbox } from './totara/index.js';
export type { SandboxModule, SandboxStartContext } from './types.js';
