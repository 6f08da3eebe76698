import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { encodeParams, flattenParams, formatNumber } from '../../src/moodle/call/encode.js';
import { decodePhpForm } from '../../src/sandbox/moodle/php-form.js';

function phpMapToPlain(value: unknown): unknown {
  if (!(value instanceof Map)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of value) out[String(k)] = phpMapToPlain(v);
  return out;
}

describe('Moodle form encoding', () => {
  it('writes nested arrays and objects as PHP names, booleans as 1/0, dropping null, undefined and empty arrays', () => {
    expect(
      encodeParams({
        users: [
          { username: 'ann', suspended: false, createpassword: true, middlename: null, city: undefined },
        ],
        options: { ids: [] },
        field: 'id',
      }),
    ).toBe('users[0][username]=ann&users[0][suspended]=0&users[0][createpassword]=1&field=id');
  });

  it('golden cases of values', () => {
    expect(flattenParams({ a: 0, b: -0, c: 1.5, d: 10n, e: new Date(1_700_000_000_999), f: '' })).toEqual([
      ['a', '0'],
      ['b', '0'],
      ['c', '1.5'],
      ['d', '10'],
      ['e', '1700000000'],
      ['f', ''],
    ]);
    expect(encodeParams({ q: 'a b&c=d/é' })).toBe('q=a%20b%26c%3Dd%2F%C3%A9');
  });

  it('never writes numbers with an exponent', () => {
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(1.5e-7)).toBe('0.00000015');
    expect(formatNumber(-2.5e-8)).toBe('-0.000000025');
    expect(formatNumber(1.234e22)).toBe('12340000000000000000000');
    expect(() => formatNumber(Number.NaN, 'users[0].id')).toThrow(InputError);
  });

  it('refuses names PHP would mangle', () => {
    expect(() => encodeParams({ 'a.b': 1 })).toThrow(/cannot be sent to PHP/);
    expect(() => encodeParams({ a: { 'x[y]': 1 } })).toThrow(InputError);
  });

  it('round-trips through PHP-style decoding into the same structure', () => {
    const params = {
      users: [
        { username: 'ann', customfields: [{ type: 'team', value: 'A & B' }] },
        { username: 'ben', preferences: [{ type: 'x', value: '1' }] },
      ],
      field: 'username',
    };
    const body = encodeParams(params);
    const decoded = phpMapToPlain(decodePhpForm(new URLSearchParams(body)));
    expect(decoded).toEqual({
      users: {
        '0': { username: 'ann', customfields: { '0': { type: 'team', value: 'A & B' } } },
        '1': { username: 'ben', preferences: { '0': { type: 'x', value: '1' } } },
      },
      field: 'username',
    });
  });

  it('encodes a 10,000-user payload into 50,000 pairs', () => {
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      username: `u${i}`,
      firstname: 'F',
      lastname: 'L',
      email: `u${i}@example.org`,
      createpassword: true,
    }));
    expect(flattenParams({ users })).toHaveLength(50_000);
  });
});
