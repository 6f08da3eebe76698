/** The claim names of LTI 1.3, Deep Linking 2.0, AGS and NRPS, and the typed shape of a validated launch. */

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';

/** Full claim names (JWT payload keys). */
export const CLAIM = {
  messageType: `${LTI}message_type`,
  version: `${LTI}version`,
  deploymentId: `${LTI}deployment_id`,
  targetLinkUri: `${LTI}target_link_uri`,
  resourceLink: `${LTI}resource_link`,
  roles: `${LTI}roles`,
  roleScopeMentor: `${LTI}role_scope_mentor`,
  forUser: `${LTI}for_user`,
  context: `${LTI}context`,
  toolPlatform: `${LTI}tool_platform`,
  launchPresentation: `${LTI}launch_presentation`,
  custom: `${LTI}custom`,
  lis: `${LTI}lis`,
  ext: `${LTI}ext`,
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  deepLinkingContentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  deepLinkingData: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  deepLinkingMsg: 'https://purl.imsglobal.org/spec/lti-dl/claim/msg',
  deepLinkingLog: 'https://purl.imsglobal.org/spec/lti-dl/claim/log',
  deepLinkingErrorMsg: 'https://purl.imsglobal.org/spec/lti-dl/claim/errormsg',
  deepLinkingErrorLog: 'https://purl.imsglobal.org/spec/lti-dl/claim/errorlog',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  basicOutcome: 'https://purl.imsglobal.org/spec/lti-bo/claim/basicoutcome',
} as const;

/** OAuth2 scopes of the LTI Advantage services. */
export const SCOPE = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadOnly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadOnly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
} as const;

/**
 * The message types a validator accepts unless told otherwise: resource link launches (LTI Core) and deep linking
 * requests (Deep Linking 2.0). Other types reach a tool only when it says it handles them (`messageTypes`), so a
 * tool that never heard of a privacy launch does not show it the course page.
 */
export const MESSAGE_TYPES = ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'] as const;

/**
 * Every message type whose own required claims the validator checks: the defaults, the submission review message
 * (LTI Submission Review 1.0: AGS `lineitem` and `for_user.user_id`) and the data privacy launch (LTI Data Privacy
 * Launch 1.0, sent by Canvas). Any other type can still be accepted by name; then only the LTI Core claims are
 * checked.
 *
 * @example
 * ```ts
 * new LaunchValidator({ registrations, messageTypes: [...MESSAGE_TYPES, 'LtiSubmissionReviewRequest'] });
 * ```
 */
export const KNOWN_MESSAGE_TYPES = [
  ...MESSAGE_TYPES,
  'LtiSubmissionReviewRequest',
  'DataPrivacyLaunchRequest',
] as const;

/** A message type the validator knows by its required claims ({@link KNOWN_MESSAGE_TYPES}). */
export type LtiMessageType = (typeof KNOWN_MESSAGE_TYPES)[number];

/** A message type a tool may accept: a known one, or any other name (checked for the LTI Core claims only). */
export type AcceptedMessageType = LtiMessageType | (string & {});

/** The resource link claim. */
export interface ResourceLinkClaim {
  id: string;
  title?: string | undefined;
  description?: string | undefined;
}

/** The context (course) claim. */
export interface ContextClaim {
  id: string;
  label?: string | undefined;
  title?: string | undefined;
  type?: string[] | undefined;
}

/** The tool platform claim (Moodle sends `product_family_code: "moodle"`). */
export interface ToolPlatformClaim {
  guid?: string | undefined;
  name?: string | undefined;
  version?: string | undefined;
  product_family_code?: string | undefined;
  description?: string | undefined;
  url?: string | undefined;
  contact_email?: string | undefined;
}

/** The launch presentation claim. */
export interface LaunchPresentationClaim {
  document_target?: 'frame' | 'iframe' | 'window' | string | undefined;
  height?: number | undefined;
  width?: number | undefined;
  return_url?: string | undefined;
  locale?: string | undefined;
}

/** The deep linking settings of an `LtiDeepLinkingRequest`. */
export interface DeepLinkingSettingsClaim {
  deep_link_return_url: string;
  accept_types: string[];
  accept_presentation_document_targets: string[];
  accept_media_types?: string | undefined;
  accept_multiple?: boolean | undefined;
  accept_lineitem?: boolean | undefined;
  auto_create?: boolean | undefined;
  title?: string | undefined;
  text?: string | undefined;
  /** Opaque value to echo back in the response, only when present. */
  data?: string | undefined;
}

/** The user a message is about when it is not the user launching (submission review, data privacy launch). */
export interface ForUserClaim {
  /** LTI Submission Review names the user `user_id`; Canvas's privacy launch sends `id`. */
  user_id?: string | undefined;
  id?: string | undefined;
  person_sourcedid?: string | undefined;
  given_name?: string | undefined;
  family_name?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
  roles?: string[] | undefined;
}

/** The AGS endpoint claim. */
export interface AgsClaim {
  scope: string[];
  lineitems?: string | undefined;
  lineitem?: string | undefined;
}

/** The NRPS claim. */
export interface NrpsClaim {
  context_memberships_url: string;
  service_versions: string[];
}

/** A validated launch: the raw payload plus its claims under short names. */
export interface LtiLaunch {
  /** The platform's issuer. */
  issuer: string;
  /** This tool's client_id on that platform. */
  clientId: string;
  deploymentId: string;
  messageType: AcceptedMessageType;
  version: '1.3.0';
  /** Required in a resource link launch; other messages may omit it (then it is undefined). */
  targetLinkUri: string | undefined;
  /** The user's id on the platform; undefined for an anonymous launch. */
  userId: string | undefined;
  roles: string[];
  resourceLink: ResourceLinkClaim | undefined;
  context: ContextClaim | undefined;
  toolPlatform: ToolPlatformClaim | undefined;
  launchPresentation: LaunchPresentationClaim | undefined;
  custom: Record<string, string>;
  deepLinking: DeepLinkingSettingsClaim | undefined;
  ags: AgsClaim | undefined;
  nrps: NrpsClaim | undefined;
  /** The `for_user` claim of a submission review or data privacy launch. */
  forUser: ForUserClaim | undefined;
  /** `name`, `given_name`, `family_name`, `email`, `picture`, `locale` when the platform shared them. */
  user: {
    name?: string | undefined;
    givenName?: string | undefined;
    familyName?: string | undefined;
    email?: string | undefined;
    picture?: string | undefined;
    locale?: string | undefined;
  };
  /** The key that signed the token. */
  kid: string | undefined;
  /** Every claim as sent. */
  payload: Record<string, unknown>;
}

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';
const CONTEXT_ROLES = [
  'Administrator',
  'ContentDeveloper',
  'Instructor',
  'Learner',
  'Mentor',
  'Manager',
  'Member',
  'Officer',
];
/** The role vocabularies of LTI 1.3 (Core, appendix A.2): system, institution and context roles. */
const VOCABULARY = new Set([
  ...['Administrator', 'None', 'AccountAdmin', 'Creator', 'SysAdmin', 'SysSupport', 'User'].map(
    (r) => `${LIS}system/person#${r}`,
  ),
  ...[
    'Administrator',
    'Faculty',
    'Guest',
    'None',
    'Other',
    'Staff',
    'Student',
    'Alumni',
    'Instructor',
    'Learner',
    'Member',
    'Mentor',
    'Observer',
    'ProspectiveStudent',
  ].map((r) => `${LIS}institution/person#${r}`),
  ...CONTEXT_ROLES.map((r) => `${LIS}membership#${r}`),
  'http://purl.imsglobal.org/vocab/lti/system/person#TestUser',
  // The short context role names, deprecated but allowed in LTI 1.3.
  ...CONTEXT_ROLES,
]);
const SUB_ROLE = new RegExp(`^${LIS.replace(/[./]/g, '\\$&')}membership/(${CONTEXT_ROLES.join('|')})#\\w+$`);

/**
 * True when `role` is in one of the LTI role vocabularies (a system, institution or context role, a context
 * sub-role, or a short context role name).
 * @internal
 */
export function isVocabularyRole(role: string): boolean {
  return VOCABULARY.has(role) || SUB_ROLE.test(role);
}

const ROLE_PREFIX =
  /^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/(membership|institution\/person|system\/person)#/;

/**
 * True when `roles` holds a role by its short name (`Instructor`, `Learner`, `Administrator`...) in any of the
 * LIS vocabularies, or as the bare short name that some platforms (Moodle's NRPS) send.
 *
 * @example
 * ```ts
 * if (hasRole(launch.roles, 'Instructor')) showGradebook();
 * ```
 */
export function hasRole(roles: readonly string[], shortName: string): boolean {
  return roles.some((role) => role === shortName || role.replace(ROLE_PREFIX, '') === shortName);
}

/** Full URI of a context membership role (`Instructor` → `http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor`). */
export function membershipRole(shortName: string): string {
  return shortName.includes('://')
    ? shortName
    : `http://purl.imsglobal.org/vocab/lis/v2/membership#${shortName}`;
}
