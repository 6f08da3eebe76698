import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { registerSecret } from './redact.js';

/** Everything a profile can hold. Secrets are kept in the credentials file, the rest in the config file. */
export interface ProfileSettings {
  /** Moodle wwwroot, sub-path included (`https://host/moodle`). */
  moodleUrl?: string | undefined;
  /** Moodle web service token (secret). */
  moodleToken?: string | undefined;
  /** Web service used by `mts moodle login` (default `moodle_mobile_app`). */
  moodleService?: string | undefined;
  /** Totara wwwroot. */
  totaraUrl?: string | undefined;
  /** Totara OAuth2 client id. */
  totaraClientId?: string | undefined;
  /** Totara OAuth2 client secret (secret). */
  totaraClientSecret?: string | undefined;
  /** Marks a production site: red prompt, read-only REPL by default. */
  production?: boolean | undefined;
  /** Refuse write functions and mutations unless confirmed. */
  readOnly?: boolean | undefined;
  /** Default request deadline in milliseconds. */
  timeoutMs?: number | undefined;
}

/** The keys of {@link ProfileSettings}. */
export type ProfileKey = keyof ProfileSettings;

/** The value type of a setting (`url`: an absolute http(s) address, kept as a string). */
export type Kind = 'string' | 'url' | 'boolean' | 'number';
/** How one setting is read and stored. */
export interface KeySpec {
  kind: Kind;
  env: string;
  secret: boolean;
}

/** Every setting: its type, its environment variable and whether it is a secret. */
export const PROFILE_KEYS: Readonly<Record<ProfileKey, KeySpec>> = Object.freeze({
  moodleUrl: { kind: 'url', env: 'MTS_MOODLE_URL', secret: false },
  moodleToken: { kind: 'string', env: 'MTS_MOODLE_TOKEN', secret: true },
  moodleService: { kind: 'string', env: 'MTS_MOODLE_SERVICE', secret: false },
  totaraUrl: { kind: 'url', env: 'MTS_TOTARA_URL', secret: false },
  totaraClientId: { kind: 'string', env: 'MTS_TOTARA_CLIENT_ID', secret: false },
  totaraClientSecret: { kind: 'string', env: 'MTS_TOTARA_CLIENT_SECRET', secret: true },
  production: { kind: 'boolean', env: 'MTS_PRODUCTION', secret: false },
  readOnly: { kind: 'boolean', env: 'MTS_READ_ONLY', secret: false },
  timeoutMs: { kind: 'number', env: 'MTS_TIMEOUT_MS', secret: false },
});

/** Where a resolved value came from. */
export type ConfigSource = 'flag' | 'env' | 'profile' | 'default';

/** The outcome of {@link resolveConfig}. */
export interface ResolvedConfig {
  /** The profile in use. */
  profile: string;
  /** True when the profile exists in the config or credentials file. */
  profileExists: boolean;
  /** The merged settings. */
  settings: ProfileSettings;
  /** Where each present setting came from. */
  sources: Partial<Record<ProfileKey, ConfigSource>>;
  /** The configuration directory. */
  configDir: string;
  /** Problems worth telling a person about (e.g. a credentials file readable by others). */
  warnings: string[];
}

/** Inputs of {@link resolveConfig}. */
export interface ResolveConfigOptions {
  /** Values given as command line flags: the highest precedence. */
  flags?: ProfileSettings | undefined;
  /** Profile name from `--profile` (else `MTS_PROFILE`, else the file's default, else `default`). */
  profile?: string | undefined;
  /** The environment (defaults to `process.env`). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Settings used when nothing else gives one. */
  defaults?: ProfileSettings | undefined;
}

interface ConfigFile {
  version?: number;
  defaultProfile?: string;
  profiles?: Record<string, ProfileSettings>;
}

/** `MTS_CONFIG_DIR`, else `$XDG_CONFIG_HOME/mts`, else `~/.config/mts`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MTS_CONFIG_DIR) return env.MTS_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'mts');
}

function readJson(path: string): ConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('config.unreadable', `Cannot read ${path}.`, { cause: error, details: { path } });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as ConfigFile;
  } catch (error) {
    throw new ConfigError('config.invalid_json', `${path} is not a valid configuration file.`, {
      hint: 'Fix or delete the file; `mts config set` rewrites it.',
      cause: error,
      details: { path },
    });
  }
}

function coerce(key: ProfileKey, raw: unknown, where: string): string | boolean | number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const kind = PROFILE_KEYS[key].kind;
  if (kind === 'string') return String(raw);
  if (kind === 'url') return siteUrl(key, String(raw), where);
  if (kind === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    const text = String(raw).toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(text)) return true;
    if (['0', 'false', 'no', 'off'].includes(text)) return false;
  }
  if (kind === 'number') {
    const value = typeof raw === 'number' ? raw : Number(raw);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  throw new ConfigError(
    'config.invalid_value',
    `${where}: "${String(raw)}" is not a valid ${kind} for ${key}.`,
    {
      details: { path: key, value: String(raw) },
    },
  );
}

/** A site address as given, when it is an absolute http(s) URL: one without a scheme could only fail later. */
function siteUrl(key: ProfileKey, text: string, where: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '') return text;
  const bare = !/^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  throw new ConfigError(
    'config.invalid_url',
    bare
      ? `${where}: "${text}" has no scheme (https://...).`
      : `${where}: "${text}" is not an http(s) address.`,
    {
      hint: bare
        ? `Write it with its scheme: ${key}=https://${text.replace(/^\/+/, '')}`
        : `Write the site's address as its users open it, e.g. ${key}=https://lms.example.org`,
      details: { path: key, value: text },
    },
  );
}

/** Names of the profiles in the config and credentials files, and the default one. */
export function listProfiles(env: NodeJS.ProcessEnv = process.env): {
  profiles: string[];
  defaultProfile: string;
} {
  const dir = configDir(env);
  const config = readJson(join(dir, 'config.json')) ?? {};
  const credentials = readJson(join(dir, 'credentials.json')) ?? {};
  const names = new Set([...Object.keys(config.profiles ?? {}), ...Object.keys(credentials.profiles ?? {})]);
  return { profiles: [...names].sort(), defaultProfile: config.defaultProfile ?? 'default' };
}

/**
 * Resolves settings as flags > environment (`MTS_*`) > profile file > defaults. The profile is `--profile`, else
 * `MTS_PROFILE`, else the config file's `defaultProfile`, else `default`. Secrets found are registered for masking.
 */
export function resolveConfig(options: ResolveConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const dir = configDir(env);
  const configPath = join(dir, 'config.json');
  const credentialsPath = join(dir, 'credentials.json');
  const config = readJson(configPath) ?? {};
  const credentials = readJson(credentialsPath) ?? {};
  const warnings: string[] = [];
  const profile = options.profile || env.MTS_PROFILE || config.defaultProfile || 'default';
  const fromFile = config.profiles?.[profile];
  const fromCredentials = credentials.profiles?.[profile];
  const profileExists = fromFile !== undefined || fromCredentials !== undefined;
  if ((options.profile || env.MTS_PROFILE) && !profileExists && profile !== 'default') {
    throw new ConfigError('config.unknown_profile', `There is no profile named "${profile}".`, {
      hint: `Known profiles: ${listProfiles(env).profiles.join(', ') || '(none)'}; create one with \`mts config set --profile ${profile} moodleUrl=...\`.`,
      details: { profile },
    });
  }
  if (fromCredentials) {
    try {
      const mode = statSync(credentialsPath).mode & 0o777;
      if (mode & 0o077)
        warnings.push(
          `${credentialsPath} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`,
        );
    } catch {
      // stat failing right after a read is not worth an error
    }
  }

  const settings: Record<string, unknown> = {};
  const sources: Partial<Record<ProfileKey, ConfigSource>> = {};
  for (const key of Object.keys(PROFILE_KEYS) as ProfileKey[]) {
    const spec = PROFILE_KEYS[key];
    const layers: Array<[ConfigSource, unknown, string]> = [
      ['flag', options.flags?.[key], `--${key}`],
      ['env', env[spec.env], spec.env],
      ['profile', (spec.secret ? fromCredentials : fromFile)?.[key] ?? fromFile?.[key], `profile ${profile}`],
      ['default', options.defaults?.[key], 'defaults'],
    ];
    for (const [source, raw, where] of layers) {
      const value = coerce(key, raw, where);
      if (value === undefined) continue;
      settings[key] = value;
      sources[key] = source;
      if (spec.secret) registerSecret(String(value));
      break;
    }
  }
  return { profile, profileExists, settings: settings as ProfileSettings, sources, configDir: dir, warnings };
}

/**
 * Saves settings into a profile: secrets go to `credentials.json` (created 0600), the rest to `config.json`, both
 * written atomically. `undefined` values leave a setting as it was; `null` removes it.
 */
export async function saveProfile(
  profile: string,
  values: { [K in ProfileKey]?: ProfileSettings[K] | null },
  options: { env?: NodeJS.ProcessEnv; makeDefault?: boolean } = {},
): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(profile)) {
    throw new ConfigError('config.invalid_profile_name', `"${profile}" is not a valid profile name.`, {
      hint: 'Use letters, digits, dot, dash and underscore.',
      details: { profile },
    });
  }
  const dir = configDir(options.env);
  const configPath = join(dir, 'config.json');
  const credentialsPath = join(dir, 'credentials.json');
  const config: ConfigFile = readJson(configPath) ?? {};
  const credentials: ConfigFile = readJson(credentialsPath) ?? {};
  config.version = 1;
  credentials.version = 1;
  config.profiles ??= {};
  credentials.profiles ??= {};
  const plain: Record<string, unknown> = { ...config.profiles[profile] };
  const secret: Record<string, unknown> = { ...credentials.profiles[profile] };
  for (const [key, value] of Object.entries(values) as Array<[ProfileKey, unknown]>) {
    if (!(key in PROFILE_KEYS)) {
      throw new ConfigError('config.unknown_key', `Unknown setting "${key}".`, {
        hint: `Known settings: ${Object.keys(PROFILE_KEYS).join(', ')}.`,
        details: { path: key },
      });
    }
    if (value === undefined) continue;
    const target = PROFILE_KEYS[key].secret ? secret : plain;
    if (value === null) delete target[key];
    else target[key] = coerce(key, value, key);
  }
  config.profiles[profile] = plain as ProfileSettings;
  credentials.profiles[profile] = secret as ProfileSettings;
  if (options.makeDefault) config.defaultProfile = profile;
  // loaded here: reading settings (every command) must not pay for node:crypto and streams, only saving them does
  const { writeFileAtomic } = await import('./atomic.js');
  await writeFileAtomic(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o644 });
  await writeFileAtomic(credentialsPath, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}

/** A copy of settings with secrets masked, for display. */
export function maskedSettings(settings: ProfileSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    out[key] = PROFILE_KEYS[key as ProfileKey]?.secret && value !== undefined ? '***' : value;
  }
  return out;
}
