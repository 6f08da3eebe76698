/**
 * The XML scanner that reads every file of a backup: it must build the same tree fast-xml-parser builds (used here
 * as an independent oracle) on every XML file of every real backup, and refuse what is not well-formed with a
 * typed error naming file and line, whatever the damage.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { MtsError } from '../../src/core/errors.js';
import { MbzXmlError, openArchive } from '../../src/mbz/index.js';
import { parseXml, textOf, type XmlNode } from '../../src/mbz/xml/tree.js';
import { FIXTURES_SKIP_REASON, hasFixtures } from '../helpers/fixtures.js';
import { seededRandom } from '../helpers/random.js';
import { fixtureBackups } from './helpers/fixture-backups.js';
import { generateBackup } from './helpers/generate-backup.js';

const oracle = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
});

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g, (_w, h, d, n) =>
    n ? (NAMED[n] as string) : String.fromCodePoint(h ? Number.parseInt(h, 16) : Number.parseInt(d, 10)),
  );
/** fast-xml-parser's tree with references decoded the way ours are (it leaves them raw when told not to expand). */
function oracleTree(xml: string): unknown {
  const walk = (v: unknown): unknown =>
    typeof v === 'string'
      ? decode(v)
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
          : v;
  return walk(oracle.parse(xml));
}
/** Our tree as plain objects (ours have no prototype). */
const plain = (tree: unknown): unknown => JSON.parse(JSON.stringify(tree));

async function xmlFilesOf(source: string | Buffer): Promise<[string, Buffer][]> {
  const reader = await openArchive(source);
  const out: [string, Buffer][] = [];
  try {
    await reader.walk({
      want: (e) => (e.name.endsWith('.xml') ? 'buffer' : 'skip'),
      visit: (e, content) => void (content && out.push([e.name, content])),
    });
  } finally {
    await reader.close();
  }
  return out;
}

function xmlError(xml: string): MbzXmlError {
  try {
    parseXml(xml, 'test.xml');
  } catch (error) {
    if (error instanceof MbzXmlError) return error;
    throw error;
  }
  throw new Error(`accepted: ${xml}`);
}

describe('XML scanner', () => {
  it('builds the same tree as fast-xml-parser on every file of a generated backup', async () => {
    const { entries } = generateBackup({ activities: 12, blobs: 3, groups: 2 });
    const xmls = entries.filter((e) => e.name.endsWith('.xml'));
    expect(xmls.length).toBeGreaterThan(20);
    for (const entry of xmls) {
      const text = String(entry.body);
      expect(plain(parseXml(text, entry.name)), entry.name).toEqual(oracleTree(text));
    }
  });

  it('decodes references once, keeps CDATA raw, turns $@NULL@$ into null and keeps numbers as text', () => {
    const doc = parseXml(
      '<a x="&quot;1&quot; &amp;amp;"><b>&amp;lt;&#x41;&#66;</b><c><![CDATA[&amp;<d>]]></c><e>$@NULL@$</e><f>007</f><g/></a>',
      't.xml',
    );
    expect(doc.a).toMatchObject({ '@_x': '"1" &amp;', b: '&lt;AB', c: '&amp;<d>', f: '007', g: '' });
    expect(textOf(doc.a, 'e')).toBeNull();
    expect(textOf(doc.a, 'f')).toBe('007');
  });

  it.each([
    `<a  x = 'v' y="w"\n/>`,
    '<a><b>  padded  </b><c>\n</c><d x="1">t</d><e>1<f/>2</e></a>',
    '<?xml version="1.0"?><!-- note --><a><?pi x?><b>&#233;t&#xE9;</b><![CDATA[ raw ]]></a>',
  ])('agrees with fast-xml-parser on %j', (xml) => {
    expect(plain(parseXml(xml, 't.xml'))).toEqual(oracleTree(xml));
  });

  it('gives no element name a way into a prototype', () => {
    const doc = parseXml('<a><__proto__><polluted>yes</polluted></__proto__><constructor/></a>', 't.xml');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const a = doc.a as Record<string, XmlNode>;
    expect(Object.getPrototypeOf(a)).toBeNull();
    expect(Object.hasOwn(a, '__proto__')).toBe(true);
    expect(a.constructor).toBe('');
  });

  it.each([
    ['<a><b></a>', 'closes <b>', 1],
    ['<a>\n<b>\n</a>', 'closes <b>', 3],
    ['<a></a><b/>', 'second root', 1],
    ['text<a/>', 'outside the root', 1],
    ['<a>fish & chips</a>', 'bare "&"', 1],
    ['<a>&nbsp;</a>', 'undefined reference &nbsp;', 1],
    ['<a>&#0;</a>', 'undefined reference', 1],
    ['<a>&#x110000;</a>', 'undefined reference', 1],
    ['<a x=1/>', 'quoted value', 1],
    ['<a x="1" x="2"/>', 'appears twice', 1],
    ['<a x="1"y="2"/>', 'expected a space', 1],
    ['<a x="<"/>', '"<" in the value', 1],
    ['<a><!-- open</a>', 'unterminated comment', 1],
    ['<a><![CDATA[ open</a>', 'unterminated CDATA', 1],
    ['<a>\n<b x="1"', 'unterminated start tag', 2],
    ['<a>\n<b>text</b>\n', 'never closed', 3],
    ['', 'no root element', 1],
    ['  \n<?xml version="1.0"?><a/>', 'very start', 2],
    ['<1a/>', 'expected an element', 1],
    ['<a></ a>', 'expected an element', 1],
    ['<a><!ELEMENT a ANY></a>', 'unexpected "<!"', 1],
  ])('refuses %j with a typed error naming the line', (xml, message, line) => {
    const error = xmlError(xml);
    expect(error.code).toBe('mbz.xml_malformed');
    expect(error.message).toContain(message);
    expect(error.details).toMatchObject({ path: 'test.xml', line });
  });

  it.each([
    '<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>',
    '<?xml version="1.0"?>\n<!doctype a><a/>',
    '<a><!ENTITY x "y"></a>',
  ])('refuses DOCTYPE and ENTITY declarations without expanding anything: %j', (xml) => {
    expect(xmlError(xml).code).toBe('mbz.xml_doctype');
  });

  it('answers every mutation of a manifest with a tree or a typed error, and is never laxer than a validator', () => {
    const source = String(
      generateBackup({ activities: 4 }).entries.find((e) => e.name === 'moodle_backup.xml')?.body,
    );
    const random = seededRandom(0x5eed);
    const alphabet = '<>/&;="\'!?-[]x #\n';
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const chars = [...source];
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const at = Math.floor(random() * chars.length);
        const op = random();
        const ch = alphabet[Math.floor(random() * alphabet.length)] as string;
        if (op < 0.4) chars[at] = ch;
        else if (op < 0.7) chars.splice(at, 1);
        else chars.splice(at, 0, ch);
      }
      const mutated = chars.join('');
      try {
        parseXml(mutated, 'moodle_backup.xml');
        accepted++;
        // Whatever we accept, a validator accepts too.
        expect(XMLValidator.validate(mutated), mutated).toBe(true);
      } catch (error) {
        if (!(error instanceof MtsError)) throw error;
        expect(error).toBeInstanceOf(MbzXmlError);
        refused++;
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

const backups = fixtureBackups();

describe.skipIf(!hasFixtures)(`XML scanner on real backups ${FIXTURES_SKIP_REASON}`, () => {
  it.each(backups)('builds the same tree as fast-xml-parser on every XML file of %s', async (file) => {
    const files = await xmlFilesOf(file);
    expect(files.length).toBeGreaterThan(5);
    for (const [name, content] of files) {
      const text = content.toString('utf8').replace(/^\uFEFF/, '');
      expect(plain(parseXml(content, name)), name).toEqual(oracleTree(text));
    }
  });
});
