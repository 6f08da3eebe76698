import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { at, MbzXmlError } from './errors.js';

/** A parsed XML element: text, or an object of child elements and `@_`-prefixed attributes. */
export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] | undefined };

/** Moodle writes SQL NULL as this marker in its backup XML. */
export const NULL_MARKER = '$@NULL@$';

// Entities are not processed by the parser (no expansion of anything a document declares); the five predefined
// entities and character references are decoded by decodeText below, which cannot grow a value beyond its source.
const parser = new XMLParser({
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

/**
 * Parses one XML file of a backup. Refuses DOCTYPE and ENTITY declarations (Moodle never writes them; they are
 * how entity-expansion bombs start) and malformed documents, naming the file and line.
 */
export function parseXml(content: Buffer | string, path: string): Record<string, XmlNode> {
  return parser.parse(checkXml(content, path)) as Record<string, XmlNode>;
}

/** The text of an XML file once it is known to be well-formed and free of DOCTYPE/ENTITY declarations. */
export function checkXml(content: Buffer | string, path: string): string {
  let text = typeof content === 'string' ? content : content.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new MbzXmlError(
      'mbz.xml_doctype',
      `${path} declares a DOCTYPE or entities, which Moodle never writes.`,
      {
        ...at(path),
        hint: 'The file was crafted (possibly an entity-expansion bomb); it is not read.',
      },
    );
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new MbzXmlError(
      'mbz.xml_malformed',
      `${path} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`,
      {
        ...at(path),
        hint: 'The backup is damaged; make a new one or restore this one from another copy.',
        details: { path, line: valid.err.line },
      },
    );
  }
  return text;
}

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined XML entities and character references (nothing else) in a value. */
export function decodeText(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(
    ENTITY,
    (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (name) return NAMED[name] as string;
      const code = hex ? Number.parseInt(hex, 16) : Number.parseInt(dec as string, 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

/** The child element `name` of `node`, when `node` is an element. */
export function child(node: XmlNode | XmlNode[] | undefined, name: string): XmlNode | XmlNode[] | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  return node[name];
}

/** Every `name` child of `node` as an array (absent → []). */
export function children(node: XmlNode | XmlNode[] | undefined, name: string): XmlNode[] {
  const value = child(node, name);
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Text of element `name` under `node`: `$@NULL@$` → null, absent → undefined, empty → ''. */
export function textOf(node: XmlNode | XmlNode[] | undefined, name: string): string | null | undefined {
  const value = child(node, name);
  return textValue(Array.isArray(value) ? value[0] : value);
}

/** Text of an element node (see {@link textOf}). */
export function textValue(value: XmlNode | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value['#text'] === 'string') text = value['#text'];
  else text = '';
  if (text === NULL_MARKER) return null;
  return decodeText(text);
}

/** Like {@link textOf} but '' for absent and null. */
export function str(node: XmlNode | XmlNode[] | undefined, name: string): string {
  return textOf(node, name) ?? '';
}

/** Attribute `name` of an element node. */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? decodeText(value) : undefined;
}
