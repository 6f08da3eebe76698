import { scanXml, type XmlHandler } from './scan.js';

/** A parsed XML element: text, or an object of child elements and `@_`-prefixed attributes. */
export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] | undefined };

/** Moodle writes SQL NULL as this marker in its backup XML. */
export const NULL_MARKER = '$@NULL@$';

type XmlObject = { [name: string]: XmlNode | XmlNode[] | undefined };

interface Frame {
  node: XmlObject | null;
  text: string;
}

/**
 * Parses one XML file of a backup into a tree: an element holding only text becomes that text (trimmed,
 * references decoded), any other element an object of its children (repeated names become arrays), its
 * attributes (`@_name`) and its text (`#text`). Objects have no prototype, so no element name can reach one.
 * Refuses DOCTYPE and ENTITY declarations (Moodle never writes them; they are how entity-expansion bombs start)
 * and malformed documents, naming the file and line.
 */
export function parseXml(content: Buffer | string, path: string): Record<string, XmlNode> {
  const root: Frame = { node: Object.create(null) as XmlObject, text: '' };
  const stack: Frame[] = [root];
  const handler: XmlHandler = {
    open(_name, attributes) {
      let node: XmlObject | null = null;
      if (attributes) {
        node = Object.create(null) as XmlObject;
        for (const key in attributes) node[`@_${key}`] = attributes[key];
      }
      stack.push({ node, text: '' });
    },
    text(value) {
      (stack[stack.length - 1] as Frame).text += value;
    },
    close(name) {
      const frame = stack.pop() as Frame;
      let value: XmlNode;
      if (frame.node === null) value = frame.text;
      else {
        if (frame.text !== '') frame.node['#text'] = frame.text;
        value = frame.node;
      }
      addChild(stack[stack.length - 1] as Frame, name, value);
    },
    leaf(name, text) {
      addChild(stack[stack.length - 1] as Frame, name, text);
    },
  };
  scanXml(content, path, handler);
  return root.node as Record<string, XmlNode>;
}

function addChild(parent: Frame, name: string, value: XmlNode): void {
  parent.node ??= Object.create(null) as XmlObject;
  const existing = parent.node[name];
  if (existing === undefined) parent.node[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent.node[name] = [existing, value];
}

const IGNORE: XmlHandler = { open() {}, text() {}, close() {}, leaf() {} };

/** Checks that an XML file is well-formed and declares no DOCTYPE or entities, without building anything. */
export function checkXml(content: Buffer | string, path: string): void {
  scanXml(content, path, IGNORE);
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
  return text === NULL_MARKER ? null : text;
}

/** Like {@link textOf} but '' for absent and null. */
export function str(node: XmlNode | XmlNode[] | undefined, name: string): string {
  return textOf(node, name) ?? '';
}

/** Attribute `name` of an element node. */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}
