import { describe, expect, it } from 'vitest';
import { coreFunctionTable, FunctionTable, type WsFunctionInfo } from '../../src/moodle/definitions.js';
import { validateParams } from '../../src/moodle/validate/params.js';
import { decodePhpForm } from '../../src/sandbox/moodle/php-form.js';
import { cleanParams, cleanReturns } from '../../src/sandbox/moodle/validate-parameters.js';
import { FIXTURES_SKIP_REASON, hasFixtures, readFixtureJson } from '../helpers/fixtures.js';

function fn(name: string): WsFunctionInfo {
  const info = coreFunctionTable().get(name);
  if (!info) throw new Error(`no ${name}`);
  return info;
}

const ann = {
  username: 'ann',
  firstname: 'Ann',
  lastname: 'Lee',
  email: 'ann@example.org',
  createpassword: true,
};

describe('validateParams (client side, before any request)', () => {
  it('accepts a correct call, numeric strings for int, and null/undefined for optional keys', () => {
    expect(validateParams(fn('core_user_create_users'), { users: [ann] })).toEqual([]);
    expect(validateParams(fn('core_course_get_courses'), { options: { ids: [1, '2'] } })).toEqual([]);
    expect(validateParams(fn('core_course_get_courses'), undefined)).toEqual([]);
    expect(
      validateParams(fn('core_user_create_users'), {
        users: [{ ...ann, city: null, middlename: undefined }],
      }),
    ).toEqual([]);
  });

  it('reports a missing required key with its path', () => {
    const issues = validateParams(fn('core_user_get_users_by_field'), { field: 'email' });
    expect(issues).toEqual([expect.objectContaining({ code: 'missing', path: 'values', expected: 'list' })]);
  });

  it('counts an empty list as missing for a required key (a form post cannot carry one)', () => {
    const issues = validateParams(fn('core_user_get_users_by_field'), { field: 'email', values: [] });
    expect(issues).toEqual([expect.objectContaining({ code: 'missing', path: 'values' })]);
    expect(issues[0]?.message).toContain('empty list');
  });

  it('reports unknown keys at any depth', () => {
    const issues = validateParams(fn('core_user_create_users'), {
      users: [{ ...ann, emial: 'x' }],
      extra: 1,
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown_key', 'users[0].emial'],
      ['unknown_key', 'extra'],
    ]);
  });

  it('reports a wrong type with the path users[0].email and the PARAM_ type expected', () => {
    const issues = validateParams(fn('core_user_create_users'), {
      users: [ann, { ...ann, username: 'bob', email: ['bob@example.org'] }],
    });
    expect(issues).toEqual([
      expect.objectContaining({ code: 'wrong_type', path: 'users[1].email', expected: 'raw_trimmed' }),
    ]);
    // Moodle refuses a value its cleaning would change: a padded raw_trimmed, an upper-case username.
    const padded = validateParams(fn('core_user_create_users'), {
      users: [{ ...ann, email: ' ann@example.org ' }],
    });
    expect(padded).toEqual([expect.objectContaining({ code: 'wrong_type', path: 'users[0].email' })]);
    const upper = validateParams(fn('core_user_create_users'), { users: [{ ...ann, username: 'Ann' }] });
    expect(upper[0]?.message).toContain('"ann"');
  });

  it('checks int, float and bool as Moodle does', () => {
    const ids = (values: unknown[]) =>
      validateParams(fn('core_course_get_courses'), { options: { ids: values } });
    expect(ids([1, '22', '-3'])).toEqual([]);
    expect(ids(['012', '1.0', 1.5, '', true, '1e3']).map((i) => i.path)).toEqual([
      'options.ids[0]',
      'options.ids[1]',
      'options.ids[2]',
      'options.ids[3]',
      'options.ids[4]',
      'options.ids[5]',
    ]);
    const create = (createpassword: unknown) =>
      validateParams(fn('core_user_create_users'), { users: [{ ...ann, createpassword }] });
    for (const ok of [true, false, 0, 1, '0', '1']) expect(create(ok)).toEqual([]);
    for (const bad of ['true', 2, 'yes']) expect(create(bad)[0]?.code).toBe('wrong_type');
  });

  it('reports null where a value is required, and null list items', () => {
    const issues = validateParams(fn('core_user_get_users_by_field'), { field: null, values: ['a', null] });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['null_not_allowed', 'field'],
      ['null_not_allowed', 'values[1]'],
    ]);
  });

  it('walks nested lists of objects and reports shape errors', () => {
    const info = fn('core_course_get_contents');
    expect(validateParams(info, { courseid: 2, options: [{ name: 'excludemodules', value: '1' }] })).toEqual(
      [],
    );
    const issues = validateParams(info, { courseid: 2, options: [{ name: 'a' }, 'x'] });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['missing', 'options[0].value'],
      ['not_an_object', 'options[1]'],
    ]);
    expect(validateParams(info, { courseid: 2, options: { name: 'a', value: 'b' } })[0]).toMatchObject({
      code: 'not_a_list',
      path: 'options',
    });
    expect(validateParams(info, [2])[0]).toMatchObject({ code: 'not_an_object', path: '' });
  });
});

describe('cleanParams (server side, as external_api::validate_parameters)', () => {
  it('cleans form strings to typed values, applies defaults and leaves absent optional keys out', () => {
    const form = new URLSearchParams(
      'users[0][username]=ann&users[0][firstname]=Ann&users[0][lastname]=Lee&users[0][email]=ann@example.org&users[0][createpassword]=1&users[0][maildisplay]=2',
    );
    const result = cleanParams(fn('core_user_create_users'), form);
    expect(result).toEqual({
      ok: true,
      value: {
        users: [
          {
            createpassword: true,
            username: 'ann',
            auth: 'manual',
            firstname: 'Ann',
            lastname: 'Lee',
            email: 'ann@example.org',
            maildisplay: 2,
            idnumber: '',
            lang: 'en',
            calendartype: 'gregorian',
          },
        ],
      },
    });
    // Keys come out in the description's order, as Moodle passes them on positionally.
    expect(
      Object.keys((result as unknown as { value: { users: object[] } }).value.users[0] as object).slice(0, 3),
    ).toEqual(['createpassword', 'username', 'auth']);
  });

  it('refuses unknown keys with Moodle wording', () => {
    const result = cleanParams(fn('core_webservice_get_site_info'), {
      serviceshortnames: [],
      foo: '1',
      bar: '2',
    });
    expect(result).toMatchObject({
      ok: false,
      debuginfo: 'Unexpected keys (foo, bar) detected in parameter array.',
      message: 'Invalid parameter value detected (Unexpected keys (foo, bar) detected in parameter array.)',
    });
  });

  it('decodes forms as PHP does: a[]= appends, later plain keys replace, dots become underscores', () => {
    const decoded = decodePhpForm(new URLSearchParams('v[]=a&v[]=b&v[5]=c&v[]=d&x.y=1&s=1&s=2'));
    expect([...(decoded.get('v') as Map<string, unknown>).entries()]).toEqual([
      ['0', 'a'],
      ['1', 'b'],
      ['5', 'c'],
      ['6', 'd'],
    ]);
    expect(decoded.get('x_y')).toBe('1');
    expect(decoded.get('s')).toBe('2');
  });

  it('reports a scalar where a list belongs, and a list where a scalar belongs', () => {
    const info = fn('core_user_get_users_by_field');
    expect(cleanParams(info, new URLSearchParams('field=id&values=5'))).toMatchObject({
      ok: false,
      debuginfo:
        "values => Invalid parameter value detected (Only arrays accepted. The bad value is: '5'): Only arrays accepted. The bad value is: '5'",
    });
    expect(cleanParams(info, new URLSearchParams('field[0]=id&values[0]=5'))).toMatchObject({
      ok: false,
      debuginfo:
        'field => Invalid parameter value detected (Scalar type expected, array or object received.): Scalar type expected, array or object received.',
    });
  });
});

describe.skipIf(!hasFixtures)(
  `cleanParams reproduces Moodle's real error bodies ${FIXTURES_SKIP_REASON}`,
  () => {
    it('bad parameter: nested path text, with and without developer debugging', async () => {
      const debug = await readFixtureJson<Record<string, string>>(
        'moodle-4.5/rest/error_bad_parameter_debugdeveloper.json',
      );
      const plain = await readFixtureJson<Record<string, string>>('moodle-4.5/rest/error_bad_parameter.json');
      const form = new URLSearchParams('options[ids][0]=notanumber');
      const on = cleanParams(fn('core_course_get_courses'), form);
      expect(on).toEqual({ ok: false, ...debug });
      const off = cleanParams(fn('core_course_get_courses'), form, { debug: false });
      expect(off.ok).toBe(false);
      if (!off.ok)
        expect({ exception: off.exception, errorcode: off.errorcode, message: off.message }).toEqual(plain);
    });

    it('missing parameter', async () => {
      const debug = await readFixtureJson<Record<string, string>>(
        'moodle-4.5/rest/error_missing_parameter_debugdeveloper.json',
      );
      expect(cleanParams(fn('core_course_get_contents'), new URLSearchParams())).toEqual({
        ok: false,
        ...debug,
      });
    });
  },
);

describe('cleanReturns (as clean_returnvalue)', () => {
  it.skipIf(!hasFixtures)('passes a real get_site_info answer through unchanged', async () => {
    const siteInfo = await readFixtureJson('moodle-4.5/rest/site_info.json');
    expect(cleanReturns(fn('core_webservice_get_site_info'), siteInfo)).toEqual({
      ok: true,
      value: siteInfo,
    });
  });

  it('casts scalars, fills scalar defaults, drops unknown keys', () => {
    const info = FunctionTable.fromDefinitions({
      functions: [
        {
          name: 'local_t_x',
          component: 'local_t',
          type: 'read',
          parameters_desc: { kind: 'single_structure', keys: {} },
          returns_desc: {
            kind: 'single_structure',
            keys: {
              id: { kind: 'value', type: 'int', required: 1, allownull: false },
              ok: { kind: 'value', type: 'bool', required: 1, allownull: false },
              n: { kind: 'value', type: 'text', required: 0, default: 'none', allownull: false },
              maybe: { kind: 'value', type: 'raw', required: 2, allownull: true },
              list: {
                kind: 'multiple_structure',
                required: 0,
                default: [],
                content: { kind: 'value', type: 'float', required: 1, allownull: false },
              },
            },
          },
        },
      ],
    }).get('local_t_x') as WsFunctionInfo;
    expect(cleanReturns(info, { id: '7', ok: 1, extra: 'x' })).toEqual({
      ok: true,
      value: { id: 7, ok: true, n: 'none' },
    });
    expect(cleanReturns(info, { id: 7, ok: false, list: ['1.5', 2], maybe: null })).toEqual({
      ok: true,
      value: { id: 7, ok: false, n: 'none', maybe: null, list: [1.5, 2] },
    });
    expect(cleanReturns(info, { ok: true })).toMatchObject({
      ok: false,
      errorcode: 'invalidresponse',
      debuginfo: 'Error in response - Missing following required key in a single structure: id',
      message:
        'Invalid response value detected (Error in response - Missing following required key in a single structure: id)',
    });
    expect(cleanReturns(info, { id: 'seven', ok: true }, { debug: false })).toMatchObject({
      ok: false,
      message: 'Invalid response value detected',
      debuginfo:
        'id => Invalid response value detected: Invalid external api response: the value is "seven" of PHP type "string", the server was expecting "int" type',
    });
    expect(cleanReturns(info, { id: 1, ok: true, list: 'x' })).toMatchObject({
      debuginfo:
        "list => Invalid response value detected (Only arrays accepted. The bad value is: 'x'): Only arrays accepted. The bad value is: 'x'",
    });
    expect(cleanReturns(info, 'nope')).toMatchObject({
      debuginfo: "Only arrays/objects accepted. The bad value is: 'nope'",
    });
  });

  it('returns null for a function without a return description', () => {
    expect(cleanReturns(fn('core_user_delete_users'), undefined)).toEqual({ ok: true, value: null });
  });
});
