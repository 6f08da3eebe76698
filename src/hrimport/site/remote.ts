/**
 * Site state read from a live site: Totara's external GraphQL API (users and their job assignments) or Moodle web
 * services (users). The clients are passed in by shape, so this module does not depend on the client modules.
 */
import { CUSTOM_FIELD_PREFIX, type ElementName } from '../columns/elements.js';
import type { SiteRecord, SiteState } from './state.js';

/** What the Totara site source needs of a client: `TotaraClient.paginate` fits. */
export interface TotaraPagingClient {
  paginate(
    document: string,
    variables?: Record<string, unknown>,
    options?: { signal?: AbortSignal | undefined },
  ): AsyncIterable<unknown>;
}

/** What the Moodle site source needs: a function calling a web service function, e.g. wrapping `MoodleClient.call`. */
export type MoodleCall = (
  fn: string,
  params: Record<string, unknown>,
  options: { signal?: AbortSignal | undefined },
) => Promise<unknown>;

const TOTARA_USERS = `query mts_hrimport_users($query: core_user_users_query) {
  core_user_users(query: $query) {
    items {
      idnumber username firstname lastname middlename alternatename firstnamephonetic lastnamephonetic
      email address phone1 phone2 department institution city country description(format: PLAIN) lang timezone url
      suspended
      custom_fields { shortname data }
      job_assignments {
        idnumber fullname startdate enddate tempmanagerexpirydate
        position { idnumber }
        organisation { idnumber }
        managerja { idnumber user { idnumber } }
        tempmanagerja { idnumber user { idnumber } }
        appraiser { idnumber }
      }
    }
    total
    next_cursor
  }
}`;

const USER_TEXT = [
  'idnumber',
  'username',
  'firstname',
  'lastname',
  'middlename',
  'alternatename',
  'firstnamephonetic',
  'lastnamephonetic',
  'email',
  'address',
  'phone1',
  'phone2',
  'department',
  'institution',
  'city',
  'country',
  'description',
  'lang',
  'timezone',
  'url',
  'auth',
] as const;

type Loose = Record<string, unknown> | null | undefined;

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
const idOf = (value: unknown): string => text((value as Loose)?.idnumber);

function userRecord(
  user: Record<string, unknown>,
  customFields: unknown,
  custom: (f: Record<string, unknown>) => [string, unknown],
): SiteRecord {
  const values: Record<string, string> = {};
  for (const key of USER_TEXT) if (key in user) values[key] = text(user[key]);
  if ('suspended' in user) values.suspended = user.suspended ? '1' : '0';
  if (Array.isArray(customFields))
    for (const field of customFields as Record<string, unknown>[]) {
      const [shortname, value] = custom(field);
      values[`${CUSTOM_FIELD_PREFIX}${shortname}`] = text(value);
    }
  return { values, suspended: user.suspended === true || user.suspended === 1 };
}

/**
 * Site state from Totara's external GraphQL API (`core_user_users` with job assignments): elements `user` and
 * `jobassignment`. The API does not return deleted users, nor each record's "HR Import" flag, so every record it
 * lists counts as managed by HR Import.
 *
 * @example
 * ```ts
 * const site = totaraSiteState(new TotaraClient({ url, clientId, clientSecret }), { description: url });
 * const plan = await planImport('/var/totara/hrimport', { site });
 * ```
 */
export function totaraSiteState(
  client: TotaraPagingClient,
  options: { description?: string | undefined } = {},
): SiteState {
  return {
    description: options.description ?? 'Totara GraphQL API',
    elements: ['user', 'jobassignment'] satisfies ElementName[],
    async *records(element, recordOptions = {}) {
      for await (const item of client.paginate(TOTARA_USERS, {}, { signal: recordOptions.signal })) {
        const user = item as Record<string, unknown>;
        if (!user.idnumber) continue;
        if (element === 'user') {
          yield userRecord(user, user.custom_fields, (f) => [text(f.shortname), f.data]);
          continue;
        }
        if (element !== 'jobassignment' || !Array.isArray(user.job_assignments)) continue;
        for (const ja of user.job_assignments as Record<string, unknown>[]) {
          const manager = ja.managerja as Loose;
          const temp = ja.tempmanagerja as Loose;
          yield {
            values: {
              idnumber: text(ja.idnumber),
              useridnumber: text(user.idnumber),
              fullname: text(ja.fullname),
              startdate: text(ja.startdate),
              enddate: text(ja.enddate),
              orgidnumber: idOf(ja.organisation),
              posidnumber: idOf(ja.position),
              manageridnumber: idOf(manager?.user),
              managerjobassignmentidnumber: text(manager?.idnumber),
              appraiseridnumber: idOf(ja.appraiser),
              tempmanageridnumber: idOf(temp?.user),
              tempmanagerjobassignmentidnumber: text(temp?.idnumber),
              tempmanagerexpirydate: text(ja.tempmanagerexpirydate),
            },
          };
        }
      }
    },
  };
}

/**
 * Site state from Moodle web services (`core_user_get_users` listing every user): element `user`. Moodle has no
 * HR Import flag, so every user with an idnumber counts as managed.
 *
 * @example
 * ```ts
 * const moodle = new MoodleClient({ url, token });
 * const site = moodleSiteState((fn, params, opts) => moodle.call(fn as 'core_user_get_users', params as never, opts), { description: url });
 * ```
 */
export function moodleSiteState(
  call: MoodleCall,
  options: { description?: string | undefined } = {},
): SiteState {
  return {
    description: options.description ?? 'Moodle web services',
    elements: ['user'] satisfies ElementName[],
    async *records(element, recordOptions = {}) {
      if (element !== 'user') return;
      const result = (await call(
        'core_user_get_users',
        { criteria: [{ key: 'email', value: '%' }] },
        { signal: recordOptions.signal },
      )) as {
        users?: Record<string, unknown>[];
      };
      for (const user of result.users ?? []) {
        if (!user.idnumber) continue;
        yield userRecord(user, user.customfields, (f) => [text(f.shortname), f.value]);
      }
    },
  };
}
