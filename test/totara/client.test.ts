import { inspect } from 'node:util';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  TotaraAuthError,
  TotaraComplexityError,
  TotaraInternalError,
  TotaraPermissionError,
  TotaraRefusedError,
  TotaraValidationError,
  type TypedDocument,
} from '../../src/totara/index.js';
import { type RunningTotara, STATUS_QUERY, startTotara, USERS_QUERY } from './sandbox.js';

let totara: RunningTotara;
beforeAll(async () => {
  totara = await startTotara({ users: 40 });
});
afterAll(async () => totara?.close());

describe('TotaraClient against the sandbox', () => {
  it('runs a query and reuses its cached token for later calls', async () => {
    const before = totara.module.tokensIssued();
    const client = totara.client();
    const data = await client.request<{ totara_webapi_status: { status: string } }>(STATUS_QUERY);
    expect(data.totara_webapi_status.status).toBe('ok');
    await client.request(STATUS_QUERY);
    expect(totara.module.tokensIssued() - before).toBe(1);
  });

  it('fetches one token however many calls wait for it (single flight)', async () => {
    const before = totara.module.tokensIssued();
    const client = totara.client();
    const results = await Promise.all(Array.from({ length: 25 }, () => client.request(STATUS_QUERY)));
    expect(results).toHaveLength(25);
    expect(totara.module.tokensIssued() - before).toBe(1);
    expect(client.tokenRequests).toBe(1);
  });

  it('fetches a new token once when the server rejects the cached one', async () => {
    const client = totara.client();
    await client.request(STATUS_QUERY);
    totara.module.revokeTokens();
    const data = await client.request<{ totara_webapi_status: { status: string } }>(STATUS_QUERY);
    expect(data.totara_webapi_status.status).toBe('ok');
    expect(client.tokenRequests).toBe(2);
  });

  it('refuses a name that is not lower snake_case before sending anything', async () => {
    const before = totara.module.stats().requests;
    const issued = totara.module.tokensIssued();
    const client = totara.client();
    const error = await client
      .request('query listUsers { totara_webapi_status { status } }')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('totara.operation_name');
    expect((error as InputError).message).toContain('list_users');
    const anonymous = await client.request('{ totara_webapi_status { status } }').catch((e: unknown) => e);
    expect((anonymous as InputError).code).toBe('totara.operation_name');
    // a one-letter name is lower case but still refused: the suggestion must be a name Totara accepts
    const short = await client
      .request('query x { totara_webapi_status { status } }')
      .catch((e: unknown) => e);
    expect((short as InputError).code).toBe('totara.operation_name');
    expect((short as InputError).message).toContain('Try "x_query"');
    expect(totara.module.stats().requests).toBe(before);
    expect(totara.module.tokensIssued()).toBe(issued);
  });

  it('runs the named operation of a document holding several', async () => {
    const doc = `${STATUS_QUERY}\n${USERS_QUERY}`;
    const data = await totara.client().request<{ core_user_users: { total: number } }>(
      doc,
      {},
      {
        operationName: 'list_users',
      },
    );
    expect(data.core_user_users.total).toBeGreaterThan(30);
  });

  it('sends a batch in one request and returns one result per operation', async () => {
    const client = totara.client();
    await client.token();
    const before = totara.module.stats().requests;
    const results = await client.batch([
      { document: STATUS_QUERY },
      { document: USERS_QUERY, variables: { query: { pagination: { limit: 3 } } } },
      { document: USERS_QUERY, variables: { query: { pagination: { limit: 3, cursor: 'not-a-cursor' } } } },
    ]);
    expect(totara.module.stats().requests - before).toBe(1);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    const users = results[1];
    expect(
      users?.ok && (users.data as { core_user_users: { items: unknown[] } }).core_user_users.items,
    ).toHaveLength(3);
    const broken = results[2];
    expect(!broken?.ok && broken?.error).toBeInstanceOf(TotaraRefusedError);
    expect(!broken?.ok && broken?.error.message).toContain('Invalid cursor given');
  });

  it('refuses a whole batch before sending when one operation does not fit the schema', async () => {
    const client = totara.client();
    await client.token();
    const before = totara.module.stats().requests;
    const error = await client
      .batch([
        { document: STATUS_QUERY },
        { document: 'query broken_one { totara_webapi_status { no_such_field } }' },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraValidationError);
    expect((error as TotaraValidationError).code).toBe('totara.invalid_operation');
    expect(totara.module.stats().requests).toBe(before);
  });

  it('reports bad client credentials as TotaraAuthError without the secret', async () => {
    const client = totara.client({ clientSecret: 'wrong-secret-value-123456' });
    const error = await client.request(STATUS_QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraAuthError);
    expect((error as TotaraAuthError).code).toBe('totara.auth.token');
    expect(
      JSON.stringify({ ...(error as TotaraAuthError).toJSON(), m: (error as Error).message }),
    ).not.toContain('wrong-secret-value-123456');
  });

  it('refuses unknown fields, arguments and roots before sending, with did-you-means', async () => {
    const client = totara.client();
    await client.token();
    const before = totara.module.stats().requests;
    const refused = async (document: string) => {
      const error = await client.request(document).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TotaraValidationError);
      expect((error as TotaraValidationError).code).toBe('totara.invalid_operation');
      return (error as TotaraValidationError).message;
    };
    expect(await refused('query bad_field { totara_webapi_status { stauts } }')).toContain(
      'Cannot query field "stauts" on type "totara_webapi_status". Did you mean "status"?',
    );
    expect(await refused('query bad_arg { core_user_users(qeury: {}) { total } }')).toContain(
      'Unknown argument "qeury" on field "Query.core_user_users". Did you mean "query"?',
    );
    expect(await refused('query bad_root { core_user_user { total } }')).toContain(
      'Did you mean "core_user_users"?',
    );
    expect(
      await refused('query wrong_kind { core_user_delete_user(target_user: {id: 5}) { user_id } }'),
    ).toContain('It is a mutation');
    expect(await refused('query undeclared { core_user_users(query: $query) { total } }')).toContain(
      'Variable "$query" is not defined by operation "undeclared"',
    );
    expect(totara.module.stats().requests).toBe(before);
  });

  it('sends unchecked when told to, and never takes what Totara dropped for data', async () => {
    const client = totara.client();
    const dropped = await client
      .request('query bad_field { totara_webapi_status { status stauts } }', {}, { validate: false })
      .catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(TotaraValidationError);
    expect((dropped as TotaraValidationError).code).toBe('totara.field_dropped');
    expect((dropped as TotaraValidationError).details).toMatchObject({
      paths: ['totara_webapi_status.stauts'],
    });
    const unknownRoot = await client
      .request('query bad_root { no_such_query { id } }', {}, { validate: false })
      .catch((e: unknown) => e);
    expect((unknownRoot as TotaraValidationError).code).toBe('totara.unknown_root');
    const unchecked = totara.client({ schema: false });
    const quiet = await unchecked
      .request('query bad_field { totara_webapi_status { status stauts } }')
      .catch((e: unknown) => e);
    expect((quiet as TotaraValidationError).code).toBe('totara.field_dropped');
  });

  it('names where a query ran out of complexity budget and the page size that fits; no partial data', async () => {
    const small = await startTotara({ users: 40, maxComplexity: 50 });
    try {
      const error = await small
        .client()
        .request(USERS_QUERY, { query: { pagination: { limit: 40 } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TotaraComplexityError);
      const e = error as TotaraComplexityError;
      expect(e.code).toBe('totara.complexity');
      // 5 points for core_user_users, then 3 per user (id, username, suspended): the 16th user's id is point 51.
      expect(e.details).toMatchObject({
        max: 50,
        path: 'core_user_users.items[15].id',
        field: 'core_user.id',
        suggestedPageSize: 15,
      });
      expect(e.message).toContain('returned no data');
      expect(e.hint).toContain('at most 15 items per page');
    } finally {
      await small.close();
    }
  });

  it('maps nesting deeper than 15 to TotaraComplexityError (totara.depth)', async () => {
    let inner = 'id';
    for (let i = 0; i < 15; i++) inner = `managerja { ${inner} }`;
    const doc = `query too_deep { totara_job_job_assignments { items { ${inner} } } }`;
    const before = totara.module.stats().requests;
    const error = await totara
      .client()
      .request(doc)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraComplexityError);
    expect((error as TotaraComplexityError).code).toBe('totara.depth');
    expect(totara.module.stats().requests).toBe(before);
    // and the sandbox refuses it as Totara does when it is sent anyway
    const sent = await totara
      .client()
      .request(doc, {}, { validate: false })
      .catch((e: unknown) => e);
    expect((sent as TotaraComplexityError).code).toBe('totara.depth');
    expect((sent as TotaraComplexityError).message).toContain('nests 16 levels deep');
  });

  it('says introspection is off, and works when the site enables it', async () => {
    const error = await totara
      .client()
      .request('query schema_types { __schema { types { name } } }')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraValidationError);
    expect((error as TotaraValidationError).code).toBe('totara.introspection_disabled');
    const open = await startTotara({ users: 1, introspection: true });
    try {
      const data = await open
        .client()
        .request<{ __schema: { types: unknown[] } }>('query schema_types { __schema { types { name } } }');
      expect(data.__schema.types.length).toBeGreaterThan(10);
    } finally {
      await open.close();
    }
  });

  it('maps a refused action to TotaraPermissionError', async () => {
    const error = await totara
      .client()
      .request(
        'mutation remove_user($u: core_user_user_reference!) { core_user_delete_user(target_user: $u) { user_id } }',
        {
          u: { username: 'api_service' },
        },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotaraPermissionError);
    expect((error as TotaraPermissionError).code).toBe('totara.permission');
  });

  it('creates users and job assignments through mutations', async () => {
    const client = totara.client();
    const created = await client.request<{
      core_user_create_user: { user: { id: string; username: string } };
    }>(
      `mutation add_user($input: core_user_create_user_input!) { core_user_create_user(input: $input) { user { id username } } }`,
      {
        input: {
          username: 'newbie',
          email: 'newbie@example.invalid',
          firstname: 'New',
          lastname: 'Bie',
          generate_password: true,
        },
      },
    );
    expect(created.core_user_create_user.user.username).toBe('newbie');
    expect(created.core_user_create_user.user.id).toMatch(/^\d+$/);
    const job = await client.request<{
      totara_job_create_job_assignment: { job_assignment: { idnumber: string; user: { username: string } } };
    }>(
      `mutation add_job($input: totara_job_create_job_assignment_input!) { totara_job_create_job_assignment(input: $input) { job_assignment { idnumber user { username } } } }`,
      { input: { idnumber: 'NEWJOB', user: { username: 'newbie' }, position: { idnumber: 'POS2' } } },
    );
    expect(job.totara_job_create_job_assignment.job_assignment).toEqual({
      idnumber: 'NEWJOB',
      user: { username: 'newbie' },
    });
  });

  it('never puts variables or the token into errors', async () => {
    const client = totara.client();
    const { accessToken } = await client.token();
    const password = 'Sup3r-Secret-Passw0rd!';
    const mutation = `mutation add_user($input: core_user_create_user_input!) { core_user_create_user(input: $input) { user { id } } }`;
    const duplicate = await client
      .request(mutation, {
        input: {
          username: 'api_service',
          email: 'x@example.invalid',
          firstname: 'A',
          lastname: 'B',
          password,
        },
      })
      .catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(TotaraInternalError);
    // graphql-js echoes invalid variable values in its messages: they must be masked too.
    const invalid = await client
      .request(mutation, {
        input: {
          username: 'someone',
          email: 'y@example.invalid',
          firstname: 'A',
          lastname: 'B',
          password,
          bogus: 'Cl13nt-Value-XYZ',
        },
      })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(TotaraValidationError);
    for (const error of [duplicate, invalid]) {
      const e = error as TotaraInternalError;
      const text = JSON.stringify({
        message: e.message,
        hint: e.hint,
        json: e.toJSON(),
        errors: e.errors,
        request: e.request,
        stack: e.stack,
      });
      expect(text).not.toContain(password);
      expect(text).not.toContain('Cl13nt-Value-XYZ');
      expect(text).not.toContain(accessToken);
    }
  });

  it('hides nothing it was not given: at debug level NONE the hint says why there is no detail', async () => {
    const quiet = await startTotara({ users: 1, responseDebug: 'none' });
    try {
      const error = await quiet
        .client()
        .request(
          'mutation remove_user($u: core_user_user_reference!) { core_user_delete_user(target_user: $u) { user_id } }',
          {
            u: { username: 'nobody-here' },
          },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TotaraInternalError);
      expect((error as TotaraInternalError).hint).toMatch(/debug level is NONE/);
    } finally {
      await quiet.close();
    }
  });

  it('accepts a typed document node and keeps secrets out of console.log(client)', async () => {
    const doc = parse('query typed_status { totara_webapi_status { status } }') as TypedDocument<{
      totara_webapi_status: { status: string };
    }>;
    const client = totara.client();
    const data = await client.request(doc);
    expect(data.totara_webapi_status.status).toBe('ok');
    const { accessToken } = await client.token();
    const shown = inspect(client, { depth: 10, showHidden: true });
    expect(shown).not.toContain(accessToken);
    expect(shown).not.toContain(totara.module.info({ baseUrl: totara.url }).clientSecret);
  });

  it('answers a request without query text (a persisted query) with a Totara-shaped error', async () => {
    const client = totara.client();
    const { accessToken } = await client.token();
    const response = await fetch(`${totara.url}/api/graphql.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        operationName: 'saved_op',
        extensions: { persistedQuery: { sha256Hash: 'abc' } },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: { category: string } }>;
      error: string;
    };
    expect(body.errors[0]?.extensions.category).toBe('internal');
    expect(body.errors[0]?.message).toBe('Internal server error');
    expect((body.errors[0] as { debugMessage?: string }).debugMessage).toBe('Query parameter is missing');
    expect(body.error).toBe('Internal server error');
  });
});
