/** A Moodle client from resolved settings (flags > MTS_* > profile), for the CLI and the REPL alike. */
import type { ProfileSettings } from '../core/config.js';
import { MoodleClient, type MoodleClientOptions } from '../moodle/client.js';
import { MOODLE_KEYS, requireSettings } from './settings.js';

/** How {@link moodleClientFromSettings} builds its client. */
export interface MoodleFromSettingsOptions {
  /** Starts the message of a missing setting ("mts moodle call needs ..."). */
  purpose?: string | undefined;
  /** False when the caller obtains a token itself (login) or lists functions without one. Default true. */
  needToken?: boolean | undefined;
  /** Another way out, added to the hint of a missing setting. */
  otherwise?: string | undefined;
  onWarning?: MoodleClientOptions['onWarning'];
}

/** A Moodle client from settings, or `config.missing` naming what is not configured. */
export function moodleClientFromSettings(
  settings: ProfileSettings,
  options: MoodleFromSettingsOptions = {},
): MoodleClient {
  const needToken = options.needToken ?? true;
  requireSettings(
    settings,
    needToken ? MOODLE_KEYS : ['moodleUrl'],
    options.purpose ?? 'This command',
    options.otherwise,
  );
  return new MoodleClient({
    url: settings.moodleUrl as string,
    token: settings.moodleToken || undefined,
    timeoutMs: settings.timeoutMs,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
}
