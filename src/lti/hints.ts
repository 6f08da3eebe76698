/**
 * The diagnosis of every LTI error code: what to change and where, in Moodle's own words (the labels of its external
 * tool form and of its "Tool configuration details" page) when the platform is Moodle, in LTI terms otherwise.
 */

/** Values a hint may quote. */
export interface DiagnosisVars {
  [name: string]: string | number | undefined;
}

export type HintText = string | ((vars: DiagnosisVars) => string);
export interface HintEntry {
  generic: HintText;
  moodle?: HintText;
}

const EDIT_TOOL =
  'In Moodle open Site administration > Plugins > Activity modules > External tool > Manage tools (or the course\'s "LTI External tools" page) and edit the tool';
const DETAILS =
  'the tool\'s "Tool configuration details" in Moodle (the "View configuration details" link on the tool\'s card in Manage tools: Platform ID, Client ID, Deployment ID, Public keyset URL, Access token URL, Authentication request URL)';

const q = (value: string | number | undefined) => (value === undefined ? '(none)' : `"${value}"`);

// Keyed by LtiErrorCode: errors.ts checks every key (this file imports nothing back from it, so no cycle).
export const HINTS = {
  'lti.token_missing': {
    generic:
      "The platform did not post an id_token to the redirect URI. Check that the tool's redirect URI is the URL that runs the launch handler, and that the platform answers with response_mode=form_post.",
    moodle: `Moodle posts id_token and state to the URL registered as "Redirection URI(s)". ${EDIT_TOOL} and make sure "Redirection URI(s)" lists exactly the URL of your launch handler.`,
  },
  'lti.token_too_large': {
    generic:
      'The id_token is far larger than any real launch. Raise maxTokenBytes if your platform really sends huge custom claims; otherwise this is not a launch.',
  },
  'lti.token_malformed': {
    generic:
      'An id_token is three base64url parts joined by dots. The value was cut, re-encoded or is not a JWT: post the raw id_token field unchanged.',
  },
  'lti.token_header_invalid': { generic: 'The JWT header is not a JSON object: the token is not a JWS.' },
  'lti.token_payload_invalid': {
    generic: 'The JWT payload is not a JSON object: the token is not an LTI message.',
  },
  'lti.alg_not_allowed': {
    generic: (v) =>
      `LTI 1.3 launches are signed with an asymmetric key (RS256 and friends). ${q(v.alg)} is refused: "none" and HMAC are never accepted. Configure the platform to sign with RS256.`,
  },
  'lti.kid_missing': {
    generic:
      'The token\'s header has no "kid". LTI requires the platform to name its signing key in every JWT header (Security Framework 6.3; the 1EdTech certification test "Correct KID Required in Header"), even when its key set holds one key: configure the platform to send the key id.',
  },
  'lti.kid_unknown': {
    generic: (v) =>
      `The platform signed with key ${q(v.kid)} but its key set (${v.jwksUrl ?? 'the configured keys'}) holds ${v.kids || 'no keys'}. The platform rotated its key, or the tool points at another platform's key set: fix the registration's JWKS URL.`,
    moodle: (v) =>
      `Moodle signed with key ${q(v.kid)} but the key set at ${v.jwksUrl ?? 'the configured URL'} holds ${v.kids || 'no keys'}. Set the tool's platform key set URL to Moodle's "Public keyset URL" (${DETAILS}); it ends in /mod/lti/certs.php.`,
  },
  'lti.key_unusable': {
    generic: (v) =>
      `The key ${q(v.kid)} in the platform's key set cannot verify ${q(v.alg)} signatures (wrong type, or a different "alg"). Check the platform's key set.`,
  },
  'lti.key_too_small': {
    generic: (v) =>
      `The platform signed with key ${q(v.kid)}, a ${v.bits}-bit RSA key; LTI tools accept RSA keys of 2048 bits or more, since shorter ones can be forged. The platform still uses a demo or legacy key (Canvas's development default key in dynamic_settings.yml is 512 bits): generate a 2048-bit (or larger) key on the platform and publish it in its key set.`,
    moodle: (v) =>
      `Moodle signed with key ${q(v.kid)}, a ${v.bits}-bit RSA key; LTI tools accept RSA keys of 2048 bits or more. Moodle makes a 2048-bit key when it has none (mod_lti settings "privatekey" and "kid"), so this one was put there by hand: clear both (php admin/cli/cfg.php --component=mod_lti --name=privatekey --unset, the same for kid) then save an LTI 1.3 tool in Manage tools: Moodle generates a new 2048-bit key when the form is saved.`,
  },
  'lti.signature_invalid': {
    generic: (v) =>
      `The signature does not match key ${q(v.kid)} (key set holds ${v.kids || 'no keys'}). The token was altered, or the key set belongs to another platform: check the registration's JWKS URL.`,
    moodle: (v) =>
      `The signature does not match Moodle's key ${q(v.kid)} (key set holds ${v.kids || 'no keys'}). The token was altered in transit, or the tool uses another site's "Public keyset URL": compare it with ${DETAILS}.`,
  },
  'lti.jwks_unreachable': {
    generic: (v) =>
      `The tool could not reach the platform's key set at ${v.jwksUrl}. Check the URL, DNS and firewall between the tool and the platform.`,
    moodle: (v) =>
      `The tool could not reach Moodle's "Public keyset URL" ${v.jwksUrl}. Check it against ${DETAILS}, and that the tool's server can reach Moodle.`,
  },
  'lti.jwks_timeout': {
    generic: (v) =>
      `The platform's key set at ${v.jwksUrl} did not answer in time. The platform is slow or unreachable; raise jwksTimeoutMs or check the network.`,
  },
  'lti.jwks_http_error': {
    generic: (v) =>
      `The platform's key set URL ${v.jwksUrl} answered HTTP ${v.status}. Check the URL in the registration.`,
    moodle: (v) =>
      `Moodle's key set URL ${v.jwksUrl} answered HTTP ${v.status}. Copy the "Public keyset URL" from ${DETAILS}.`,
  },
  'lti.jwks_invalid': {
    generic: (v) =>
      `${v.jwksUrl ?? 'The key set'} did not return a JSON Web Key Set ({"keys": [...]}). Check that the URL is the platform's JWKS endpoint and not a login page.`,
  },
  'lti.jwks_missing': {
    generic:
      "The registration names neither a JWKS URL nor keys: add the platform's JWKS URL to the registration.",
    moodle: `Add Moodle's "Public keyset URL" to the registration (${DETAILS}).`,
  },
  'lti.iss_missing': { generic: 'The token has no "iss" claim: it is not an LTI launch.' },
  'lti.issuer_unknown': {
    generic: (v) =>
      `No registration for issuer ${q(v.iss)}${v.clientId ? ` and client_id ${q(v.clientId)}` : ''}. Register the platform with this issuer, or check the platform's issuer setting.`,
    moodle: (v) =>
      `No registration for issuer ${q(v.iss)}${v.clientId ? ` and client_id ${q(v.clientId)}` : ''}. Register the platform with Moodle's "Platform ID" and "Client ID" (${DETAILS}).`,
  },
  'lti.issuer_mismatch': {
    generic: (v) =>
      `Expected issuer ${q(v.expected)}, the token says ${q(v.got)}. The registration's issuer must equal the platform's issuer exactly (scheme, host, port, path, no trailing slash difference).`,
    moodle: (v) =>
      `Expected issuer ${q(v.expected)}, Moodle says ${q(v.got)}. Moodle's issuer is its wwwroot: copy "Platform ID" from ${DETAILS} exactly (http/https, port, sub-path).`,
  },
  'lti.aud_missing': { generic: 'The token has no "aud" claim: it is not addressed to any tool.' },
  'lti.audience_mismatch': {
    generic: (v) =>
      v.expected === undefined
        ? `The token is addressed to ${q(v.got)}, which is not a client_id registered for issuer ${q(v.iss)}. Register the client_id the platform issued for this tool, or check which tool the platform launched.`
        : `The token is addressed to ${q(v.got)}, not to this tool's client_id ${q(v.expected)}. Set the registration's client_id to the one the platform issued for this tool.`,
    moodle: (v) =>
      v.expected === undefined
        ? `Moodle addressed the token to client ${q(v.got)}, which is not a Client ID registered for ${q(v.iss)}. Copy "Client ID" from ${DETAILS} into the tool's registration; each Moodle tool configuration has its own Client ID.`
        : `Moodle addressed the token to client ${q(v.got)}, not ${q(v.expected)}. Copy "Client ID" from ${DETAILS} into the tool's registration; each Moodle tool configuration has its own Client ID.`,
  },
  'lti.azp_missing': {
    generic:
      'The token has several audiences but no "azp" (authorised party); the spec requires azp in that case. Fix the platform, or register the tool so the platform sends a single audience.',
  },
  'lti.azp_mismatch': {
    generic: (v) =>
      `"azp" is ${q(v.got)}, not this tool's client_id ${q(v.expected)}. The token was meant for another tool.`,
  },
  'lti.exp_missing': { generic: 'The token has no "exp": the platform must give every id_token an expiry.' },
  'lti.iat_missing': {
    generic: 'The token has no "iat": the platform must say when it issued the id_token.',
  },
  'lti.token_expired': {
    generic: (v) =>
      `The token expired ${v.ageSeconds} s ago (tolerance ${v.toleranceSeconds} s). Either the launch took too long (a slow redirect, a user on the login page), the form was re-posted, or this server's clock is ahead of the platform's: sync the clock (NTP) or raise clockToleranceMs.`,
    moodle: (v) =>
      `The token expired ${v.ageSeconds} s ago (tolerance ${v.toleranceSeconds} s). Moodle's id_tokens live 60 seconds, so the browser took too long, the form was re-posted (back button), or this server's clock is ahead of Moodle's: sync both clocks (NTP) or raise clockToleranceMs.`,
  },
  'lti.token_issued_in_future': {
    generic: (v) =>
      `The token was issued ${v.skewSeconds} s in the future (tolerance ${v.toleranceSeconds} s): this server's clock is behind the platform's. Sync both clocks (NTP) or raise clockToleranceMs.`,
  },
  'lti.token_not_yet_valid': {
    generic: (v) =>
      `The token is not valid before ${v.nbf} (in ${v.skewSeconds} s): the clocks disagree. Sync both clocks (NTP) or raise clockToleranceMs.`,
  },
  'lti.sub_invalid': {
    generic: 'The "sub" claim must be a non-empty string (or absent for an anonymous launch).',
  },
  'lti.nonce_missing': {
    generic: 'The token has no "nonce"; the platform must echo the nonce the tool sent.',
  },
  'lti.nonce_replayed': {
    generic:
      'This nonce was already used: the same id_token was posted twice (back button, a reload, or a replay attack). Start the launch again from the platform.',
  },
  'lti.nonce_mismatch': {
    generic: (v) =>
      `The token's nonce ${q(v.got)} is not the one this login sent (${q(v.expected)}). The id_token belongs to another login: start the launch again from the platform.`,
  },
  'lti.nonce_store_full': {
    generic: (v) =>
      `The tool's in-memory nonce store already holds ${v.max} nonces of tokens that have not expired, so it cannot record this one without forgetting another (which would let that token be replayed). Either launches arrive faster than tokens expire (raise maxEntries of MemoryNonceStore), or someone is flooding the launch URL. Several processes, or a busy tool: back NonceStore with Redis or a database table.`,
  },
  'lti.state_missing': {
    generic:
      'The launch form carries no "state". The platform must post back the state the tool sent at login: check that the launch arrives at the redirect URI via the login step.',
  },
  'lti.state_unknown': {
    generic:
      "This state was never issued, has expired or was already used. The launch did not start with this tool's login URL, it took longer than the state lifetime, or it is a replay. Start the launch again from the platform.",
    moodle:
      'This state was never issued, has expired or was already used. Check that the tool\'s "Initiate login URL" in Moodle points at this tool\'s login handler, then start the launch again.',
  },
  'lti.state_mismatch': {
    generic:
      "The state posted by the platform is not the one stored in this browser's cookie: the launch was started in another browser or tab, or replayed.",
  },
  'lti.state_cookie_missing': {
    generic:
      'The state cookie set at login did not come back. The tool runs in an iframe and the browser blocks third-party cookies: serve the tool over HTTPS (cookies need SameSite=None; Secure), open it in a new window, or use stateMode "server" (state kept server-side).',
    moodle:
      'The state cookie set at login did not come back. Moodle embeds the tool in an iframe and the browser blocks third-party cookies: serve the tool over HTTPS, set the tool\'s "Default launch container" to "New window" in Moodle, or use stateMode "server" (state kept server-side).',
  },
  'lti.deployment_id_missing': {
    generic:
      'The token has no deployment_id claim (https://purl.imsglobal.org/spec/lti/claim/deployment_id).',
  },
  'lti.deployment_id_invalid': {
    generic: (v) =>
      `The deployment_id claim is there but ${v.got}: a deployment id is a non-empty string of at most 255 characters that names the tool's deployment on the platform. The platform sent a broken launch (the 1EdTech reference platform once sent "" for tools registered without one): give the tool's deployment an id on the platform.`,
  },
  'lti.deployment_id_unknown': {
    generic: (v) =>
      `Deployment ${q(v.got)} is not registered for this platform (registered: ${v.expected || 'none'}). Add it to the registration's deployment ids, or launch from the deployment you registered.`,
    moodle: (v) =>
      `Moodle launched with Deployment ID ${q(v.got)}, but the tool knows ${v.expected || 'none'}. Copy "Deployment ID" from ${DETAILS} into the tool's registration; each Moodle tool configuration (site tool or course tool) has its own.`,
  },
  'lti.version_missing': { generic: 'The token has no LTI version claim; LTI 1.3 launches carry "1.3.0".' },
  'lti.version_unsupported': {
    generic: (v) => `LTI version ${q(v.got)} is not supported; this tool accepts "1.3.0".`,
    moodle: (v) =>
      `LTI version ${q(v.got)} is not supported. In Moodle set the tool's "LTI version" to "LTI 1.3".`,
  },
  'lti.message_type_missing': { generic: 'The token has no message_type claim.' },
  'lti.message_type_unknown': {
    generic: (v) =>
      `Message type ${q(v.got)} is not one this tool accepts (${v.expected}). If the tool handles it, add it to the validator's messageTypes (mts lti validate --message-type ${v.got}); otherwise turn that placement off on the platform.`,
  },
  'lti.target_link_uri_missing': {
    generic:
      'A resource link launch must carry a target_link_uri claim (the URL the platform launched), and where the claim is present it must be a URL. The platform sent a broken launch.',
  },
  'lti.target_link_uri_mismatch': {
    generic: (v) =>
      `The token targets ${q(v.got)} but the login asked for ${q(v.expected)}. The link's URL changed between login and launch.`,
    moodle: (v) =>
      `The token targets ${q(v.got)} but the login asked for ${q(v.expected)}. Check the tool's "Tool URL" in Moodle and the activity's own tool URL.`,
  },
  'lti.resource_link_missing': {
    generic: 'A resource link launch must carry resource_link.id; the platform did not send it.',
  },
  'lti.roles_missing': {
    generic: 'The token has no roles claim (an empty array is allowed, a missing claim is not).',
  },
  'lti.roles_unrecognized': {
    generic: (v) =>
      `The roles claim lists ${v.got}, and none of them is a role of the LTI vocabularies (system, institution or context roles, such as http://purl.imsglobal.org/vocab/lis/v2/membership#Learner). LTI Core requires a non-empty roles list to hold at least one of them: map the platform's roles to LTI roles.`,
  },
  'lti.submission_review_claim_missing': {
    generic: (v) =>
      `A submission review message (LtiSubmissionReviewRequest) must say whose submission to which line item is reviewed; it has no ${v.claim}. The platform sent an incomplete message.`,
  },
  'lti.deep_linking_settings_missing': {
    generic:
      'A deep linking request must carry deep_linking_settings with deep_link_return_url; the platform did not send it.',
  },
  'lti.claim_invalid': {
    generic: (v) =>
      `The ${v.claim} claim has the wrong shape (${v.detail}). The platform sent a malformed launch.`,
  },
  'lti.login_param_missing': {
    generic: (v) =>
      `The login initiation request has no ${q(v.param)}. The platform must send iss, login_hint and target_link_uri to the tool's login URL.`,
    moodle: (v) =>
      `The login initiation request has no ${q(v.param)}. Check that Moodle's "Initiate login URL" for this tool points at your login handler (and not at the launch URL).`,
  },
  'lti.login_target_invalid': {
    generic: (v) =>
      `target_link_uri ${q(v.got)} is not an allowed URL for this tool. Add it to the registration's allowed targets, or fix the link on the platform.`,
    moodle: (v) =>
      `target_link_uri ${q(v.got)} is not an allowed URL for this tool. In Moodle check the tool's "Tool URL" and the activity's tool URL.`,
  },
  'lti.client_id_unknown': {
    generic: (v) =>
      `Issuer ${q(v.iss)} is registered, but not with client_id ${q(v.clientId)}. Add this client_id to the registration.`,
    moodle: (v) =>
      `Issuer ${q(v.iss)} is registered, but not with client_id ${q(v.clientId)}. Copy "Client ID" from ${DETAILS}.`,
  },
  'lti.registration_invalid': {
    generic: (v) => `Registration field ${q(v.field)} is missing or not a URL: ${v.detail}.`,
  },
  'lti.tool_details_unparsable': {
    generic:
      'Paste the whole "Tool configuration details" box from Moodle: six labelled lines (Platform ID, Client ID, Deployment ID, Public keyset URL, Access token URL, Authentication request URL).',
  },
  'lti.key_invalid': {
    generic: (v) => `Tool keys must be RSA of 2048 bits or more (or EC P-256/384/521): ${v.detail}.`,
  },
  'lti.service_token_failed': {
    generic: (v) =>
      `The platform's token endpoint refused the request (${v.upstream ?? `HTTP ${v.status}`}). Check that the platform has the tool's public key (JWKS URL), the client_id and the token endpoint URL.`,
    moodle: (v) =>
      `Moodle's "Access token URL" refused the request (${v.upstream ?? `HTTP ${v.status}`}). Check in Moodle that "Public key type" / "Public keyset" point at this tool's JWKS, and that the services this scope needs are enabled ("IMS LTI Assignment and Grade Services", "IMS LTI Names and Role Provisioning").`,
  },
  'lti.scope_not_granted': {
    generic: (v) =>
      `The platform did not grant ${v.scope}. Enable the matching service for this tool on the platform.`,
    moodle: (v) =>
      `Moodle did not grant ${v.scope}. ${EDIT_TOOL}, and under Services set "IMS LTI Assignment and Grade Services" / "IMS LTI Names and Role Provisioning" to use the service.`,
  },
  'lti.service_unavailable': {
    generic: (v) =>
      `The launch carries no ${v.claim} claim, so this service is not offered for this link. Enable the service for the tool on the platform.`,
  },
  'lti.service_http_error': {
    generic: (v) => `The platform answered HTTP ${v.status} to ${v.url}.`,
  },
  'lti.service_response_invalid': {
    generic: (v) => `The platform's answer to ${v.url} is not the expected JSON (${v.detail}).`,
  },
  'lti.next_link_foreign': {
    generic: (v) =>
      `The answer's Link: rel="next" header points to ${v.url}, another origin than the service's (${v.origin}). Every page is fetched with the platform's access token, so the SDK follows next links only on the service's own origin. The platform, or a proxy in front of it, rewrote the link: fix its public URL (wwwroot, X-Forwarded-Host) so that next links stay on ${v.origin}.`,
    moodle: (v) =>
      `Moodle's Link: rel="next" header points to ${v.url}, another origin than the service's (${v.origin}). Every page is fetched with the access token, so the SDK follows next links only on the service's own origin. Moodle builds these links from its wwwroot: check $CFG->wwwroot (and any reverse proxy, $CFG->reverseproxy / sslproxy) so that it matches ${v.origin}.`,
  },
  'lti.score_timestamp_not_increasing': {
    generic:
      'AGS requires each score for a user and line item to carry a timestamp later than the previous one; the platform ignores older ones. Send a later timestamp.',
  },
  'lti.deep_linking_item_invalid': {
    generic: (v) => `Content item ${v.index} is invalid: ${v.detail}.`,
  },
  'lti.deep_linking_type_not_accepted': {
    generic: (v) => `The platform accepts only ${v.expected} in this deep linking request, not ${q(v.got)}.`,
  },
  'lti.deep_linking_multiple_not_accepted': {
    generic: 'The platform asked for a single content item (accept_multiple is false).',
  },
} satisfies Record<string, HintEntry>;
