/**
 * Clients built from resolved settings (flags > MTS_* > profile), shared by every command that talks to a site, so
 * that a missing setting is reported the same way everywhere: which settings, which environment variables.
 */
import { PROFILE_KEYS, type ProfileKey, type ProfileSettings } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { MoodleClient, type MoodleClientOptions } from '../moodle/index.js';
import { TotaraClient } from '../totara/client.js';

/** The settings a Totara client needs. */
export const TOTARA_KEYS: readonly ProfileKey[] = ['totaraUrl', 'totaraClientId', 'totaraClientSecret'];

/** The settings a Moodle client needs to call functions. */
export const MOODLE_KEYS: readonly ProfileKey[] = ['moodleUrl', 'moodleToken'];

/** The settings among `keys` that are not set. */
export function missingSettings(settings: ProfileSettings, keys: readonly ProfileKey[]): ProfileKey[] {
  return keys.filter((key) => settings[key] === undefined || settings[key] === '');
}

/** Throws `config.missing` naming each missing setting and its environment variable. */
export function requireSettings(
  settings: ProfileSettings,
  keys: readonly ProfileKey[],
  purpose: string,
): void {
  const missing = missingSettings(settings, keys);
  if (missing.length === 0) return;
  const secretsMissing = missing.some((key) => PROFILE_KEYS[key].secret);
  throw new ConfigError(
    'config.missing',
    `${purpose} needs ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not configured.`,
    {
      hint:
        `Set ${missing.map((key) => PROFILE_KEYS[key].env).join(', ')}, or save ${missing.length > 1 ? 'them' : 'it'} in a profile: ` +
        `\`mts config set ${missing.map((key) => `${key}=${PROFILE_KEYS[key].secret ? '-' : '...'}`).join(' ')}\`` +
        (secretsMissing ? ' (`-` reads a secret from stdin).' : '.'),
      details: { missing },
    },
  );
}

/** A Totara client from settings, or `config.missing` naming what is not configured. */
export function totaraClientFromSettings(settings: ProfileSettings, purpose = 'This command'): TotaraClient {
  requireSettings(settings, TOTARA_KEYS, purpose);
  return new TotaraClient({
    url: settings.totaraUrl as string,
    clientId: settings.totaraClientId as string,
    clientSecret: settings.totaraClientSecret as string,
    timeoutMs: settings.timeoutMs,
  });
}

/** A Moodle client from settings; the token is required unless `needToken` is false (login, function lists). */
export function moodleClientFromSettings(
  settings: ProfileSettings,
  options: { purpose?: string; needToken?: boolean; onWarning?: MoodleClientOptions['onWarning'] } = {},
): MoodleClient {
  const needToken = options.needToken ?? true;
  requireSettings(settings, needToken ? MOODLE_KEYS : ['moodleUrl'], options.purpose ?? 'This command');
  return new MoodleClient({
    url: settings.moodleUrl as string,
    token: needToken ? settings.moodleToken : undefined,
    timeoutMs: settings.timeoutMs,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
}
