/**
 * Moodle's LTI 1.3 URLs, built from a site's wwwroot in one place: mod_lti's when Moodle is the platform, enrol_lti's
 * ("Publish as LTI tool") when Moodle is the tool. The paths are the ones a real Moodle 4.5 serves.
 */

/** Paths of mod_lti (Moodle as platform), relative to the wwwroot. */
export const MOODLE_PLATFORM_PATHS = {
  jwks: '/mod/lti/certs.php',
  auth: '/mod/lti/auth.php',
  token: '/mod/lti/token.php',
  openidConfiguration: '/mod/lti/openid-configuration.php',
  registration: '/mod/lti/openid-registration.php',
  startRegistration: '/mod/lti/startltiadvregistration.php',
  services: '/mod/lti/services.php',
  deepLinkingReturn: '/mod/lti/contentitem_return.php',
  launchReturn: '/mod/lti/return.php',
} as const;

/** Paths of enrol_lti (Moodle as tool), relative to the wwwroot. */
export const MOODLE_TOOL_PATHS = {
  launch: '/enrol/lti/launch.php',
  deepLinkingLaunch: '/enrol/lti/launch_deeplink.php',
  login: '/enrol/lti/login.php',
  jwks: '/enrol/lti/jwks.php',
  register: '/enrol/lti/register.php',
} as const;

/** Where a Moodle site, as an LTI platform, answers (the values of its "Tool configuration details" and more). */
export interface MoodlePlatformEndpoints {
  /** Moodle's issuer: its wwwroot, without a trailing slash ("Platform ID"). */
  issuer: string;
  /** "Public keyset URL". */
  jwksUrl: string;
  /** "Authentication request URL". */
  authUrl: string;
  /** "Access token URL". */
  tokenUrl: string;
  /** The OpenID configuration read by tools during Dynamic Registration. */
  openidConfigurationUrl: string;
  /** Where tools POST their Dynamic Registration. */
  registrationUrl: string;
  /** What the admin page opens for "Add LTI Advantage" (`?url=<tool's registration URL>`). */
  startRegistrationUrl: string;
  /** Root of the AGS and NRPS services. */
  servicesUrl: string;
  /** Where tools return deep linking responses. */
  deepLinkingReturnUrl: string;
  /** Where a tool sends the user back after a launch (the launch presentation's `return_url`). */
  launchReturnUrl: string;
}

/** Where a Moodle site, as an LTI tool (enrol_lti), answers. */
export interface MoodleToolEndpoints {
  /** "Tool URL" and the resource link redirect URI. */
  launchUrl: string;
  /** The deep linking redirect URI. */
  deepLinkingLaunchUrl: string;
  /** "Initiate login URL" of one application registration (its unique id). */
  loginUrl(registrationUniqueId: string): string;
  /** "JWKS URL". */
  jwksUrl: string;
  /** "Dynamic registration URL" of one draft registration (its token). */
  registerUrl(registrationToken: string): string;
}

function root(wwwroot: string | URL): string {
  return String(wwwroot).replace(/\/+$/, '');
}

/**
 * Moodle's platform endpoints for a wwwroot.
 *
 * @example
 * ```ts
 * const moodle = moodlePlatformEndpoints('https://lms.example.org');
 * moodle.jwksUrl; // 'https://lms.example.org/mod/lti/certs.php'
 * ```
 */
export function moodlePlatformEndpoints(wwwroot: string | URL): MoodlePlatformEndpoints {
  const base = root(wwwroot);
  const p = MOODLE_PLATFORM_PATHS;
  return {
    issuer: base,
    jwksUrl: base + p.jwks,
    authUrl: base + p.auth,
    tokenUrl: base + p.token,
    openidConfigurationUrl: base + p.openidConfiguration,
    registrationUrl: base + p.registration,
    startRegistrationUrl: base + p.startRegistration,
    servicesUrl: base + p.services,
    deepLinkingReturnUrl: base + p.deepLinkingReturn,
    launchReturnUrl: base + p.launchReturn,
  };
}

/**
 * Moodle's tool (enrol_lti) endpoints for a wwwroot.
 *
 * @example
 * ```ts
 * const moodle = moodleToolEndpoints('https://lms.example.org');
 * moodle.registerUrl('97bf78c0c3'); // 'https://lms.example.org/enrol/lti/register.php?token=97bf78c0c3'
 * ```
 */
export function moodleToolEndpoints(wwwroot: string | URL): MoodleToolEndpoints {
  const base = root(wwwroot);
  const p = MOODLE_TOOL_PATHS;
  return {
    launchUrl: base + p.launch,
    deepLinkingLaunchUrl: base + p.deepLinkingLaunch,
    loginUrl: (id) => `${base}${p.login}?id=${encodeURIComponent(id)}`,
    jwksUrl: base + p.jwks,
    registerUrl: (token) => `${base}${p.register}?token=${encodeURIComponent(token)}`,
  };
}
