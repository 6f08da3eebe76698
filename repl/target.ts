/**
 * Which site the REPL talks to: the chosen profile (`--profile`, `MTS_PROFILE`, the default profile), or, when
 * nothing is configured, the sandbox started in-process in the background.
 */
import { type ProfileSettings, resolveConfig } from '../src/core/config.js';
import { registerSecret } from '../src/core/redact.js';
import type { Sandbox } from '../src/sandbox/server.js';

/** LTI platform endpoints of a target (Moodle's own paths under its wwwroot). */
export interface LtiEndpoint {
  issuer: string;
  jwksUrl: string;
  authUrl: string;
  tokenUrl: string;
}

/** A site the REPL is bound to. `settings` resolves at once for a profile; for the sandbox it starts it. */
export interface Target {
  /** The profile name, or `sandbox`. */
  profile: string;
  kind: 'profile' | 'sandbox';
  production: boolean;
  /** Read-only by default (production profiles, or `readOnly` set). */
  readOnly: boolean;
  /** The site's settings: URLs, credentials, deadline (the clients are made from them as the CLI makes its own). */
  settings: () => Promise<ProfileSettings>;
  /** The LTI platform endpoints of the site, when it has a Moodle. */
  lti: () => Promise<LtiEndpoint | undefined>;
  /** Starts the sandbox (once), when the target is one; resolves when it listens. */
  sandbox?: (() => Promise<Sandbox>) | undefined;
  /** Stops what the target started (the sandbox, if it was started). */
  stop: () => Promise<void>;
  /** Config warnings worth showing. */
  warnings: string[];
  configDir: string;
}

/** The LTI endpoints Moodle serves under its wwwroot. */
export function moodleLtiEndpoints(moodleUrl: string): LtiEndpoint {
  const root = moodleUrl.replace(/\/+$/, '');
  return {
    issuer: root,
    jwksUrl: `${root}/mod/lti/certs.php`,
    authUrl: `${root}/mod/lti/auth.php`,
    tokenUrl: `${root}/mod/lti/token.php`,
  };
}

/** Starts the sandbox in the background and describes it as a target. */
export function sandboxTarget(configDir: string, warnings: string[] = []): Target {
  let started: Promise<Sandbox> | undefined;
  const sandbox = () => {
    started ??= import('../src/sandbox/server.js').then(async ({ startSandbox }) => {
      const box = await startSandbox();
      registerSecret(box.moodle.token);
      registerSecret(box.moodle.password);
      registerSecret(box.totara.clientSecret);
      return box;
    });
    return started;
  };
  const settings = async (): Promise<ProfileSettings> => {
    const box = await sandbox();
    return {
      moodleUrl: box.moodle.url,
      moodleToken: box.moodle.token,
      totaraUrl: box.totara.url,
      totaraClientId: box.totara.clientId,
      totaraClientSecret: box.totara.clientSecret,
    };
  };
  const lti = async (): Promise<LtiEndpoint> => {
    const { issuer, jwksUrl, authUrl, tokenUrl } = (await sandbox()).lti;
    return { issuer, jwksUrl, authUrl, tokenUrl };
  };
  return {
    profile: 'sandbox',
    kind: 'sandbox',
    production: false,
    readOnly: false,
    settings,
    lti,
    sandbox,
    stop: async () => {
      if (started) await started.then((box) => box.close()).catch(() => undefined);
    },
    warnings,
    configDir,
  };
}

/**
 * Resolves the REPL's site. A named profile (flag or `MTS_PROFILE`) must exist; with no name, the default profile
 * is used when it configures a site, else the sandbox starts.
 */
export function resolveTarget(options: { profile?: string | undefined; env: NodeJS.ProcessEnv }): Target {
  const config = resolveConfig({ profile: options.profile, env: options.env });
  const settings = config.settings;
  if (!settings.moodleUrl && !settings.totaraUrl) return sandboxTarget(config.configDir, config.warnings);
  const production = settings.production === true;
  return {
    profile: config.profile,
    kind: 'profile',
    production,
    readOnly: settings.readOnly ?? production,
    settings: async () => settings,
    lti: async () => (settings.moodleUrl ? moodleLtiEndpoints(settings.moodleUrl) : undefined),
    stop: async () => undefined,
    warnings: config.warnings,
    configDir: config.configDir,
  };
}
