import { describe, expectTypeOf, it } from 'vitest';
import {
  type BuilderTypes,
  mutation,
  query,
  type ResultOf,
  type SchemaTypes,
} from '../../src/totara/index.js';

describe('typed builder over the Totara 17.3 external API', () => {
  it('types the result after the selection, with lists, nullability and arguments', () => {
    const op = query('my_users', {
      core_user_users: {
        __args: { query: { pagination: { limit: 10 } } },
        items: { id: true, fullname: true, email: true },
        next_cursor: true,
      },
    });
    type R = ResultOf<typeof op.document>;
    expectTypeOf<R>().toEqualTypeOf<{
      core_user_users: {
        items: Array<{ id: string; fullname: string; email: string | null }>;
        next_cursor: string;
      };
    }>();
  });

  it('follows the format argument of core_date fields, defaulting to the schema default', () => {
    const op = query('access_times', {
      core_user_users: {
        items: { firstaccess: { __args: { format: 'ISO8601' } }, lastaccess: true, __typename: true },
      },
    });
    type Item = ResultOf<typeof op.document>['core_user_users']['items'][number];
    expectTypeOf<Item['firstaccess']>().toEqualTypeOf<string | null>();
    expectTypeOf<Item['lastaccess']>().toEqualTypeOf<string | null>(); // Totara sends Unix seconds as a string
    expectTypeOf<Item['__typename']>().toEqualTypeOf<'core_user'>();
  });

  it('maps enums to string unions and requires required arguments', () => {
    const op = mutation('delete_user', {
      core_user_delete_user: { __args: { target_user: { id: '42' } }, user_id: true },
    });
    expectTypeOf<ResultOf<typeof op.document>>().toEqualTypeOf<{
      core_user_delete_user: { user_id: string };
    }>();
    // @ts-expect-error target_user is a required argument
    mutation('delete_user', { core_user_delete_user: { user_id: true } });
    // @ts-expect-error not a field of core_user
    query('bad_field', { core_user_users: { items: { no_such_field: true } } });
    // @ts-expect-error an argument the field does not take, beside one it does
    query('bad_arg', { core_user_users: { __args: { query: {}, qery: {} }, total: true } });
    query('bad_arg', {
      // @ts-expect-error the same on a scalar field
      core_user_users: { items: { url: { __args: { format: 'PLAIN', fromat: 'HTML' } } } },
    });
    query('bad_input', {
      // @ts-expect-error a misspelt key inside an input object, beside a correct one
      core_user_users: { __args: { query: { pagination: { limit: 5, curser: 'x' } } }, total: true },
    });
    // @ts-expect-error a misspelt field beside a correct one
    query('bad_field', { core_user_users: { items: { id: true, fulname: true } } });
    // @ts-expect-error an enum argument takes one of its values
    query('bad_enum', { core_user_users: { items: { url: { __args: { format: 'NOPE' } } } } });
  });
});

describe('typed builder over a generated schema of our own', () => {
  it('types interfaces and unions per member with on_<type>, and __typename as the member name', async () => {
    const { query: shopQuery } = await import('./golden/generated/builder.js');
    const op = shopQuery('shop_find', {
      shop_search: {
        __args: { term: 'x' },
        __typename: true,
        on_shop_song: { seconds: true },
        on_shop_book: { published: { __args: { format: 'DATE' } } },
      },
      shop_items: { __args: { query: { search: 'a', ids: ['1', 2] } }, items: { id: true, name: true } },
    });
    type R = ResultOf<typeof op.document>;
    expectTypeOf<R['shop_search']>().toEqualTypeOf<Array<
      { __typename: 'shop_book'; published: string | null } | { __typename: 'shop_song'; seconds: number }
    > | null>();
    expectTypeOf<R['shop_items']['items'][number]>().toEqualTypeOf<{ id: string; name: string }>();
    // @ts-expect-error search is required in shop_items_query
    shopQuery('shop_missing', { shop_items: { __args: { query: {} }, total: true } });
  });
});

describe('__scalar: true', () => {
  it('selects every scalar and enum field without a required argument, explicit selections winning', () => {
    const op = query('job_assignments', {
      totara_job_job_assignments: {
        items: { __scalar: true, fullname: { __args: { format: 'HTML' } } },
        total: true,
      },
    });
    type Item = NonNullable<
      NonNullable<ResultOf<typeof op.document>['totara_job_job_assignments']['items']>[number]
    >;
    expectTypeOf<Item['id']>().toEqualTypeOf<string>();
    expectTypeOf<Item['idnumber']>().toEqualTypeOf<string>();
    expectTypeOf<Item['fullname']>().toEqualTypeOf<string | null>();
    expectTypeOf<Item['startdate']>().toEqualTypeOf<string | null>(); // default format TIMESTAMP: "1796285835"
    expectTypeOf<'user' extends keyof Item ? true : false>().toEqualTypeOf<false>(); // an object: not a scalar
  });
});

describe('aliases', () => {
  it("selects a field twice under other names with 'alias:field'", () => {
    const op = query('two_formats', {
      core_user_users: {
        items: {
          'seen_iso:lastaccess': { __args: { format: 'ISO8601' } },
          'seen_at:lastaccess': true,
          id: true,
        },
      },
    });
    type Item = ResultOf<typeof op.document>['core_user_users']['items'][number];
    expectTypeOf<Item>().toEqualTypeOf<{ seen_iso: string | null; seen_at: string | null; id: string }>();
    // @ts-expect-error the aliased field must exist
    query('bad_alias', { core_user_users: { items: { 'x:nope': true } } });
  });
});

describe('misspellings read as errors that name them', () => {
  it('maps an unknown field, argument or input key to a message naming it', () => {
    type Strict = BuilderTypes.StrictSelection<SchemaTypes, 'core_user', { id: true; fulname: true }>;
    expectTypeOf<Strict['fulname']>().toEqualTypeOf<{
      readonly '✗ core_user has no field "fulname"': 'check the spelling';
    }>();
    expectTypeOf<Strict['id']>().toEqualTypeOf<true>();
    type Args = BuilderTypes.StrictSelection<
      SchemaTypes,
      'Query',
      { core_user_users: { __args: { qery: object }; total: true } }
    >['core_user_users']['__args'];
    expectTypeOf<Args['qery']>().toEqualTypeOf<{
      readonly '✗ no argument "qery" on this field': 'check the spelling';
    }>();
  });
});
