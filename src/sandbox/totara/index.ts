import type { GraphQLSchema } from 'graphql';
import { assertKnownOptions } from '../../core/errors.js';
import {
  CLIENT_RATE_LIMIT_POINTS,
  MAX_QUERY_COMPLEXITY,
  MAX_QUERY_DEPTH,
  RATE_LIMIT_WINDOW_MS,
  SITE_RATE_LIMIT_POINTS,
} from '../../totara/rules.js';
import type { Router } from '../http.js';
import type { SandboxModule, SandboxStartContext } from '../types.js';
import { generateSite, type SandboxSite } from './data.js';
import { type EndpointStats, type ResponseDebug, SandboxGraphQLEndpoint } from './endpoint.js';
import { SandboxTokenStore } from './oauth.js';
import { loadSandboxSchema } from './schema.js';

export type { EndpointStats, ResponseDebug } from './endpoint.js';

/** URLs and credentials of the sandbox Totara. */
export interface TotaraSandboxInfo {
  /** The site's wwwroot (the token endpoint is `/totara/oauth2/token.php`, the API `/api/graphql.php`). */
  url: string;
  clientId: string;
  clientSecret: string;
}

/** Options of the sandbox Totara. Durations are milliseconds unless named otherwise. */
export interface TotaraSandboxOptions {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** Lifetime of issued tokens in seconds (`expires_in`). Default 86,400, as Totara's default. */
  tokenLifetimeSec?: number | undefined;
  /**
   * SDL file to serve, or false for the built-in schema. Default: `MTS_TOTARA_SCHEMA`, else ../shared's 17.3
   * external schema, else the built-in one.
   */
  schemaFile?: string | false | undefined;
  /** Users to generate (besides guest, admin and the API service account). Default 250. */
  users?: number | undefined;
  /** Username of the API client's service account (id 3). Default `api_service`. */
  serviceUsername?: string | undefined;
  /** Courses to generate. Default 30. */
  courses?: number | undefined;
  /** Seed of the generated data. Default 17. */
  seed?: number | undefined;
  /** Allow `__schema` / `__type` queries. Default false, as on a Totara site. */
  introspection?: boolean | undefined;
  /** The API client's response debug level. Default `normal` (debug messages, no traces). */
  responseDebug?: 'none' | 'normal' | 'developer' | undefined;
  /** Complexity points one request may cost. Default 6,000. */
  maxComplexity?: number | undefined;
  /** Deepest nesting allowed. Default 15. */
  maxDepth?: number | undefined;
  /** Points the client may spend per window before getting 429. Default 250,000. */
  rateLimitPoints?: number | undefined;
  /** Points the whole site may spend per window before getting 429. Default 500,000. */
  siteRateLimitPoints?: number | undefined;
  /** Length of the sliding window. Default 60,000. */
  rateLimitWindowMs?: number | undefined;
}

/** The settings an admin can change while the site runs. */
const SETTING_KEYS = [
  'introspection',
  'responseDebug',
  'maxComplexity',
  'maxDepth',
  'rateLimitPoints',
  'siteRateLimitPoints',
  'rateLimitWindowMs',
] as const;

const OPTION_KEYS = [
  'clientId',
  'clientSecret',
  'tokenLifetimeSec',
  'schemaFile',
  'users',
  'serviceUsername',
  'courses',
  'seed',
  ...SETTING_KEYS,
] as const;

/** What an admin can change on the running sandbox, as on a site's API settings pages. */
export interface TotaraSandboxSettings {
  introspection: boolean;
  responseDebug: ResponseDebug;
  maxComplexity: number;
  maxDepth: number;
  rateLimitPoints: number;
  siteRateLimitPoints: number;
  rateLimitWindowMs: number;
}

/** The sandbox Totara module, with controls for tests. */
export interface TotaraSandboxModule extends SandboxModule<TotaraSandboxInfo> {
  /** The in-memory site (users, courses, job assignments...). */
  readonly site: SandboxSite;
  /** `file` when serving a schema file (the real 17.3 external schema when ../shared is present), else `fallback`. */
  readonly schemaSource: 'file' | 'fallback';
  /** The schema served (give it to a client as its `schema` to check operations against this site). */
  readonly schema: GraphQLSchema;
  /** Invalidates every issued token, as regenerating the client secret would. */
  revokeTokens(): void;
  /** Makes every issued token expire now. */
  expireTokens(): void;
  /** Issues a token without an HTTP request (for tests); `lifetimeSec` 0 gives one that has already expired. */
  issueToken(lifetimeSec?: number): string;
  /** Tokens issued so far. */
  tokensIssued(): number;
  /** Changes settings while the sandbox runs (debug level, introspection, limits). */
  configure(settings: Partial<TotaraSandboxSettings>): void;
  /** Forgets the complexity points spent so far, as a new rate window would. */
  resetRateWindow(): void;
  /** Request, operation and points counters of the GraphQL endpoint. */
  stats(): EndpointStats;
}

/**
 * The sandbox Totara: OAuth2 token endpoint and the external GraphQL API executing the real 17.3 schema (or a
 * built-in subset) over in-memory data, with Totara's rules and error shapes.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox({ totara: { users: 5000, introspection: true } });
 * const { url, clientId, clientSecret } = sandbox.totara;
 * const totara = new TotaraClient({ url, clientId, clientSecret });
 * ```
 */
export function createTotaraSandbox(options: TotaraSandboxOptions = {}): SandboxModule<TotaraSandboxInfo> {
  return createControlledTotaraSandbox(options);
}

/** {@link createTotaraSandbox} with the controls tests and benches use (site data, token revocation, counters). */
export function createControlledTotaraSandbox(options: TotaraSandboxOptions = {}): TotaraSandboxModule {
  assertKnownOptions('createTotaraSandbox', options, OPTION_KEYS);
  const clientId = options.clientId ?? 'sandbox-client';
  const clientSecret = options.clientSecret ?? 'sandbox-secret-0000000000000000';
  const site = generateSite({
    users: options.users ?? 250,
    courses: options.courses ?? 30,
    seed: options.seed ?? 17,
    serviceUsername: options.serviceUsername,
  });
  const tokens = new SandboxTokenStore(clientId, clientSecret, options.tokenLifetimeSec ?? 86_400);
  // The default schema is built on the first GraphQL request (or when asked for), not at start: a sandbox used
  // for Moodle only, such as the REPL's first `moodle.call`, does not wait for it. A schema file someone named is
  // read at once, so that a wrong path fails where it was given.
  let loaded =
    options.schemaFile !== undefined || process.env.MTS_TOTARA_SCHEMA
      ? loadSandboxSchema(options.schemaFile)
      : undefined;
  let built: SandboxGraphQLEndpoint | undefined;
  const schema = () => {
    loaded ??= loadSandboxSchema(options.schemaFile);
    return loaded;
  };
  const endpoint = () => {
    built ??= new SandboxGraphQLEndpoint(schema().schema, site, tokens, {
      introspection: options.introspection ?? false,
      responseDebug: options.responseDebug ?? 'normal',
      maxComplexity: options.maxComplexity ?? MAX_QUERY_COMPLEXITY,
      maxDepth: options.maxDepth ?? MAX_QUERY_DEPTH,
      rateLimitPoints: options.rateLimitPoints ?? CLIENT_RATE_LIMIT_POINTS,
      siteRateLimitPoints: options.siteRateLimitPoints ?? SITE_RATE_LIMIT_POINTS,
      rateLimitWindowMs: options.rateLimitWindowMs ?? RATE_LIMIT_WINDOW_MS,
    });
    return built;
  };
  return {
    name: 'totara',
    site,
    get schemaSource() {
      return schema().source;
    },
    get schema() {
      return schema().schema;
    },
    routes(router: Router) {
      router.on('/totara/oauth2/token.php', (req, res) => tokens.handle(req, res));
      router.on('/api/graphql.php', (req, res) => endpoint().handle(req, res));
    },
    info(context: SandboxStartContext) {
      return { url: context.baseUrl, clientId, clientSecret };
    },
    revokeTokens: () => tokens.revokeAll(),
    expireTokens: () => tokens.expireAll(),
    issueToken: (lifetimeSec) => tokens.issue(lifetimeSec),
    tokensIssued: () => tokens.issued,
    configure(settings) {
      assertKnownOptions('TotaraSandboxModule.configure', settings, SETTING_KEYS);
      Object.assign(endpoint().settings, settings);
    },
    resetRateWindow: () => endpoint().resetWindow(),
    stats: () => endpoint().stats(),
  };
}
