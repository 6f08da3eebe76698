/**
 * LTI 1.3 for tools: registrations (including Moodle's "Tool configuration details"), OIDC login initiation, launch
 * validation that explains every failure, deep linking, LTI Advantage services and tool keys.
 *
 * Every public name is listed here; what is not listed is internal and may change.
 *
 * @module lti
 */

// Claims and the validated launch
export type {
  AgsClaim,
  ContextClaim,
  DeepLinkingSettingsClaim,
  LaunchPresentationClaim,
  LtiLaunch,
  LtiMessageType,
  NrpsClaim,
  ResourceLinkClaim,
  ToolPlatformClaim,
} from './claims.js';
export { CLAIM, hasRole, MESSAGE_TYPES, membershipRole, SCOPE } from './claims.js';
// Deep linking
export type {
  ContentItem,
  DeepLinkingResponse,
  DeepLinkingResponseOptions,
  DeepLinkLineItem,
  FileItem,
  HtmlItem,
  ImageItem,
  LinkItem,
  LtiResourceLinkItem,
} from './deep-linking.js';
export { createDeepLinkingResponse } from './deep-linking.js';
// Health checks
export type { DoctorCheck, DoctorOptions, DoctorTargets } from './doctor.js';
export { runDoctor } from './doctor.js';
// Errors, codes and diagnoses
export type { DiagnosisVars, LtiErrorCode, LtiErrorOptions } from './errors.js';
export {
  explain,
  hintFor,
  LTI_ERROR_CODES,
  LtiConfigError,
  LtiDeepLinkingError,
  LtiError,
  LtiKeySetError,
  LtiLaunchError,
  LtiLoginError,
  LtiServiceError,
} from './errors.js';
// HTTP: framework-neutral shapes, pages, the node:http adapter
export { autoSubmitForm, escapeHtml } from './http/html.js';
export type { NodeHandlerOptions } from './http/node.js';
export { createNodeHandler } from './http/node.js';
export type { LtiHttpRequest, LtiHttpResponse } from './http/request.js';
// Keys: the platforms' key sets and the tool's own keys
export type { JwksCacheOptions } from './keys/jwks-cache.js';
export { JwksCache } from './keys/jwks-cache.js';
export type { KeyLookupContext, KeyRequest, KeySelection, LtiAlgorithm, VerifyKey } from './keys/select.js';
export { ALLOWED_ALGORITHMS, assertJwks, selectStaticKey } from './keys/select.js';
export type { GenerateToolKeyOptions, ToolKeyAlgorithm } from './keys/tool-keys.js';
export { generateToolKey, importToolKey, ToolKey, ToolKeySet } from './keys/tool-keys.js';
// Launch: decoding, validation, login and launch handlers
export type { DecodedJwt } from './launch/decode.js';
export { DEFAULT_MAX_TOKEN_BYTES, decodeJwt } from './launch/decode.js';
export type { LaunchOptions, LaunchResult } from './launch/handle.js';
export { errorResponse, handleLaunch } from './launch/handle.js';
export type { LoginOptions, StateMode } from './launch/login.js';
export { handleLogin } from './launch/login.js';
export type { LaunchValidatorOptions, ValidateOptions } from './launch/validate.js';
export { LaunchValidator, validateLaunch } from './launch/validate.js';
// Registrations
export type {
  LaunchRegistration,
  LtiRegistration,
  MoodleToolDetails,
  RegistrationStore,
} from './registrations.js';
export {
  defineRegistration,
  isMoodle,
  looksLikeMoodle,
  MemoryRegistrationStore,
  parseMoodleToolDetails,
} from './registrations.js';
// LTI Advantage services
export type { LineItem, Result, Score } from './services/ags.js';
export { AgsClient } from './services/ags.js';
export type { Member, MembershipContainer } from './services/nrps.js';
export { NrpsClient, parseMembershipContainer } from './services/nrps.js';
export type { LtiPages } from './services/paging.js';
export type { ServiceContext } from './services/request.js';
export type { ServiceToken, ServiceTokenOptions } from './services/token.js';
export { ServiceTokenProvider } from './services/token.js';
// Single-use stores
export type { LoginState, MemoryStoreOptions, NonceStore, StateStore } from './stores.js';
export { MemoryNonceStore, MemoryStateStore } from './stores.js';
// The tool in one object
export type { LtiToolOptions } from './tool.js';
export { createLtiTool, LtiTool } from './tool.js';
