/**
 * The messages of LTI Dynamic Registration 1.0: the platform's OpenID configuration, the tool's client registration
 * request, and the platform's answer. Field names are the spec's (snake_case), as they travel.
 */

/** The tool configuration inside a client registration (request and answer). */
export const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
/** The LTI part of a platform's OpenID configuration. */
export const PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration';

/** One message a tool offers (`LtiResourceLinkRequest`, `LtiDeepLinkingRequest`). */
export interface ToolMessage {
  type: string;
  target_link_uri?: string | undefined;
  label?: string | undefined;
  placements?: string[] | undefined;
  /** Moodle as tool sends it: may learners use this message. */
  allowLearner?: boolean | undefined;
  custom_parameters?: Record<string, string> | undefined;
}

/** `https://purl.imsglobal.org/spec/lti-tool-configuration`. */
export interface ToolConfiguration {
  /** Host of the tool; Moodle as platform compares it with target_link_uri's host, port included. */
  domain: string;
  secondary_domains?: string[] | undefined;
  target_link_uri?: string | undefined;
  custom_parameters?: Record<string, string> | undefined;
  description?: string | undefined;
  /** Claims the tool wants; Moodle sends name and email only when they are listed. */
  claims?: string[] | undefined;
  messages?: ToolMessage[] | undefined;
  /** In the platform's answer: the deployment it created. */
  deployment_id?: string | undefined;
  /** In Moodle's answer: the LTI version. */
  version?: string | undefined;
}

/** A client registration request (RFC 7591 plus the LTI tool configuration). */
export interface ClientRegistration {
  application_type?: string | undefined;
  response_types: string[];
  grant_types: string[];
  initiate_login_uri: string;
  redirect_uris: string[];
  client_name: string;
  jwks_uri: string;
  logo_uri?: string | undefined;
  token_endpoint_auth_method: string;
  contacts?: string[] | undefined;
  /** Space-separated scopes. */
  scope?: string | undefined;
  [TOOL_CONFIGURATION]: ToolConfiguration;
}

/** The platform's answer: the registration as it kept it, with the `client_id` it issued. */
export interface ClientRegistrationAnswer extends Partial<ClientRegistration> {
  client_id: string;
}

/** The LTI part of a platform's OpenID configuration. */
export interface PlatformConfiguration {
  product_family_code?: string | undefined;
  version?: string | undefined;
  messages_supported?: Array<{ type: string; placements?: string[] | undefined }> | undefined;
  variables?: string[] | undefined;
}

/** A platform's OpenID configuration, as Dynamic Registration reads it. */
export interface PlatformOpenIdConfiguration {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  registration_endpoint: string;
  token_endpoint_auth_methods_supported?: string[] | undefined;
  token_endpoint_auth_signing_alg_values_supported?: string[] | undefined;
  scopes_supported?: string[] | undefined;
  response_types_supported?: string[] | undefined;
  subject_types_supported?: string[] | undefined;
  id_token_signing_alg_values_supported?: string[] | undefined;
  claims_supported?: string[] | undefined;
  [PLATFORM_CONFIGURATION]?: PlatformConfiguration | undefined;
}
