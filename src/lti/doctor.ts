/** Health checks of a tool's and a platform's LTI endpoints: reachable, JWKS parses, clock offset, redirect URIs. */
import type { JSONWebKeySet } from 'jose';
import { assertKnownOptions, MtsError } from '../core/errors.js';
import { readText, Transport } from '../core/transport.js';
import { assertJwks } from './keys/select.js';

/** What to check. Any subset. */
export interface DoctorTargets {
  /** The tool's "Initiate login URL". */
  toolLoginUrl?: string | undefined;
  /** The tool's public key set URL. */
  toolJwksUrl?: string | undefined;
  /** The tool's redirect URIs. */
  redirectUris?: string[] | undefined;
  /** The platform's issuer; its OpenID configuration is looked up when `openidConfigurationUrl` is not given. */
  platformIssuer?: string | undefined;
  /** The platform's OpenID configuration URL (Moodle: `/mod/lti/openid-configuration.php`). */
  openidConfigurationUrl?: string | undefined;
  /** The platform's key set URL (Moodle: "Public keyset URL"). */
  platformJwksUrl?: string | undefined;
}

/** One check's outcome. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** `warn` checks do not fail the run. */
  level: 'ok' | 'warn' | 'fail';
  detail: string;
}

/** Options of {@link runDoctor}. Durations are milliseconds. */
export interface DoctorOptions {
  transport?: Transport | undefined;
  timeoutMs?: number | undefined;
  now?: (() => number) | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Whether to fetch a `jwks_uri` read from the platform's OpenID configuration when it is on another origin than
   * the issuer's (a configuration can point anywhere): `true`, or a function that asks someone. Default: not
   * followed, reported as a warning that shows the URL.
   */
  followForeignJwks?:
    | boolean
    | ((jwksUri: string, issuerOrigin: string) => boolean | Promise<boolean>)
    | undefined;
}

const OPTION_KEYS = ['transport', 'timeoutMs', 'now', 'signal', 'followForeignJwks'] as const;

function isLocal(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/**
 * Checks the endpoints of an LTI integration and says what is wrong with each.
 *
 * @example
 * ```ts
 * const checks = await runDoctor({ toolJwksUrl: 'https://tool.example.org/jwks',
 *   openidConfigurationUrl: 'https://lms.example.org/mod/lti/openid-configuration.php' });
 * for (const c of checks) console.log(c.level, c.name, c.detail);
 * ```
 */
export async function runDoctor(targets: DoctorTargets, options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  assertKnownOptions('runDoctor', options, OPTION_KEYS);
  const transport = options.transport ?? new Transport({ retry: false });
  const timeoutMs = options.timeoutMs ?? 5_000;
  const now = options.now ?? Date.now;
  const checks: DoctorCheck[] = [];
  const add = (name: string, level: DoctorCheck['level'], detail: string) =>
    checks.push({ name, ok: level !== 'fail', level, detail });

  const get = async (url: string) => {
    const started = now();
    const response = await transport.request({
      url,
      timeoutMs,
      signal: options.signal,
      headers: { accept: 'application/json, */*' },
    });
    const text = await readText(response, 4 * 1024 * 1024);
    const date = response.headers.date;
    const offsetMs =
      typeof date === 'string' && !Number.isNaN(Date.parse(date))
        ? Date.parse(date) - (started + now()) / 2
        : undefined;
    return { status: response.status, text, offsetMs };
  };
  const describe = (error: unknown) =>
    error instanceof MtsError ? `${error.code}: ${error.message}` : String(error);

  const checkJwks = async (name: string, url: string): Promise<number | undefined> => {
    try {
      const { status, text, offsetMs } = await get(url);
      if (status !== 200) {
        add(name, 'fail', `${url} answered HTTP ${status}.`);
        return offsetMs;
      }
      let jwks: JSONWebKeySet;
      try {
        jwks = assertJwks(JSON.parse(text), url);
      } catch {
        add(name, 'fail', `${url} is not a JSON Web Key Set.`);
        return offsetMs;
      }
      const weak = jwks.keys.filter(
        (k) => k.kty === 'RSA' && Buffer.from(k.n ?? '', 'base64url').length * 8 < 2048,
      );
      const noKid = jwks.keys.filter((k) => !k.kid);
      if (jwks.keys.length === 0) add(name, 'fail', `${url} holds no keys.`);
      else if (weak.length > 0)
        add(name, 'fail', `${url} holds RSA keys under 2048 bits (${weak.map((k) => k.kid).join(', ')}).`);
      else if (noKid.length > 0)
        add(
          name,
          'warn',
          `${url} holds ${noKid.length} key(s) without "kid": LTI tokens must name their signing key, so those keys can never verify one.`,
        );
      else
        add(
          name,
          'ok',
          `${jwks.keys.length} key(s): ${jwks.keys.map((k) => `${k.kid ?? '(no kid)'} ${k.alg ?? k.kty}`).join(', ')}.`,
        );
      return offsetMs;
    } catch (error) {
      add(name, 'fail', describe(error));
      return undefined;
    }
  };

  /** Does something answer at `url`? A 404 or a 5xx means nothing (or something broken) is there. */
  const answers = async (url: string): Promise<{ status?: number; problem?: string }> => {
    try {
      const { status } = await get(url);
      return status === 404 || status === 410 || status >= 500
        ? { status, problem: `${url} answered HTTP ${status}` }
        : { status };
    } catch (error) {
      return { problem: describe(error) };
    }
  };

  const checkRedirectUri = async (uri: string) => {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      add('redirect URI', 'fail', `"${uri}" is not a URL.`);
      return;
    }
    if (url.hash) {
      add(
        'redirect URI',
        'fail',
        `${uri} has a fragment; platforms match redirect URIs exactly and refuse fragments.`,
      );
      return;
    }
    // The platform posts the id_token here; a GET without one is answered with a 4xx by a working handler.
    const { status, problem } = await answers(uri);
    if (problem)
      add('redirect URI', 'fail', `${problem}: nothing handles launches there, so every launch would fail.`);
    else if (url.protocol !== 'https:' && !isLocal(url))
      add(
        'redirect URI',
        'warn',
        `${uri} answers (HTTP ${status}) but is not https: browsers drop the SameSite=None state cookie, and Moodle embeds tools in iframes.`,
      );
    else
      add(
        'redirect URI',
        'ok',
        `${uri} answers (HTTP ${status} without a launch); it must be listed exactly in the platform's "Redirection URI(s)".`,
      );
  };

  if (targets.toolJwksUrl) await checkJwks('tool JWKS', targets.toolJwksUrl);
  if (targets.toolLoginUrl) {
    // Without parameters a login handler answers 4xx.
    const { status, problem } = await answers(targets.toolLoginUrl);
    if (problem) add('tool login URL', 'fail', `${problem}.`);
    else
      add(
        'tool login URL',
        'ok',
        `${targets.toolLoginUrl} answers (HTTP ${status} without login parameters).`,
      );
  }
  for (const uri of targets.redirectUris ?? []) await checkRedirectUri(uri);

  /** The configuration's jwks_uri when it may be fetched: on the issuer's origin, or allowed by the caller. */
  const followJwksUri = async (jwksUri: string, reference: string): Promise<string | undefined> => {
    let target: URL;
    try {
      target = new URL(jwksUri);
    } catch {
      add('platform JWKS', 'fail', `The configuration's jwks_uri "${jwksUri}" is not a URL.`);
      return undefined;
    }
    const issuerOrigin = new URL(reference).origin;
    if (target.origin === issuerOrigin) return jwksUri;
    const follow = options.followForeignJwks;
    const allowed = typeof follow === 'function' ? await follow(jwksUri, issuerOrigin) : follow === true;
    if (allowed) return jwksUri;
    add(
      'platform JWKS',
      'warn',
      `the configuration's jwks_uri ${jwksUri} is on ${target.host}, not on the issuer's host ${new URL(reference).host}: not fetched. Check that this host is the platform's; then allow it, or give the key set URL directly.`,
    );
    return undefined;
  };

  let platformJwks = targets.platformJwksUrl;
  const configUrl =
    targets.openidConfigurationUrl ??
    (targets.platformIssuer
      ? `${targets.platformIssuer.replace(/\/$/, '')}/.well-known/openid-configuration`
      : undefined);
  let offsetMs: number | undefined;
  if (configUrl) {
    try {
      const answer = await get(configUrl);
      offsetMs = answer.offsetMs;
      const config = answer.status === 200 ? (JSON.parse(answer.text) as Record<string, unknown>) : undefined;
      if (!config)
        add('platform OpenID configuration', 'fail', `${configUrl} answered HTTP ${answer.status}.`);
      else {
        const jwksUri = typeof config.jwks_uri === 'string' ? config.jwks_uri : undefined;
        const issuerOk = !targets.platformIssuer || config.issuer === targets.platformIssuer;
        add(
          'platform OpenID configuration',
          issuerOk ? 'ok' : 'fail',
          issuerOk
            ? `issuer ${String(config.issuer)}, auth ${String(config.authorization_endpoint)}, token ${String(config.token_endpoint)}, jwks_uri ${jwksUri ?? '(none)'}.`
            : `issuer is ${String(config.issuer)}, not ${targets.platformIssuer}: the registration's issuer must match exactly (jwks_uri ${jwksUri ?? '(none)'}).`,
        );
        if (!platformJwks && jwksUri)
          platformJwks = await followJwksUri(jwksUri, targets.platformIssuer ?? configUrl);
      }
    } catch (error) {
      add('platform OpenID configuration', 'fail', describe(error));
    }
  }
  if (platformJwks) offsetMs = (await checkJwks('platform JWKS', platformJwks)) ?? offsetMs;
  if (offsetMs !== undefined) {
    const seconds = Math.round(offsetMs / 1000);
    const level = Math.abs(seconds) >= 30 ? 'fail' : Math.abs(seconds) >= 5 ? 'warn' : 'ok';
    add(
      'clock offset',
      level,
      `the platform's clock is ${Math.abs(seconds)} s ${seconds >= 0 ? 'ahead of' : 'behind'} this machine's${level === 'ok' ? '.' : ': id_tokens live 60 s on Moodle; sync both clocks (NTP).'}`,
    );
  }
  return checks;
}
