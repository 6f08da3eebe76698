import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { completeInput, keyPathAtEnd } from '../../repl/complete.js';
import { describeName } from '../../repl/describe.js';
import { completeGraphql } from '../../repl/graphql-complete.js';
import { isMutationDocument } from '../../repl/guard.js';
import { redactHistoryLine } from '../../repl/history.js';
import { SiteKnowledge } from '../../repl/knowledge.js';
import { sdlFromTable } from '../../repl/schema.js';
import { coreFunctionTable } from '../../src/moodle/index.js';
import { totara173SchemaTable } from '../../src/totara/index.js';

function knowledge(): SiteKnowledge {
  const k = new SiteKnowledge();
  k.setTable(coreFunctionTable());
  k.setSchema(buildSchema(sdlFromTable(totara173SchemaTable as never), { assumeValidSDL: true }));
  return k;
}

describe('REPL completion', () => {
  const k = knowledge();
  const complete = (text: string, mode: 'js' | 'gql' = 'js') =>
    completeInput(text, { knowledge: k, profiles: () => ['lab', 'prod'] }, mode);

  it('completes function names wherever the API names one, from the site list when it has arrived', () => {
    expect(complete("await moodle.call('core_webservice_get_si")).toEqual([
      ['core_webservice_get_site_info'],
      'core_webservice_get_si',
    ]);
    expect(complete('moodle.batch([{ fn: "core_course_get_courses_by')?.[0]).toContain(
      'core_course_get_courses_by_field',
    );
    expect(complete('.describe core_user_get_users_by')?.[0]).toEqual(['core_user_get_users_by_field']);
    k.setSiteInfo({ functions: [{ name: 'core_webservice_get_site_info' }, { name: 'local_custom_thing' }] });
    expect(complete("moodle.call('")?.[0]).toEqual(['core_webservice_get_site_info', 'local_custom_thing']);
  });

  it('completes parameter names, nested ones through lists of objects', () => {
    expect(complete("moodle.call('core_course_get_courses_by_field', { f")).toEqual([['field'], 'f']);
    expect(complete("moodle.call('core_user_create_users', { users: [{ username: 'a', pass")).toEqual([
      ['password'],
      'pass',
    ]);
    expect(complete("moodle.call('core_course_get_courses_by_field', { field: 'i")).toBeUndefined();
    expect(keyPathAtEnd('{ a: { b: [{ c: 1, ')).toEqual({ path: ['a', 'b', '[]'], word: '' });
  });

  it('completes GraphQL root fields, nested fields and arguments, in strings and in the .gql mode', () => {
    const schema = k.schema;
    if (!schema) throw new Error('no schema');
    expect(completeGraphql(schema, 'query q { totara_webapi_st')).toEqual([
      ['totara_webapi_status'],
      'totara_webapi_st',
    ]);
    expect(completeGraphql(schema, 'query q { totara_webapi_status { sta')[0]).toEqual(['status']);
    expect(completeGraphql(schema, 'query q { core_user_users(q')[0]).toEqual(['query']);
    expect(completeGraphql(schema, 'mutation m { core_user_del')[0]).toContain('core_user_delete_user');
    expect(complete('await totara.request(`query q { core_user_users { items { user')?.[0]).toContain(
      'username',
    );
    expect(complete('{ totara_webapi_status { ti', 'gql')).toEqual([['timestamp'], 'ti']);
  });

  it('.describe shows a function, a Totara query with its arguments, and a type', () => {
    const fn = describeName(k, 'core_user_create_users') ?? '';
    expect(fn).toContain('core_user_create_users (write');
    expect(fn).toMatch(/users: list of \(required\)\n\s+createpassword: bool/);
    const query = describeName(k, 'core_user_users') ?? '';
    expect(query).toContain('query core_user_users: core_user_users_result!');
    expect(query).toContain('query: core_user_users_query');
    expect(describeName(k, 'totara_webapi_status')).toContain('status: String!');
    expect(describeName(k, 'nothing_by_that_name')).toBeUndefined();
  });

  it('completes profile names for .profile', () => {
    expect(complete('.profile p')).toEqual([['prod'], 'p']);
  });
});

describe('read-only classification and history redaction', () => {
  it('finds mutations in text, ignoring strings and comments', () => {
    expect(isMutationDocument('mutation m { x }')).toBe(true);
    expect(isMutationDocument('# mutation\nquery q { a(s: "mutation") }')).toBe(false);
    expect(isMutationDocument('query q { a } mutation m { b }')).toBe(true);
  });

  it('removes passwords, tokens, client secrets, JWTs and bearer credentials from a line', () => {
    const cases: Array<[string, string]> = [
      ["await moodle.login({ username: 'admin', password: 'S3cret!' })", 'S3cret!'],
      ["await moodle.login('admin', 'S3cret!')", 'S3cret!'],
      ['new TotaraClient({ url, clientId: "c", clientSecret: "abcdefgh12" })', 'abcdefgh12'],
      ['fetch("http://x/webservice/rest/server.php?wstoken=abcdef123&wsfunction=f")', 'abcdef123'],
      ['.lti eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'eyJzdWIiOiIxIn0'],
      ["headers: { Authorization: 'Bearer tok.en-value' }", 'tok.en-value'],
      ["x = '0123456789abcdef0123456789abcdef'", '0123456789abcdef0123456789abcdef'],
      ['users[0][password]=pw-value&x=1', 'pw-value'],
    ];
    for (const [line, secret] of cases) expect(redactHistoryLine(line), line).not.toContain(secret);
    expect(redactHistoryLine("await moodle.login('admin', 'S3cret!')")).toBe(
      "await moodle.login('admin', '***')",
    );
    expect(redactHistoryLine('const a = { readOnly: true }; a.readOnly')).toBe(
      'const a = { readOnly: true }; a.readOnly',
    );
  });
});
