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
