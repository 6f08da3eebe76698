/** The failures of LTI Dynamic Registration, each with a stable code and a hint in Moodle's words. */
import { MtsError, type MtsErrorOptions } from '../../../core/errors.js';

/** Every code a {@link DynamicRegistrationError} can carry. */
export const DYNREG_ERROR_CODES = [
  /** The registration URL was opened without `openid_configuration` (not from a platform). */
  'dynreg.initiation_invalid',
  /** The platform's OpenID configuration could not be fetched. */
  'dynreg.openid_configuration_unreachable',
  /** The OpenID configuration is not JSON or lacks an endpoint. */
  'dynreg.openid_configuration_invalid',
  /** The platform refused the registration (4xx/5xx). */
  'dynreg.registration_refused',
  /** The platform answered 2xx without a usable `client_id`. */
  'dynreg.registration_answer_invalid',
  /** A registration into a tool did not complete (the tool never posted its registration). */
  'dynreg.registration_not_received',
] as const;

/** One of {@link DYNREG_ERROR_CODES}. */
export type DynamicRegistrationErrorCode = (typeof DYNREG_ERROR_CODES)[number];

/** A Dynamic Registration step failed; `status` and `upstream` keep what the other side answered. */
export class DynamicRegistrationError extends MtsError {
  declare readonly code: DynamicRegistrationErrorCode;
  /** HTTP status of the other side's answer, when there was one. */
  readonly status: number | undefined;
  /** The other side's own error text (Moodle: `domain_targetlinkuri_mismatch`, an error page's message...). */
  readonly upstream: string | undefined;
  constructor(
    code: DynamicRegistrationErrorCode,
    message: string,
    options: MtsErrorOptions & { status?: number | undefined; upstream?: string | undefined } = {},
  ) {
    super(code, message, options);
    this.status = options.status;
    this.upstream = options.upstream;
  }
}

const TOOLS_PAGE =
  'Site administration > Plugins > Activity modules > External tool > Manage tools ("Tool URL" + "Add LTI Advantage")';

/** What to do about a registration refused by Moodle (its plain-text error codes). */
export function moodleRefusalHint(upstream: string | undefined, status: number | undefined): string {
  const text = upstream ?? '';
  if (text.includes('domain_targetlinkuri_mismatch'))
    return 'Moodle compares the tool configuration\'s "domain" with the host of target_link_uri, port included: send domain "host:port" when the tool is not on port 80/443.';
  if (text.startsWith('missing required attribute'))
    return `Moodle requires ${text.slice('missing required attribute '.length)} in the registration (client_name is required by Moodle although RFC 7591 makes it optional).`;
  if (text.includes('invalid_token_endpoint_auth_method'))
    return 'Moodle accepts only token_endpoint_auth_method "private_key_jwt".';
  if (text.includes('invalid_application_type')) return 'Moodle accepts application_type "web" or none.';
  if (text.includes('invalid_response_types')) return 'response_types must include "id_token".';
  if (text.includes('missing_registration_token'))
    return 'Send the registration_token from the registration URL as "Authorization: Bearer <token>".';
  if (text.includes('token_already_used'))
    return `This registration URL was used already. Start again from ${TOOLS_PAGE}.`;
  if (/expired/i.test(text))
    return `Moodle's registration token lives one hour: start again from ${TOOLS_PAGE}.`;
  if (/signature/i.test(text))
    return 'The registration token was altered: pass the registration_token exactly as the platform gave it.';
  if (status === 404)
    return `Moodle answered with an error page: the registration token was refused. Start again from ${TOOLS_PAGE}.`;
  return "Read the platform's answer above, fix the registration and start again from the platform.";
}

/** What to do when Moodle (as a tool) cannot reach this platform during registration or launch. */
export const MOODLE_CURL_SECURITY_HINT =
  'Moodle blocks its own outgoing requests to 127.0.0.0/8, localhost and private networks, and to ports other than 80 and 443. ' +
  'In Site administration > General > Security > HTTP security, remove the platform\'s host from "cURL blocked hosts list" ' +
  '(curlsecurityblockedhosts) and add its port to "cURL allowed ports list" (curlsecurityallowedport), then try again.';

const PUBLISHED =
  'Moodle shows it as "Custom properties: id=…" on the course\'s "Published as LTI tools" page (Course > More > Published as LTI tools)';

/**
 * What to do about an error page of Moodle as a tool (enrol_lti), from its message: the launch failures captured
 * from a real Moodle 4.5 (`moodle-4.5/lti-dynreg/B-errors/`).
 *
 * @example
 * ```ts
 * moodleToolFailureHint("Invalid launch data. The custom claim field 'id' is required");
 * ```
 */
export function moodleToolFailureHint(message: string): string | undefined {
  if (/custom claim field 'id' is required/i.test(message))
    return `Moodle as a tool needs the custom claim "id": the published resource's UUID. Pass --custom id=<uuid>; ${PUBLISHED}.`;
  if (/is unavailable or does not exist/i.test(message))
    return `No published resource has this "id", or it is disabled: copy the UUID again (${PUBLISHED}).`;
  if (/Unable to find public key/i.test(message)) return MOODLE_CURL_SECURITY_HINT;
  if (/Unable to find deployment/i.test(message))
    return "Moodle knows no deployment with this deployment_id: it creates one from the registration answer's deployment_id, or an admin adds one (Publish as LTI tool > Tool registration > Deployments).";
  if (/Registration not found/i.test(message))
    return 'Moodle has no platform registration with this issuer and client_id: register again (a new "Dynamic registration URL" in Publish as LTI tool > Tool registration).';
  if (/target_link_uri param must match/i.test(message))
    return 'Moodle as a tool accepts only its own launch URLs as target_link_uri (enrol/lti/launch.php, launch_deeplink.php); the resource is chosen by the custom claim id.';
  if (/problem fetching the OpenID configuration|blocked hosts/i.test(message))
    return MOODLE_CURL_SECURITY_HINT;
  if (/Invalid or expired registration URL/i.test(message))
    return 'A Moodle registration URL works once: make a new one (Publish as LTI tool > Tool registration > Register a platform).';
  return undefined;
}
