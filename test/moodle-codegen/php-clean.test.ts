import { describe, expect, it } from 'vitest';
import { FunctionTable, type WsFunctionInfo } from '../../src/moodle/definitions.js';
import {
  cleanScalar,
  isPhpFloatString,
  isPhpIntString,
  phpString,
} from '../../src/moodle/validate/param-types.js';
import { cleanReturns } from '../../src/sandbox/moodle/validate-parameters.js';

describe("PHP's view of values, as Moodle's messages print them", () => {
  it('renders scalars as PHP string conversion does', () => {
    expect(phpString(true)).toBe('1');
    expect(phpString(false)).toBe('');
    expect(phpString(null)).toBe('');
    expect(phpString(42)).toBe('42');
    expect(phpString(0.1 + 0.2)).toBe('0.3');
    expect(phpString(1e25)).toBe('1.0E+25');
    expect(phpString(1.5e-7)).toBe('1.5E-7');
    expect(phpString(2 ** 60)).toBe('1.1529215046068E+18');
  });

  it('accepts int and float text exactly as validate_param does', () => {
    for (const ok of ['0', '7', '-12', '9223372036854775807']) expect(isPhpIntString(ok), ok).toBe(true);
    for (const bad of ['', '07', '+7', '-0', '1.0', ' 7', '7 ', '1e3', '9223372036854775808'])
      expect(isPhpIntString(bad), bad).toBe(false);
    for (const ok of ['1', '1.5', '-.5', '5.', '1e3', '+2.5E-3']) expect(isPhpFloatString(ok), ok).toBe(true);
    for (const bad of ['', '.', 'e3', ' 1', '1,5', '0x1A', 'NaN'])
      expect(isPhpFloatString(bad), bad).toBe(false);
  });

  it('cleans text types the way core\\param does', () => {
    expect(cleanScalar('alphanumext', 'a-b_c d!')).toBe('a-b_cd');
    expect(cleanScalar('username', ' Ann.Lee ')).toBe('ann.lee');
    expect(cleanScalar('notags', 'a <b>bold</b> < c')).toBe('a bold < c');
    expect(cleanScalar('text', '<lang lang="en">Hi</lang><lang lang="fr">Salut</lang>')).toBe(
      '<lang lang="en">Hi</lang><lang lang="fr">Salut</lang>',
    );
    expect(cleanScalar('text', '<b>Hi</b></lang>')).toBe('Hi');
    expect(cleanScalar('component', 'mod_forum')).toBe('mod_forum');
    expect(cleanScalar('component', 'mod_forum_x')).toBe('');
    expect(cleanScalar('file', '../etc/passwd')).toBe('..etcpasswd');
    expect(cleanScalar('path', 'a//b/./c')).toBe('a/b/c');
    expect(cleanScalar('timezone', 'Europe/London')).toBe('Europe/London');
    expect(cleanScalar('bool', 'yes')).toBe(1);
    expect(cleanScalar('int', '12abc')).toBe(12);
  });

  it('prints the PHP type of a refused result value', () => {
    const info = FunctionTable.fromDefinitions({
      functions: [
        {
          name: 'local_t_y',
          component: 'local_t',
          type: 'read',
          parameters_desc: { kind: 'single_structure', keys: {} },
          returns_desc: { kind: 'value', type: 'int', required: 1, allownull: false },
        },
      ],
    }).get('local_t_y') as WsFunctionInfo;
    expect(cleanReturns(info, true)).toMatchObject({ ok: true, value: 1 });
    expect(cleanReturns(info, 1.5)).toMatchObject({
      debuginfo:
        'Invalid external api response: the value is "1.5" of PHP type "double", the server was expecting "int" type',
    });
    expect(cleanReturns(info, null)).toMatchObject({
      debuginfo:
        'Invalid external api response: the value is "" of PHP type "NULL", the server was expecting "int" type',
    });
  });
});
