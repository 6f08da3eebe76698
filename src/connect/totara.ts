/** A Totara client from resolved settings (flags > MTS_* > profile), for the CLI and the REPL alike. */
import type { ProfileSettings } from '../core/config.js';
import { TotaraClient } from '../totara/client.js';
import type { TotaraClientOptions } from '../totara/client-options.js';
import { requireSettings, TOTARA_KEYS } from './settings.js';

/** A Totara client from settings, or `config.missing` naming what is not configured. */
export function totaraClientFromSettings(
  settings: ProfileSettings,
  purpose = 'This command',
  otherwise?: string,
  extra: Pick<TotaraClientOptions, 'schema' | 'onWait'> = {},
): TotaraClient {
  requireSettings(settings, TOTARA_KEYS, purpose, otherwise);
  return new TotaraClient({
    url: settings.totaraUrl as string,
    clientId: settings.totaraClientId as string,
    clientSecret: settings.totaraClientSecret as string,
    timeoutMs: settings.timeoutMs,
    ...extra,
  });
}
