/**
 * A site's generated `MoodleFunctions` (from `mts codegen moodle`, plugins included) types `call()` when given as
 * the client's type argument; without one, core functions are typed and any other name is loose.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CheckedName,
  FunctionTable,
  MoodleClient,
  type MoodleFunctions,
} from '../../src/moodle/index.js';

/** What a site's generated types.ts holds: core functions and a plugin's. */
interface SiteFunctions {
  core_webservice_get_site_info: MoodleFunctions['core_webservice_get_site_info'];
  local_acme_sync_users: {
    params: { userids: number[]; dryrun?: boolean | null };
    returns: { synced: number; warnings?: Array<{ warningcode: string; message: string }> };
  };
  local_acme_ping: { params: Record<string, never>; returns: null };
}

const url = 'https://lms.example.org';

describe('MoodleClient<SiteFunctions>', () => {
  it("types a plugin function's parameters and result from the site's map", () => {
    const site = new MoodleClient<SiteFunctions>({ url, token: 't', functions: FunctionTable.fromInfos([]) });
    expectTypeOf(site.call('local_acme_sync_users', { userids: [2, 3] })).resolves.toEqualTypeOf<{
      synced: number;
      warnings?: Array<{ warningcode: string; message: string }>;
    }>();
    expectTypeOf(site.call('local_acme_ping')).resolves.toEqualTypeOf<null>();
    expectTypeOf(site.call('core_webservice_get_site_info')).resolves.toHaveProperty('sitename');
    // @ts-expect-error userids is required
    void site.call('local_acme_sync_users', {});
    // @ts-expect-error userids holds numbers
    void site.call('local_acme_sync_users', { userids: ['2'] });
    // @ts-expect-error no unknown keys
    void site.call('local_acme_sync_users', { userids: [2], force: true });
  });

  it('accepts the shipped core map explicitly (what the README shows)', () => {
    const core = new MoodleClient<MoodleFunctions>({ url });
    expectTypeOf(core.call('core_user_get_users_by_field', { field: 'id', values: ['2'] }))
      .resolves.items.toHaveProperty('id')
      .toEqualTypeOf<number>();
  });

  it('without a map, core is typed and a plugin name takes loose parameters', () => {
    const moodle = new MoodleClient({ url });
    expectTypeOf(moodle).toEqualTypeOf<MoodleClient<MoodleFunctions>>();
    expectTypeOf(moodle.call('local_acme_sync_users', { anything: [1] })).resolves.toBeUnknown();
    // @ts-expect-error values is required for the core function
    void moodle.call('core_user_get_users_by_field', { field: 'id' });
  });
});

describe('function names checked at compile time', () => {
  const moodle = new MoodleClient({ url });

  it('refuses a misspelt core name with a did-you-mean, and lets plugin names and strings through', () => {
    // @ts-expect-error core_ names come only from Moodle core: this one is a typo
    void moodle.call('core_usr_get_users_by_field', { field: 'id', values: ['2'] });
    // @ts-expect-error a name of a component the table covers that it lacks
    void moodle.call('core_user_get_user_by_field', { field: 'id', values: ['2'] });
    expectTypeOf<
      CheckedName<'core_usr_get_users_by_field'>
    >().toEqualTypeOf<'core_usr_get_users_by_field is not a function of this Moodle; did you mean core_user_get_users_by_field?'>();
    expectTypeOf<CheckedName<'core_user_get_user_by_field'>>().toEqualTypeOf<
      | 'core_user_get_user_by_field is not a function of this Moodle; did you mean core_user_get_user_preferences?'
      | 'core_user_get_user_by_field is not a function of this Moodle; did you mean core_user_get_users?'
      | 'core_user_get_user_by_field is not a function of this Moodle; did you mean core_user_get_users_by_field?'
    >();
    // A plugin's function, and any name held in a string, take loose parameters.
    expectTypeOf(moodle.call('local_acme_sync_users', { userids: [2] })).resolves.toBeUnknown();
    const computed: string = 'core_user_get_users';
    expectTypeOf(moodle.call(computed, {})).resolves.toBeUnknown();
    expectTypeOf<CheckedName<'core_user_get_users'>>().toEqualTypeOf<'core_user_get_users'>();
  });

  it("follows the site's own map: its components are checked, others pass", () => {
    const site = new MoodleClient<SiteFunctions>({ url, functions: FunctionTable.fromInfos([]) });
    // @ts-expect-error local_acme is a component of the site's map, which has no local_acme_sync_user
    void site.call('local_acme_sync_user', { userids: [2] });
    expectTypeOf<
      CheckedName<'local_acme_sync_user', SiteFunctions>
    >().toEqualTypeOf<'local_acme_sync_user is not a function of this Moodle; did you mean local_acme_sync_users?'>();
    expectTypeOf(site.call('local_other_thing', {})).resolves.toBeUnknown();
  });
});
