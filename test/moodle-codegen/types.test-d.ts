import { describe, expectTypeOf, it } from 'vitest';
import type {
  MoodleFunctionName,
  MoodleFunctions,
  MoodleParams,
  MoodleResult,
} from '../../src/moodle/generated/types.js';

type ByField = MoodleFunctions['core_user_get_users_by_field'];

describe('generated MoodleFunctions types', () => {
  it('core_user_get_users_by_field requires field and values: string[]', () => {
    expectTypeOf<ByField['params']>().toEqualTypeOf<{ field: string; values: string[] }>();
    // @ts-expect-error values is required
    const missing: ByField['params'] = { field: 'email' };
    // @ts-expect-error values holds strings, not numbers
    const numbers: ByField['params'] = { field: 'id', values: [1] };
    // @ts-expect-error no unknown keys
    const extra: ByField['params'] = { field: 'id', values: ['1'], limit: 1 };
    void [missing, numbers, extra];
  });

  it('types returns: lists of objects with numbers and optional keys, non-null unless Moodle sends null', () => {
    type User = ByField['returns'][number];
    // external_value's default NULL_ALLOWED does not make ids nullable: usable without a cast.
    expectTypeOf<User['id']>().toEqualTypeOf<number>();
    expectTypeOf<User['username']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<MoodleResult<'core_webservice_get_site_info'>['sitename']>().toEqualTypeOf<string>();
    expectTypeOf<MoodleResult<'core_user_create_users'>[number]['id']>().toEqualTypeOf<number>();
    expectTypeOf<MoodleResult<'core_user_delete_users'>>().toEqualTypeOf<null>();
    // A structure that marks keys NULL_NOT_ALLOWED (an exporter's) means its NULL_ALLOWED keys.
    type Completion = NonNullable<
      MoodleResult<'core_course_get_contents'>[number]['modules'][number]['completiondata']
    >;
    expectTypeOf<Completion['overrideby']>().toEqualTypeOf<number | null>();
  });

  it('makes optional and VALUE_DEFAULT parameters optional, and bool/int typed', () => {
    type CreateUser = MoodleParams<'core_user_create_users'>['users'][number];
    expectTypeOf<CreateUser['username']>().toEqualTypeOf<string>();
    expectTypeOf<CreateUser['createpassword']>().toEqualTypeOf<boolean | null | undefined>();
    // auth is VALUE_DEFAULT and NULL_NOT_ALLOWED: optional, never null.
    expectTypeOf<CreateUser['auth']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<CreateUser['maildisplay']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<MoodleParams<'core_course_get_courses'>>().toEqualTypeOf<{ options?: { ids?: number[] } }>();
  });

  it('names every function', () => {
    expectTypeOf<'core_webservice_get_site_info'>().toExtend<MoodleFunctionName>();
    expectTypeOf<'core_nope'>().not.toExtend<MoodleFunctionName>();
  });
});
