/**
 * Issue 17, item 6 (REPL history): a history line keeps no string literal assigned to, or keyed by, a secret-like
 * name, and no value equal to a configured secret, however it is spelled in the line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactHistoryLine } from '../../repl/history.js';
import { leakedSecrets } from '../helpers/secrets.js';
import { memoryRepl, tempConfigDir } from '../repl/helpers.js';

/** `value` as a single-quoted JavaScript literal. */
const singleQuoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

describe('a history line', () => {
  it.each([
    ["opts['token'] = 'typed-value-1'", 'typed-value-1'],
    ['opts["client_secret"] = "typed-value-2"; next()', 'typed-value-2'],
    ["const o = { pwd: 'typed-value-3', user: 'ann' }", 'typed-value-3'],
    ["const adminPwd = 'typed-' + 'value-4'", 'value-4'],
    ['let apiKey = `typed-value-5`', 'typed-value-5'],
    ["const myToken = cond ? 'typed-value-6' : 'typed-value-7'", 'typed-value-7'],
    ["headers.set('Authorization', 'typed-value-8')", 'typed-value-8'],
    ["new Map([['password', 'typed-value-9']])", 'typed-value-9'],
    ["client.setToken('typed-value-10')", 'typed-value-10'],
    ["x.credentials ??= 'typed-value-11'", 'typed-value-11'],
    ["const { password = 'typed-value-12' } = o", 'typed-value-12'],
    ["await moodle.login('admin', 'typed-value-13')", 'typed-value-13'],
    [
      "moodle.call('core_user_create_users', { users: [{ username: 'u', password: 'typed-value-14' }] })",
      'typed-value-14',
    ],
  ])('%s keeps no secret', (line, secret) => {
    expect(redactHistoryLine(line)).not.toContain(secret);
  });

  it('keeps what is not a secret', () => {
    for (const line of [
      "const a = { readOnly: true, name: 'ann' }; a.readOnly",
      "moodle.call('core_course_get_courses_by_field', { field: 'id', value: 2 })",
      "const t = 'plain text'",
    ])
      expect(redactHistoryLine(line)).toBe(line);
  });
});

describe('the REPL history file', () => {
  it('keeps no configured secret, in any spelling, and no literal given to a secret-like name', async () => {
    const moodleToken = `P@ss w0rd!"q'\\<&>ünï😀+/=-Unique77-history`;
    const totaraSecret = 'a+b/c=d+e/f==-history-secret';
    const config = await tempConfigDir();
    try {
      const repl = memoryRepl({
        MTS_CONFIG_DIR: config.dir,
        // Nothing listens there: the REPL binds to the profile and keeps working offline.
        MTS_MOODLE_URL: 'http://127.0.0.1:9',
        MTS_MOODLE_TOKEN: moodleToken,
        MTS_TOTARA_URL: 'http://127.0.0.1:9',
        MTS_TOTARA_CLIENT_ID: 'client-1',
        MTS_TOTARA_CLIENT_SECRET: totaraSecret,
      });
      await repl.waitFor('> ');
      const lines = [
        `const t = ${JSON.stringify(moodleToken)}`,
        `const u = ${singleQuoted(moodleToken)}`,
        `const v = '${encodeURIComponent(moodleToken)}'`,
        `const w = '${Buffer.from(`client-1:${totaraSecret}`).toString('base64')}'`,
        `const z = "${totaraSecret}".length`,
        'const opts = {}',
        "opts['token'] = 'typed-secret-one'",
        "const o = { pwd: 'typed-secret-two' }",
        "const myToken = 'typed-secret-three'",
        '6 * 7',
      ];
      for (const line of lines) repl.type(line);
      await repl.waitFor('42');
      await repl.end();
      const history = await readFile(join(config.dir, 'repl-history', 'default.txt'), 'utf8');
      expect(history).toContain('6 * 7');
      expect(history).toContain("opts['token'] = '***'");
      expect(history.split('\n').filter(Boolean)).toHaveLength(lines.length);
      const secrets = [
        moodleToken,
        totaraSecret,
        'typed-secret-one',
        'typed-secret-two',
        'typed-secret-three',
      ];
      expect(leakedSecrets(history, secrets), history).toEqual([]);
    } finally {
      await config.cleanup();
    }
  });
});
