/**
 * Which settings a site client needs, and the one way a missing setting is reported everywhere (the CLI, the REPL,
 * `mts doctor`): which settings, their environment variables, and the `mts config set` that saves them.
 */
import { PROFILE_KEYS, type ProfileKey, type ProfileSettings } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/** The settings a Totara client needs. */
export const TOTARA_KEYS: readonly ProfileKey[] = ['totaraUrl', 'totaraClientId', 'totaraClientSecret'];

/** The settings a Moodle client needs to call functions. */
export const MOODLE_KEYS: readonly ProfileKey[] = ['moodleUrl', 'moodleToken'];

/** The settings among `keys` that are not set. */
export function missingSettings(settings: ProfileSettings, keys: readonly ProfileKey[]): ProfileKey[] {
  return keys.filter((key) => settings[key] === undefined || settings[key] === '');
}

/**
 * Throws `config.missing` naming each missing setting and its environment variable. `purpose` starts the message
 * ("mts moodle call needs ..."); `otherwise` adds another way out to the hint (the REPL's `.sandbox`).
 */
export function requireSettings(
  settings: ProfileSettings,
  keys: readonly ProfileKey[],
  purpose: string,
  otherwise?: string,
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
        (secretsMissing ? ' (`-` reads a secret from stdin)' : '') +
        (otherwise ? `; or ${otherwise}.` : '.'),
      details: { missing },
    },
  );
}
