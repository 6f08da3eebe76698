/**
 * The sandbox's `webservice/rest/server.php`: reads the form as PHP would (max_input_vars included), then runs
 * Moodle's steps in Moodle's order: token, function, service, validate_parameters, the function, and
 * clean_returnvalue, answering each failure with Moodle's exact body and every result as PHP's json_encode would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionTable } from '../../moodle/definitions.js';
import { readBody } from '../http.js';
import type { CallContext, SandboxFunction } from './context.js';
import {
  invalidToken,
  maintenance,
  notInService,
  restErrorBody,
  SandboxException,
  tokenExpired,
  unknownFunction,
} from './exceptions.js';
import { now, type SandboxSite, type SiteToken, type SiteUser } from './site.js';
import { cleanParams, cleanReturns } from './validate-parameters.js';
import { toXml } from './xml.js';

/** What the REST server works with. */
export interface RestServer {
  site: SandboxSite;
  table: FunctionTable;
  implementations: Record<string, SandboxFunction>;
  /** Functions of each service. */
  services: Map<string, string[]>;
  debugDeveloper: boolean;
  maxInputVars: number;
  wwwroot(): string;
}

/** A JSON text as PHP's json_encode writes it: `\/` for `/`, `\uXXXX` for anything beyond ASCII. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Form pairs as PHP reads them: each of the query and the body cut at max_input_vars. */
export function readPairs(
  query: URLSearchParams,
  body: string,
  maxInputVars: number,
): Array<[string, string]> {
  const fromQuery = [...query].slice(0, maxInputVars);
  const fromBody = [...new URLSearchParams(body)].slice(0, maxInputVars);
  return [...fromQuery, ...fromBody];
}

/** Finds a token's user, or throws Moodle's error for a missing or expired token. */
export function authenticate(
  server: RestServer,
  token: string | undefined,
): { token: SiteToken; user: SiteUser } {
  if (server.site.maintenance) throw maintenance();
  const record = token ? server.site.tokens.get(token) : undefined;
  if (!record) throw invalidToken();
  if (record.validuntil > 0 && record.validuntil < now()) {
    server.site.tokens.delete(record.token);
    throw tokenExpired();
  }
  const user = server.site.users.get(record.userid);
  if (!user) throw invalidToken();
  return { token: record, user };
}

type Outcome = { ok: true; data: unknown } | { ok: false; error: SandboxException };

/** A failure of cleanParams or cleanReturns as the exception Moodle throws (its message without the debuginfo). */
function refused(failure: {
  exception: string;
  errorcode: string;
  message: string;
  debuginfo: string;
}): SandboxException {
  return new SandboxException(
    failure.exception,
    failure.errorcode,
    failure.message.replace(/ \(.*$/s, ''),
    failure.debuginfo,
  );
}

/** Runs one function for an authenticated user, from raw (form pairs or JSON) parameters to the cleaned result. */
function execute(
  server: RestServer,
  auth: { token: SiteToken; user: SiteUser },
  fn: string,
  raw: unknown,
  depth: number,
): Outcome {
  const info = server.table.get(fn);
  if (!info) return { ok: false, error: unknownFunction() };
  const allowed = server.services.get(auth.token.service) ?? [];
  const implementation = server.implementations[fn];
  if (!allowed.includes(fn) || !implementation) return { ok: false, error: notInService(fn) };
  const cleaned = cleanParams(info, raw, { debug: server.debugDeveloper });
  if (!cleaned.ok) return { ok: false, error: refused(cleaned) };
  const ctx: CallContext = {
    site: server.site,
    user: auth.user,
    wwwroot: server.wwwroot(),
    service: auth.token.service,
    serviceFunctions: allowed,
    callInner: (innerFn, params) => {
      const outcome =
        depth > 0
          ? { ok: false as const, error: notInService(innerFn) }
          : execute(server, auth, innerFn, params, depth + 1);
      return outcome.ok ? outcome : { ok: false, error: restErrorBody(outcome.error, server.debugDeveloper) };
    },
  };
  let result: unknown;
  try {
    result = implementation(cleaned.value, ctx);
  } catch (error) {
    if (error instanceof SandboxException) return { ok: false, error };
    throw error;
  }
  const returned = cleanReturns(info, result, { debug: server.debugDeveloper });
  if (!returned.ok) return { ok: false, error: refused(returned) };
  return { ok: true, data: returned.value };
}

const CONTROL = /^(wstoken|wsfunction|moodlewsrestformat|moodlewssetting[a-z]+)$/;

/** Handles one request to `webservice/rest/server.php`. */
export async function handleRest(
  server: RestServer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const body = req.method === 'POST' ? (await readBody(req)).toString('utf8') : '';
  const pairs = readPairs(url.searchParams, body, server.maxInputVars);
  const control = new Map<string, string>();
  const params: Array<[string, string]> = [];
  for (const pair of pairs) {
    if (CONTROL.test(pair[0])) control.set(pair[0], pair[1]);
    else params.push(pair);
  }
  const format = control.get('moodlewsrestformat') === 'json' ? 'json' : 'xml';
  let outcome: Outcome;
  try {
    const auth = authenticate(server, control.get('wstoken'));
    outcome = execute(server, auth, control.get('wsfunction') ?? '', params, 0);
  } catch (error) {
    if (!(error instanceof SandboxException)) throw error;
    outcome = { ok: false, error };
  }
  const payload = outcome.ok ? outcome.data : restErrorBody(outcome.error, server.debugDeveloper);
  const text = format === 'json' ? phpJson(payload) : toXml(payload, outcome.ok ? undefined : outcome.error);
  res.writeHead(200, {
    'content-type': format === 'json' ? 'application/json' : 'application/xml; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'private, must-revalidate, pre-check=0, post-check=0, max-age=0',
  });
  res.end(text);
}
