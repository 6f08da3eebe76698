/**
 * A scripted browser for LTI launches: asks the simulated platform for a launch, then walks it over real HTTP as a
 * browser would (login initiation to the tool, redirect to the auth endpoint, form_post back to the tool), with a
 * cookie jar, and reports every step.
 */
import { readText, Transport } from '../../core/transport.js';
import { moodlePlatformEndpoints } from '../../lti/index.js';
import { CookieJar } from './cookie-jar.js';
import { moodleToolFailureHint } from './dynreg/errors.js';
import { LAUNCH_PATH } from './launch-routes.js';
import type { LaunchRequestSpec, LoginInitiation } from './types.js';

/** One HTTP exchange of a launch. */
export interface LaunchTraceStep {
  name: 'start' | 'login' | 'auth' | 'launch' | 'replay';
  method: string;
  url: string;
  status: number;
  /** Redirect target, for a 3xx. */
  location?: string | undefined;
}

/** What happened during a simulated launch. */
export interface LaunchTrace {
  initiation: LoginInitiation;
  steps: LaunchTraceStep[];
  /** The tool's final answer (or the platform's error page when the auth step failed). */
  final: { status: number; headers: Record<string, string | string[] | undefined>; body: string };
  /** The id_token the platform posted, when it got that far. */
  idToken?: string | undefined;
}

/** Options of {@link simulateLaunch}. */
export interface SimulatedLaunchOptions {
  /** The sandbox's base URL. */
  platformUrl: string;
  /** What to launch. */
  launch?: LaunchRequestSpec | undefined;
  /** Behave like a browser that blocks third-party cookies (the tool's cookies are never sent back). */
  blockCookies?: boolean | undefined;
  /** Post the final form a second time (a reload or a replay); the trace's final answer is the second one. */
  replay?: boolean | undefined;
  transport?: Transport | undefined;
  signal?: AbortSignal | undefined;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeHtml(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITY[name.toLowerCase()] ?? whole;
  });
}

/** The action and hidden fields of the first form of an auto-submitting page. */
export function parseAutoSubmitForm(
  html: string,
): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const input of (form[2] as string).matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(input[0])?.[1] ?? '';
    if (name !== undefined) fields[unescapeHtml(name)] = unescapeHtml(value);
  }
  return { action: unescapeHtml(form[1] as string), fields };
}

/**
 * Runs one launch from the sandbox platform into a registered tool, over HTTP, as a browser would.
 *
 * @example
 * ```ts
 * const trace = await simulateLaunch({ platformUrl: sandbox.url, launch: { messageType: 'LtiResourceLinkRequest' } });
 * console.log(trace.steps.map((s) => `${s.name} ${s.status}`), trace.final.body);
 * ```
 */
export async function simulateLaunch(options: SimulatedLaunchOptions): Promise<LaunchTrace> {
  const transport = options.transport ?? new Transport({ retry: false });
  const jar = new CookieJar();
  const steps: LaunchTraceStep[] = [];
  const signal = options.signal;
  const send = async (
    name: LaunchTraceStep['name'],
    method: 'GET' | 'POST',
    url: string,
    body?: string,
    contentType?: string,
  ) => {
    const headers: Record<string, string> = {};
    if (contentType) headers['content-type'] = contentType;
    const cookie = options.blockCookies ? undefined : jar.header(url);
    if (cookie) headers.cookie = cookie;
    const response = await transport.request({ method, url, headers, body, signal });
    const text = await readText(response, 8 * 1024 * 1024);
    jar.store(url, response.headers['set-cookie']);
    const location = response.headers.location;
    steps.push({
      name,
      method,
      url,
      status: response.status,
      location: typeof location === 'string' ? location : undefined,
    });
    return { status: response.status, headers: response.headers, body: text };
  };

  const start = await send(
    'start',
    'POST',
    `${options.platformUrl.replace(/\/$/, '')}${LAUNCH_PATH}`,
    JSON.stringify(options.launch ?? {}),
    'application/json',
  );
  if (start.status !== 200)
    return { initiation: { url: '', method: 'POST', params: {} }, steps, final: start };
  const initiation = JSON.parse(start.body) as LoginInitiation;
  const form = 'application/x-www-form-urlencoded';
  const authUrl = moodlePlatformEndpoints(options.platformUrl).authUrl;
  let answer = await send(
    'login',
    'POST',
    initiation.url,
    new URLSearchParams(initiation.params).toString(),
    form,
  );
  // Follow the tool's redirects to the auth endpoint (Moodle as tool first redirects to itself: its cookie check).
  let at = initiation.url;
  let reachedAuth = false;
  for (let hop = 0; hop < 5 && !reachedAuth; hop++) {
    const location = steps.at(-1)?.location;
    if (answer.status < 300 || answer.status >= 400 || !location) break;
    at = new URL(location, at).toString();
    reachedAuth = at.split('?')[0] === authUrl;
    answer = await send(reachedAuth ? 'auth' : 'login', 'GET', at);
  }
  if (!reachedAuth) return { initiation, steps, final: answer };
  const auth = answer;
  const post = auth.status === 200 ? parseAutoSubmitForm(auth.body) : undefined;
  if (!post) return { initiation, steps, final: auth };
  const body = new URLSearchParams(post.fields).toString();
  let final = await send('launch', 'POST', post.action, body, form);
  if (options.replay) final = await send('replay', 'POST', post.action, body, form);
  return { initiation, steps, final, idToken: post.fields.id_token };
}

/** Why a simulated launch failed, as the tool's or the platform's answer says it. */
export interface LaunchFailure {
  /** A stable code (`lti.roles_missing`) or the platform's error (`unknown_tool`, `invalid_request`). */
  code?: string | undefined;
  message?: string | undefined;
  hint?: string | undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Reads the reason out of a failed launch's final answer: an SDK tool's error page or JSON
 * (`{error: {code, message, hint}}`), the sandbox platform's JSON (`{error, message}`) or its auth error page.
 *
 * @example
 * const trace = await simulateLaunch({ platformUrl });
 * if (trace.final.status >= 400) console.log(describeLaunchFailure(trace.final).message);
 */
export function describeLaunchFailure(final: { body: string }): LaunchFailure {
  const body = final.body.trim();
  if (body.startsWith('{')) {
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      const error = json.error;
      if (error && typeof error === 'object') {
        const e = error as Record<string, unknown>;
        return { code: text(e.code), message: text(e.message), hint: text(e.hint) };
      }
      return {
        code: text(error),
        message: text(json.message) ?? text(json.error_description),
        hint: text(json.hint),
      };
    } catch {
      return {};
    }
  }
  const pick = (pattern: RegExp) => {
    const found = pattern.exec(body)?.[1];
    return found === undefined ? undefined : text(unescapeHtml(found.trim()));
  };
  const platform = /<p class="error[^"]*" data-error="([^"]*)">([\s\S]*?)<\/p>/.exec(body);
  if (platform)
    return {
      code: text(unescapeHtml(platform[1] as string)),
      message: text(unescapeHtml(platform[2] as string)),
    };
  // Moodle's own error page (Moodle as tool): its message, and what to do about it.
  const moodle = pick(/<p[^>]*class="errormessage"[^>]*>([\s\S]*?)<\/p>/);
  if (moodle) {
    const message = moodle
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return { message, hint: moodleToolFailureHint(message) };
  }
  return {
    code: pick(/<code>([^<]+)<\/code>/),
    message: pick(/<p><strong>([\s\S]*?)<\/strong><\/p>/),
    hint: pick(/<\/strong><\/p>\s*<p>([^<]+)<\/p>/),
  };
}
