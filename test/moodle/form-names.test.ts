/**
 * The one reader of `users[0][email]` names, as PHP fills `$_POST` (main/php_variables.c): the sandbox reads
 * request bodies with it, and `mts moodle call` reads its key=value arguments with it.
 */
import { describe, expect, it } from 'vitest';
import { paramsFromPairs } from '../../src/cli/commands/moodle-params.js';
import { decodeForm, formToJs, splitFormName } from '../../src/moodle/call/form-names.js';

describe('form names read as PHP reads them', () => {
  it('splits names into the top-level name and bracketed keys', () => {
    expect(splitFormName('users[0][email]')).toEqual(['users', '0', 'email']);
    expect(splitFormName('values[]')).toEqual(['values', '']);
    // `[ ]` appends like `[]`: PHP skips one space before the closing bracket.
    expect(splitFormName('values[ ]')).toEqual(['values', '']);
    expect(splitFormName('a[ x]')).toEqual(['a', ' x']);
    // Top-level dots and spaces become underscores, leading spaces are dropped, text after a bracket is ignored.
    expect(splitFormName('  my.var name')).toEqual(['my_var_name']);
    expect(splitFormName('a[b]tail')).toEqual(['a', 'b']);
    // An unclosed first bracket is part of a plain name; an unclosed later one ends the name.
    expect(splitFormName('a[b.c')).toEqual(['a_b_c']);
    expect(splitFormName('a[b][c')).toEqual(['a', 'b']);
    expect(splitFormName('')).toBeUndefined();
    expect(splitFormName('[x]')).toBeUndefined();
    // PHP's max_input_nesting_level is 64: a deeper name is dropped.
    expect(splitFormName(`a${'[x]'.repeat(64)}`)).toHaveLength(65);
    expect(splitFormName(`a${'[x]'.repeat(65)}`)).toBeUndefined();
  });

  it('fills arrays as $_POST does: [] appends after the highest index, a later plain name replaces', () => {
    const decoded = decodeForm(new URLSearchParams('v[]=a&v[]=b&v[5]=c&v[]=d&x.y=1&s=1&s=2'));
    expect([...(decoded.get('v') as Map<string, unknown>).entries()]).toEqual([
      ['0', 'a'],
      ['1', 'b'],
      ['5', 'c'],
      ['6', 'd'],
    ]);
    expect(decoded.get('x_y')).toBe('1');
    expect(decoded.get('s')).toBe('2');
    expect(formToJs(decoded)).toEqual({ v: { 0: 'a', 1: 'b', 5: 'c', 6: 'd' }, x_y: '1', s: '2' });
  });

  it('reads mts moodle call arguments with the same rules, plus a dotted shorthand and booleans', () => {
    expect(paramsFromPairs(['field=username', 'values[]=admin', 'values[]=ann'])).toEqual({
      field: 'username',
      values: ['admin', 'ann'],
    });
    expect(
      paramsFromPairs(['users.0.email=a@b.cd', 'users[0].suspended=true', 'users[0][auth]=manual']),
    ).toEqual({
      users: [{ email: 'a@b.cd', suspended: true, auth: 'manual' }],
    });
    // The same name read by the sandbox and by the CLI gives the same structure.
    const pairs: Array<[string, string]> = [
      ['users[1][username]', 'b'],
      ['users[0][username]', 'a'],
      ['a[b.c]', 'x'],
    ];
    expect(paramsFromPairs(pairs.map(([k, v]) => `${k}=${v}`))).toEqual(formToJs(decodeForm(pairs)));
    expect(() => paramsFromPairs(['[x]=1'])).toThrow(/Bad parameter name/);
    expect(() => paramsFromPairs(['novalue'])).toThrow(/Expected key=value/);
  });
});
