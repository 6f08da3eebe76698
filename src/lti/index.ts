/**
 * LTI 1.3 for tools: registrations (including Moodle's "Tool configuration details"), OIDC login initiation, launch
 * validation that explains every failure, deep linking, LTI Advantage services and tool keys.
 *
 * @module lti
 */
export * from './claims.js';
export * from './deep-linking.js';
export type { DiagnosisVars } from './diagnose.js';
export { explain, hintFor, looksLikeMoodle } from './diagnose.js';
export * from './doctor.js';
export * from './errors.js';
export * from './http.js';
export * from './jwks.js';
export * from './jwt.js';
export type { KeyLookupContext, KeyRequest, KeySelection, LtiAlgorithm, VerifyKey } from './key-select.js';
export { ALLOWED_ALGORITHMS, assertJwks, cacheLifetimeMs, selectStaticKey } from './key-select.js';
export * from './keys.js';
export * from './launch.js';
export * from './login.js';
export * from './node-http.js';
export * from './registrations.js';
export * from './services/ags.js';
export * from './services/nrps.js';
export * from './services/paging.js';
export type { ServiceAnswer, ServiceCall, ServiceContext } from './services/request.js';
export * from './services/token.js';
export * from './stores.js';
export * from './tool.js';
export * from './validate-launch.js';
