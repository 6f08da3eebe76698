/**
 * What every REST call sends besides its parameters: the headers, and the control fields (`wstoken`,
 * `wsfunction`, `moodlewsrestformat` and the `moodlewssetting*` options), encoded as form text.
 */

import type { MoodleCallOptions, MoodleSettings } from '../types.js';
import { type EncodedForm, encodeParams } from './encode.js';

/** The `moodlewssetting*` options, as call and client options name them. */
export const SETTING_KEYS = ['filter', 'fileurl', 'lang', 'timezone', 'raw'] as const;

/** The headers of every REST call (the transport copies them, adding its user agent). */
export const REST_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/x-www-form-urlencoded',
  accept: 'application/json',
});

/** The `moodlewssetting*` fields (each `&name=value`), a call's settings over the client's. */
function settingsForm(client: MoodleSettings, call: MoodleSettings): EncodedForm {
  let body = '';
  let fields = 0;
  for (const key of SETTING_KEYS) {
    const value = call[key] ?? client[key];
    if (value === undefined) continue;
    const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    body += `&${encodeParams({ [`moodlewssetting${key}`]: text })}`;
    fields++;
  }
  return { body, fields };
}

/**
 * The control fields of one client's calls. What does not change between calls (the token field, the client's
 * settings) is encoded once.
 */
export class RestControl {
  readonly #settings: MoodleSettings;
  /** The client's own settings fields, for calls that set none. */
  readonly #clientSettings: EncodedForm;
  #tokenFor: string | undefined;
  #tokenField = '';

  constructor(settings: MoodleSettings) {
    this.#settings = settings;
    this.#clientSettings = settingsForm(settings, {});
  }

  /** The encoded control fields of a call to `fn` (a name already checked to be letters, digits, `_`). */
  form(token: string, fn: string, options: MoodleCallOptions): EncodedForm {
    if (this.#tokenFor !== token) {
      this.#tokenFor = token;
      this.#tokenField = encodeParams({ wstoken: token });
    }
    const settings =
      options.filter === undefined &&
      options.fileurl === undefined &&
      options.lang === undefined &&
      options.timezone === undefined &&
      options.raw === undefined
        ? this.#clientSettings
        : settingsForm(this.#settings, options);
    return {
      body: `${this.#tokenField}&wsfunction=${fn}&moodlewsrestformat=json${settings.body}`,
      fields: 3 + settings.fields,
    };
  }
}
