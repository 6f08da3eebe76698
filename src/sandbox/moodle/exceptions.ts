/**
 * The sandbox's Moodle exceptions, answered in Moodle's exact bodies: `{exception, errorcode, message}` from
 * the REST server (with `debuginfo`, and the detail added to the message, when developer debugging is on) and
 * `{error, errorcode, stacktrace, debuginfo, reproductionlink}` from the AJAX scripts (token.php, upload.php,
 * webservice/pluginfile.php).
 */

/** A Moodle exception thrown by a sandbox function. */
export class SandboxException extends Error {
  constructor(
    readonly exception: string,
    readonly errorcode: string,
    message: string,
    readonly debuginfo?: string,
  ) {
    super(message);
  }
}

/** The REST server's error body. */
export function restErrorBody(error: SandboxException, debugDeveloper: boolean): Record<string, string> {
  const body: Record<string, string> = {
    exception: error.exception,
    errorcode: error.errorcode,
    message: error.message,
  };
  if (debugDeveloper && error.debuginfo) {
    body.message = `${error.message} (${error.debuginfo})`;
    body.debuginfo = error.debuginfo;
  }
  return body;
}

/** The AJAX scripts' error body. */
export function ajaxErrorBody(
  error: SandboxException,
  debugDeveloper: boolean,
): Record<string, string | null> {
  return {
    error: error.message,
    errorcode: error.errorcode,
    stacktrace: null,
    debuginfo: debugDeveloper && error.debuginfo ? error.debuginfo : null,
    reproductionlink: null,
  };
}

export const invalidToken = (): SandboxException =>
  new SandboxException(
    'core\\exception\\moodle_exception',
    'invalidtoken',
    'Invalid token - token not found',
  );

export const tokenExpired = (): SandboxException =>
  new SandboxException(
    'webservice_access_exception',
    'accessexception',
    'Access control exception',
    'Invalid token - token expired - check validuntil time for the token',
  );

export const unknownFunction = (): SandboxException =>
  new SandboxException(
    'dml_missing_record_exception',
    'invalidrecord',
    "Can't find data record in database table external_functions.",
    'SELECT * FROM {external_functions} WHERE name = ?',
  );

export const notInService = (fn: string): SandboxException =>
  new SandboxException(
    'webservice_access_exception',
    'accessexception',
    'Access control exception',
    `Access to the function ${fn}() is not allowed.\nThere could be multiple reasons for this:\n1. The service linked to the user token does not contain the function.\n2. The service is user-restricted and the user is not listed.\n3. The service is IP-restricted and the user IP is not listed.\n4. The service is time-restricted and the time has expired.\n5. The token is time-restricted and the time has expired.\n6. The service requires a specific capability which the user does not have.\n7. The function is called with username/password (no user token is sent)\nand none of the services has the function to allow the user.\nThese settings can be found in Administration > Site administration\n> Server > Web services > External services and Manage tokens.`,
  );

export const invalidParameter = (debuginfo: string): SandboxException =>
  new SandboxException(
    'core\\exception\\invalid_parameter_exception',
    'invalidparameter',
    'Invalid parameter value detected',
    debuginfo,
  );

export const invalidResponse = (debuginfo: string): SandboxException =>
  new SandboxException(
    'core\\exception\\invalid_response_exception',
    'invalidresponse',
    'Invalid response value detected',
    debuginfo,
  );

export const noPermission = (capabilityName: string, capability: string): SandboxException =>
  new SandboxException(
    'core\\exception\\required_capability_exception',
    'nopermissions',
    `Sorry, but you do not currently have permissions to do that (${capabilityName}).`,
    `${capability}`,
  );

export const requireLogin = (why: string): SandboxException =>
  new SandboxException(
    'core\\exception\\require_login_exception',
    'requireloginerror',
    `Course or activity not accessible. (${why})`,
  );

export const missingRecord = (table: string): SandboxException =>
  new SandboxException(
    'dml_missing_record_exception',
    'invalidrecord',
    `Can't find data record in database table ${table}.`,
  );

export const maintenance = (): SandboxException =>
  new SandboxException(
    'core\\exception\\moodle_exception',
    'sitemaintenance',
    'The site is undergoing maintenance and is currently not available',
  );

/** A `moodle_exception` with its own code and message. */
export const moodleException = (errorcode: string, message: string, debuginfo?: string): SandboxException =>
  new SandboxException('core\\exception\\moodle_exception', errorcode, message, debuginfo);

/** A coding_exception: Moodle's "it must be fixed by a programmer" for an argument the function cannot use. */
export const codingException = (detail: string): SandboxException =>
  new SandboxException(
    'core\\exception\\coding_exception',
    'codingerror',
    `Coding error detected, it must be fixed by a programmer: ${detail}`,
  );
