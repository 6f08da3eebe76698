/**
 * files.xml: records written as Moodle writes them are matched whole, any other record is read field by field;
 * both must give what a generic parser (fast-xml-parser, as an oracle) reads, and damage must still be refused.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { forEachFileRecord, MbzXmlError, parseFilesXml, summariseFiles } from '../../src/mbz/index.js';

const FIELDS = [
  'contenthash',
  'contextid',
  'component',
  'filearea',
  'itemid',
  'filepath',
  'filename',
  'userid',
  'filesize',
  'mimetype',
  'status',
  'timecreated',
  'timemodified',
  'source',
  'author',
  'license',
  'sortorder',
  'repositorytype',
  'repositoryid',
  'reference',
];

function record(id: number, overrides: Record<string, string> = {}, order = FIELDS, attrs = ''): string {
  const value = (f: string) =>
    overrides[f] ??
    (f === 'contenthash'
      ? id.toString(16).padStart(40, '0')
      : f === 'filename'
        ? `file${id}.txt`
        : f === 'filesize'
          ? String(id * 10)
          : f === 'userid'
            ? '$@NULL@$'
            : '0');
  return `\n  <file id="${id}"${attrs}>${order.map((f) => `\n    <${f}>${value(f)}</${f}>`).join('')}\n  </file>`;
}

const oracle = new XMLParser({ parseTagValue: false, ignoreAttributes: false, attributeNamePrefix: '@_' });

/** Records as read by fast-xml-parser (which decodes the predefined entities). */
function oracleRecords(xml: string): Record<string, unknown>[] {
  const files = oracle.parse(xml).files.file;
  return (Array.isArray(files) ? files : [files]).map((f: Record<string, string>) => {
    const get = (k: string) => (f[k] === '$@NULL@$' ? null : (f[k] ?? null));
    return {
      id: f['@_id'],
      contenthash: get('contenthash') ?? '',
      filename: get('filename') ?? '',
      filesize: Number(get('filesize')),
      userid: get('userid'),
      mimetype: get('mimetype'),
    };
  });
}

describe('files.xml', () => {
  it('reads standard and unusual records alike, as a generic parser does', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<files>${[
      record(1),
      record(2, { filename: 'fish &amp; chips.txt' }),
      record(3, {}, [...FIELDS].reverse()),
      record(4, {}, FIELDS, ' extra="x"'),
      record(
        5,
        {},
        FIELDS.filter((f) => f !== 'mimetype'),
      ),
      record(6, { filename: '  padded.txt  ', mimetype: 'text/plain' }),
      record(7),
    ].join('')}\n</files>`;
    const ours = parseFilesXml(xml).map(({ id, contenthash, filename, filesize, userid, mimetype }) => ({
      id,
      contenthash,
      filename,
      filesize,
      userid,
      mimetype,
    }));
    expect(ours).toEqual(oracleRecords(xml));
    expect(ours[1]?.filename).toBe('fish & chips.txt');
    expect(ours[4]?.mimetype).toBeNull();
  });

  it.each([
    ['an end tag that does not match', record(1).replace('</filename>', '</filenam>')],
    ['a bare ampersand', record(1, { filename: 'a & b' })],
    ['a truncated record', record(1).slice(0, -20)],
  ])('refuses %s inside a record', (_label, body) => {
    expect(() => parseFilesXml(`<files>${body}${record(2)}</files>`)).toThrow(MbzXmlError);
  });

  it('tallies names read from the file without reaching any prototype', () => {
    const xml = `<files>${record(1, { component: 'constructor', mimetype: '__proto__' })}${record(2, { mimetype: '__proto__' })}</files>`;
    const summary = summariseFiles(parseFilesXml(xml));
    expect(Object.hasOwn(summary.byMimetype, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(summary.byMimetype, '__proto__')?.value).toEqual({
      count: 2,
      bytes: 30,
    });
    expect(summary.byComponent.constructor).toEqual({ count: 1, bytes: 10 });
    expect(({} as Record<string, unknown>).count).toBeUndefined();
  });

  it('hands records over one at a time, in file order', () => {
    const seen: string[] = [];
    forEachFileRecord(`<files>${record(1)}${record(2, { filename: 'a &amp; b' })}${record(3)}</files>`, (r) =>
      seen.push(r.id),
    );
    expect(seen).toEqual(['1', '2', '3']);
  });
});
