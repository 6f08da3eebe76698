/** Health checks of a tool's and a platform's LTI endpoints: reachable, JWKS parses, clock offset, redirect URIs. */
import type { JSONWebKeySet } from 'jose';
import { MtsError } from '../core/errors.js';
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

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  transport?: Transport | undefined;
  timeoutMs?: number | undefined;
  now?: (() => number) | undefined;
  signal?: AbortSignal | undefined;
}

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
      else if (noKid.length > 0 && jwks.keys.length > 1)
        add(name, 'warn', `${url} holds keys without "kid": tokens cannot say which key signed them.`);
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

  if (targets.toolJwksUrl) await checkJwks('tool JWKS', targets.toolJwksUrl);
  if (targets.toolLoginUrl) {
    try {
      const { status } = await get(targets.toolLoginUrl);
      // Without parameters a login handler answers 4xx; a 404 or 5xx means nothing (or something broken) is there.
      if (status === 404 || status >= 500)
        add('tool login URL', 'fail', `${targets.toolLoginUrl} answered HTTP ${status}.`);
      else
        add(
          'tool login URL',
          'ok',
          `${targets.toolLoginUrl} answers (HTTP ${status} without login parameters).`,
        );
    } catch (error) {
      add('tool login URL', 'fail', describe(error));
    }
  }
  for (const uri of targets.redirectUris ?? []) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      add('redirect URI', 'fail', `"${uri}" is not a URL.`);
      continue;
    }
    if (url.hash)
      add(
        'redirect URI',
        'fail',
        `${uri} has a fragment; platforms match redirect URIs exactly and refuse fragments.`,
      );
    else if (url.protocol !== 'https:' && !isLocal(url))
      add(
        'redirect URI',
        'warn',
        `${uri} is not https: browsers drop the SameSite=None state cookie, and Moodle embeds tools in iframes.`,
      );
    else add('redirect URI', 'ok', `${uri} (must be listed exactly in the platform's "Redirection URI(s)").`);
  }

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
        platformJwks ??= typeof config.jwks_uri === 'string' ? config.jwks_uri : undefined;
        const issuerOk = !targets.platformIssuer || config.issuer === targets.platformIssuer;
        add(
          'platform OpenID configuration',
          issuerOk ? 'ok' : 'fail',
          issuerOk
            ? `issuer ${String(config.issuer)}, auth ${String(config.authorization_endpoint)}, token ${String(config.token_endpoint)}.`
            : `issuer is ${String(config.issuer)}, not ${targets.platformIssuer}: the registration's issuer must match exactly.`,
        );
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
