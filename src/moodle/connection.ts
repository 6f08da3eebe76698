/**
 * What the client's parts share about one site: its wwwroot (sub-path kept), the transport, the token, and
 * reading Moodle's JSON answers into values or typed errors.
 */
import { ConfigError, InputError } from '../core/errors.js';
import { type HttpResponse, readText, type Transport } from '../core/transport.js';
import {
  isMoodleExceptionBody,
  type MoodleErrorContext,
  moodleErrorFromBody,
  moodleResponseError,
} from './errors.js';

/** The connection the client's parts (calls, login, files) work through. Internal. */
export interface SiteAccess {
  /** The wwwroot, without a trailing slash. */
  readonly url: string;
  readonly transport: Transport;
  /** The token, or a typed error when there is none. */
  token(): string;
}

const ENDPOINT_SUFFIX = /\/(webservice\/rest\/server\.php|login\/token\.php|login\/index\.php)$/;

/**
 * Normalises a site URL to its wwwroot: scheme and host checked, any sub-path kept (`https://host/moodle`), a
 * trailing slash or a pasted endpoint path (`/webservice/rest/server.php`) removed. A token in the URL is refused:
 * tokens travel in request bodies only.
 */
export function normaliseSiteUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('moodle.invalid_url', `"${raw}" is not a URL.`, {
      hint: "Give the site's wwwroot, e.g. https://lms.example.org or https://host/moodle.",
      details: { url: raw },
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('moodle.invalid_url', `The site URL must be http or https, not ${url.protocol}`, {
      details: { url: url.origin },
    });
  }
  if ([...url.searchParams.keys()].some((key) => /token/i.test(key))) {
    throw new ConfigError(
      'moodle.token_in_url',
      'The site URL carries a token; tokens must not appear in URLs.',
      {
        hint: 'Pass the wwwroot as url and the token as the token option (or MTS_MOODLE_TOKEN).',
      },
    );
  }
  const path = url.pathname.replace(ENDPOINT_SUFFIX, '').replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

/** Throws when no token is configured. */
export function missingToken(): InputError {
  return new InputError('moodle.missing_token', 'No Moodle token is configured.', {
    hint: 'Pass token to MoodleClient, set MTS_MOODLE_TOKEN, or run `mts moodle login`.',
  });
}

/**
 * Reads a Moodle answer: the parsed JSON, or the typed error its body describes, or a
 * {@link MoodleResponseError} when it is not Moodle JSON at all.
 */
export async function readMoodleJson(response: HttpResponse, context: MoodleErrorContext): Promise<unknown> {
  const text = await readText(response);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw notMoodleJson(response, text, context);
  }
  if (isMoodleExceptionBody(parsed)) {
    throw moodleErrorFromBody(parsed, { ...context, request: response.request });
  }
  if (response.status < 200 || response.status >= 300) throw notMoodleJson(response, text, context);
  return parsed;
}

function notMoodleJson(response: HttpResponse, text: string, context: MoodleErrorContext): Error {
  const contentType = String(response.headers['content-type'] ?? '');
  return moodleResponseError(response.status, text, contentType, { ...context, request: response.request });
}
