/**
 * PARAM_ cleaning as Moodle 4.5 does it (core\param::clean, reached through clean_param in lib/moodlelib.php, and
 * validate_param). The cases for area, lang, capability, plugin, safedir, safepath, path, sequence, email and url
 * were written from reading Moodle's lib/classes/param.php, core_component::is_valid_plugin_name,
 * lib/validateurlsyntax.php and PHP's FILTER_VALIDATE_EMAIL (which validate_email runs through PHPMailer): the
 * validation sweep against the real site never exercised those types.
 */
import { describe, expect, it } from 'vitest';
import { cleanParam, validateParam } from '../../../src/moodle/validate/param-types.js';
import {
  isPhpFloatString,
  isPhpIntString,
  isValidEmail,
  phpString,
  purifierOutcome,
} from '../../../src/moodle/validate/php-text.js';

/** [input, what clean_param returns] pairs of one type. */
function cleans(type: string, cases: Array<[string, string]>, site = {}): void {
  for (const [input, cleaned] of cases)
    expect(cleanParam(type, input, site), `${type}: ${input}`).toBe(cleaned);
}

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
});

describe('clean_param of the types the sweep never exercised', () => {
  it('area and plugin: core_component::is_valid_plugin_name, or nothing', () => {
    for (const type of ['area', 'plugin']) {
      cleans(type, [
        ['forum', 'forum'],
        ['submission_files', 'submission_files'],
        ['ab', 'ab'],
        // The pattern forbids "__" only after the second letter: PHP's own quirk, kept.
        ['a__b', 'a__b'],
        ['ab__c', ''],
        ['a', ''],
        ['Forum', ''],
        ['forum_', ''],
        ['1forum', ''],
        ['for um', ''],
      ]);
    }
  });

  it('lang: PARAM_SAFEDIR, then only a language installed on the site', () => {
    const site = { languages: new Set(['en', 'fr']) };
    cleans(
      'lang',
      [
        ['fr', 'fr'],
        ['de', ''],
        ['e n', 'en'],
        ['en_us', ''],
        ['', ''],
      ],
      site,
    );
    // Without the site's list, any well-formed code passes: only the site can say more.
    cleans('lang', [
      ['de', 'de'],
      ['e n', 'en'],
      ['', ''],
    ]);
    expect(validateParam('e n', 'lang', false)).toEqual({ ok: false });
  });

  it('capability: only a capability the site defines', () => {
    const site = { capabilities: new Set(['moodle/course:view', 'mod/forum:addnews']) };
    cleans(
      'capability',
      [
        ['moodle/course:view', 'moodle/course:view'],
        ['mod/forum:addnews', 'mod/forum:addnews'],
        ['moodle/course:nosuch', ''],
        ['moodle/course', ''],
        ['not a capability', ''],
      ],
      site,
    );
    cleans('capability', [
      ['moodle/course:nosuch', 'moodle/course:nosuch'],
      ['Moodle/Course:View', ''],
    ]);
  });

  it('safedir and safepath: letters, digits, _ and - (and / for a path), the rest removed', () => {
    cleans('safedir', [
      ['a-b_c1', 'a-b_c1'],
      ['a/b', 'ab'],
      ['a.b', 'ab'],
      ['é', ''],
    ]);
    cleans('safepath', [
      ['mod/forum/x_1', 'mod/forum/x_1'],
      ['../x', '/x'],
      ['a b', 'ab'],
    ]);
  });

  it('path: each part cleaned as a file name, repeated slashes and ./ folded, a leading ./ kept', () => {
    cleans('path', [
      ['a//b/./c', 'a/b/c'],
      ['\\a\\b', '/a/b'],
      ['./x', './x'],
      ['a/../b', 'a/b'],
      ['x/./y/./z', 'x/y/z'],
      ['/a<b>/c', '/ab/c'],
      ['/dir/file name.txt', '/dir/file name.txt'],
    ]);
  });

  it('sequence: digits and commas only', () => {
    cleans('sequence', [
      ['1,2,3', '1,2,3'],
      ['1, 2', '1,2'],
      ['1;2', '12'],
      ['-1', '1'],
    ]);
  });

  it("email: PHP's FILTER_VALIDATE_EMAIL (a dotted domain, no unicode), no < or >, no line breaks", () => {
    for (const ok of [
      'ann@example.org',
      'ann+tag@example.co.uk',
      'ann.lee@example.org',
      "o'neil@example.org",
      'ann@[127.0.0.1]',
      'ann@xn--bcher-kva.example',
    ])
      expect(isValidEmail(ok), ok).toBe(true);
    for (const bad of [
      '',
      'ann@localhost',
      'ann@example',
      '<ann@example.org>',
      'a b@example.org',
      'ann..lee@example.org',
      '.ann@example.org',
      'ann@exa_mple.org',
      'änn@example.org',
      'ann@example.org\n',
      '"ann lee"@example.org',
      `${'a'.repeat(65)}@example.org`,
    ])
      expect(isValidEmail(bad), JSON.stringify(bad)).toBe(false);
    cleans('email', [
      ['ann@example.org', 'ann@example.org'],
      ['ann@localhost', ''],
    ]);
  });

  it("url: validateUrlSyntax with 's?H?S?F?E-u-P-a?I?p?f?q?r?'", () => {
    for (const ok of [
      'https://example.org/',
      'http://127.0.0.1:8080/a?b=c&d=e',
      'ftp://files.example.org/x',
      'HTTPS://EXAMPLE.ORG/Path',
      'example.org/path',
      '/relative/path',
      'https://example.org/a%20b#top',
    ])
      expect(cleanParam('url', ok), ok).toBe(ok);
    for (const bad of [
      'javascript:alert(1)',
      'ht tp://x',
      'mailto:ann@example.org',
      'http://user:pw@example.org/',
      'http://example.org/a b',
      'http://example.org/%zz',
      'http://example.org:99999/',
      'http://exa_mple.org/',
      '0',
      '',
    ])
      expect(cleanParam('url', bad), bad).toBe('');
  });

  it('localurl: the site itself, under it, root-relative or a harmless relative URL', () => {
    const site = { wwwroot: 'https://lms.example.org/moodle' };
    cleans(
      'localurl',
      [
        ['https://lms.example.org/moodle', 'https://lms.example.org/moodle'],
        [
          'https://lms.example.org/moodle/course/view.php?id=2',
          'https://lms.example.org/moodle/course/view.php?id=2',
        ],
        ['/course/view.php', '/course/view.php'],
        ['course/view.php?id=2', 'course/view.php?id=2'],
        ['https://other.example.org/', ''],
        ['javascript:alert(1)', ''],
      ],
      site,
    );
  });

  it('clean: HTML Purifier leaves plain text and plain tags, and changes scripts, bare & and unclosed tags', () => {
    for (const kept of ['plain text', '<b>x</b>', '<p>One</p><p>Two <em>2</em></p>', '5', 'a &amp; b'])
      expect(validateParam(kept, 'clean', false).ok, kept).toBe(true);
    for (const changed of [
      '<script>x</script>',
      'a & b',
      '<b>x',
      'x < y',
      '<a href="javascript:x()">y</a>',
      '<br>',
    ])
      expect(validateParam(changed, 'clean', false).ok, changed).toBe(false);
    // What only running HTML Purifier can tell is left to the site.
    expect(purifierOutcome('<a href="https://example.org/">x</a>')).toBe('unknown');
    expect(validateParam('<a href="https://example.org/">x</a>', 'clean', false).ok).toBe(true);
  });
});

describe('clean_param of the other types', () => {
  it('cleans text types the way core\\param does', () => {
    expect(cleanParam('alphanumext', 'a-b_c d!')).toBe('a-b_cd');
    expect(cleanParam('username', ' Ann.Lee ')).toBe('ann.lee');
    expect(cleanParam('notags', 'a <b>bold</b> < c')).toBe('a bold < c');
    expect(cleanParam('text', '<lang lang="en">Hi</lang><lang lang="fr">Salut</lang>')).toBe(
      '<lang lang="en">Hi</lang><lang lang="fr">Salut</lang>',
    );
    expect(cleanParam('text', '<b>Hi</b></lang>')).toBe('Hi');
    expect(cleanParam('component', 'mod_forum')).toBe('mod_forum');
    expect(cleanParam('component', 'mod_forum_x')).toBe('');
    expect(cleanParam('file', '../etc/passwd')).toBe('..etcpasswd');
    expect(cleanParam('timezone', 'Europe/London')).toBe('Europe/London');
    expect(cleanParam('bool', 'yes')).toBe(1);
    expect(cleanParam('int', '12abc')).toBe(12);
    expect(cleanParam('raw', 'a\u0000b')).toBe('ab');
    expect(cleanParam('format', 'topics')).toBe('topics');
  });

  it('validate_param takes bool as 0/1/true/false only, and any plain number for a float', () => {
    for (const ok of ['0', '1', true, false, 0, 1])
      expect(validateParam(ok, 'bool', false).ok, String(ok)).toBe(true);
    for (const bad of ['true', 'on', '2', '']) expect(validateParam(bad, 'bool', false).ok, bad).toBe(false);
    expect(validateParam('1.5e3', 'float', false)).toEqual({ ok: true, value: 1500 });
    expect(validateParam(' 1.5', 'float', false).ok).toBe(false);
    expect(validateParam(null, 'int', true)).toEqual({ ok: true, value: null });
    expect(validateParam(null, 'int', false).ok).toBe(false);
  });
});
