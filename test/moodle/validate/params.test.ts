import { describe, expect, it } from 'vitest';
import { coreFunctionTable, type WsFunctionInfo } from '../../../src/moodle/definitions.js';
import { validateParams } from '../../../src/moodle/validate/issues.js';

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
    expect(ids(['012', '1.0', 1.5, '', '1e3', ' 1']).map((i) => i.path)).toEqual([
      'options.ids[0]',
      'options.ids[1]',
      'options.ids[2]',
      'options.ids[3]',
      'options.ids[4]',
      'options.ids[5]',
    ]);
    // A boolean is sent as 1 or 0, which PARAM_INT takes: Moodle runs the call, so it is not refused.
    expect(ids([true, false, new Date(1_700_000_000_000)])).toEqual([]);
    const create = (createpassword: unknown) =>
      validateParams(fn('core_user_create_users'), { users: [{ ...ann, createpassword }] });
    for (const ok of [true, false, 0, 1, '0', '1']) expect(create(ok)).toEqual([]);
    for (const bad of ['true', 2, 'yes']) expect(create(bad)[0]?.code).toBe('wrong_type');
  });

  it('counts null as missing for a required key, and warns of a null list item (it is not sent)', () => {
    const issues = validateParams(fn('core_user_get_users_by_field'), { field: null, values: ['a', null] });
    expect(issues.map((i) => [i.severity, i.code, i.path])).toEqual([
      ['error', 'missing', 'field'],
      ['warning', 'not_sent', 'values[1]'],
    ]);
    expect(issues[0]?.message).toContain('null is not sent');
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
    // An object for a list: Moodle takes its values as the items, here two strings where objects belong.
    expect(
      validateParams(info, { courseid: 2, options: { name: 'a', value: 'b' } }).map((i) => [
        i.severity,
        i.code,
        i.path,
      ]),
    ).toEqual([
      ['error', 'not_an_object', 'options[name]'],
      ['error', 'not_an_object', 'options[value]'],
      ['warning', 'list_from_object', 'options'],
    ]);
    expect(validateParams(info, { courseid: '' })[0]).toMatchObject({ code: 'wrong_type', path: 'courseid' });
  });
});

describe('validateParams agrees with what Moodle refuses (cases of the validation sweep)', () => {
  it('counts an empty object for a required structure as missing: a form post cannot carry it', () => {
    const issues = validateParams(fn('core_cohort_search_cohorts'), { query: 'x', context: {} });
    expect(issues).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'missing',
        path: 'context',
        reason: 'Missing required key in single structure: context',
      }),
    ]);
    expect(issues[0]?.message).toContain('empty object');
    // The same for a structure whose keys are all null or empty.
    expect(
      validateParams(fn('core_cohort_search_cohorts'), { query: 'x', context: { contextid: null } })[0],
    ).toMatchObject({ code: 'missing', path: 'context' });
  });

  it('checks PARAM_URL and PARAM_CLEAN as Moodle cleans them', () => {
    expect(validateParams(fn('core_h5p_get_trusted_h5p_file'), { url: 'ht tp://x' })[0]).toMatchObject({
      code: 'wrong_type',
      path: 'url',
      expected: 'url',
    });
    expect(validateParams(fn('mod_lti_is_cartridge'), { url: 'javascript:alert(1)' })).toHaveLength(1);
    expect(validateParams(fn('mod_lti_is_cartridge'), { url: 'https://example.org/x.xml' })).toEqual([]);
    expect(validateParams(fn('core_message_search_contacts'), { searchtext: '<script>x</script>' })).toEqual([
      expect.objectContaining({ code: 'wrong_type', path: 'searchtext', expected: 'clean' }),
    ]);
    expect(validateParams(fn('core_message_search_contacts'), { searchtext: '<b>x</b>' })).toEqual([]);
  });

  it('warns, without refusing, where Moodle runs the call but probably not as meant', () => {
    const issues = validateParams(fn('core_user_create_users'), {
      users: [{ ...ann, firstname: true, middlenme: null }],
    });
    expect(issues.map((i) => [i.severity, i.code, i.path, i.suggestion])).toEqual([
      ['warning', 'sent_as_text', 'users[0].firstname', undefined],
      ['warning', 'not_sent', 'users[0].middlenme', 'middlename'],
    ]);
    expect(issues[0]?.message).toContain('sent as "1"');
  });
});
