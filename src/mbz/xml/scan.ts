/**
 * A strict, single-pass XML scanner for the files of a backup. It checks well-formedness as it goes (names,
 * attribute syntax, matching end tags, one root element, valid references) and hands elements and text to a
 * handler, so a document is read once, with no tree built unless the handler builds one.
 *
 * It expands nothing: DOCTYPE and ENTITY declarations are refused, and the only references decoded are the five
 * predefined entities and character references, which can never make a value longer than its source.
 */
import { at, MbzXmlError } from '../errors.js';

/**
 * Receives what {@link scanXml} reads, in document order. `child`, when given, is offered every child of the
 * root element first: it may consume the whole child (returning the offset just past it), provided it only
 * consumes well-formed XML, or return -1 to let the scanner read it.
 */
export interface XmlHandler {
  child?: ((text: string, at: number) => number) | undefined;
  /** A start tag; `attributes` holds decoded values, or is null when the tag has none. */
  open(name: string, attributes: Record<string, string> | null): void;
  /** Character data inside an element: trimmed and decoded (whitespace-only runs are not reported). */
  text(value: string): void;
  /** The end of the element opened last (also called for `<empty/>`). */
  close(name: string): void;
  /**
   * An element without attributes or children, `<name>text</name>`: the same as `open`, `text` (unless the text
   * is empty) and `close`, in one call, since most elements of a backup are such leaves.
   */
  leaf(name: string, text: string): void;
}

const GT = 0x3e;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const BANG = 0x21;
const EQUALS = 0x3d;

// The common shapes are matched by regular expressions, which run as native code from the first file on; the
// character-by-character reader below only runs on a tag they do not match, to accept it or say what is wrong.
const NAME_CLASS = 'A-Za-z_:\\u0080-\\uffff';
const NAME = `[${NAME_CLASS}][${NAME_CLASS}0-9.\\-]*`;
const SPACE = '[ \\t\\r\\n]';
const START_TAG = new RegExp(
  `(${NAME})((?:${SPACE}+${NAME}${SPACE}*=${SPACE}*(?:"[^"<]*"|'[^'<]*'))*)${SPACE}*(/?)>`,
  'y',
);
const END_TAG = new RegExp(`/(${NAME})${SPACE}*>`, 'y');
const LEAF = new RegExp(`<(${NAME})>([^<]*)</\\1${SPACE}*>`, 'y');
// A leaf after white space: runs of these (the fields of a record) are read by one tight loop.
const SPACED_LEAF = new RegExp(`${SPACE}*<(${NAME})>([^<&]*)</\\1${SPACE}*>`, 'y');
const ATTRIBUTE = new RegExp(`(${NAME})${SPACE}*=${SPACE}*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
const LEADING_SPACE = /[ \t\r\n]*/y;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/** The text of an XML file: UTF-8 decoded, byte-order mark removed. */
export function xmlText(content: Buffer | string): string {
  const text = typeof content === 'string' ? content : content.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

interface StartTag {
  name: string;
  attributes: Record<string, string> | null;
  selfClosing: boolean;
  /** Offset just past the tag's `>`. */
  end: number;
}

/**
 * Reads `content` (the file at `path` in the archive) and reports it to `handler`. Throws {@link MbzXmlError}
 * `mbz.xml_doctype` for DOCTYPE/ENTITY declarations and `mbz.xml_malformed` (with `details.line`) for anything
 * not well-formed.
 */
export function scanXml(content: Buffer | string, path: string, handler: XmlHandler): void {
  const text = xmlText(content);
  const n = text.length;
  const stack: string[] = [];
  let rootDone = false;
  let i = 0;
  const child = handler.child;
  while (i < n) {
    if (child !== undefined && stack.length === 1) {
      const end = child(text, i);
      if (end >= 0) {
        i = end;
        continue;
      }
    }
    if (stack.length > 0) {
      // Leaves without references, one after another: the bulk of every backup file.
      for (;;) {
        SPACED_LEAF.lastIndex = i;
        const leaf = SPACED_LEAF.exec(text);
        if (leaf === null) break;
        i = SPACED_LEAF.lastIndex;
        const value = leaf[2] as string;
        const last = value.length - 1;
        handler.leaf(
          leaf[1] as string,
          last < 0 || (!isSpace(value.charCodeAt(0)) && !isSpace(value.charCodeAt(last)))
            ? value
            : trimSpace(value),
        );
      }
    }
    const lt = text.indexOf('<', i);
    const end = lt === -1 ? n : lt;
    if (end > i) {
      LEADING_SPACE.lastIndex = i;
      LEADING_SPACE.test(text);
      const from = LEADING_SPACE.lastIndex;
      if (from < end) {
        if (stack.length === 0) throw malformed(text, path, from, 'text outside the root element');
        let to = end;
        while (isSpace(text.charCodeAt(to - 1))) to--;
        handler.text(decodeChecked(text, text.slice(from, to), from, path));
      }
    }
    if (lt === -1) break;
    const c = text.charCodeAt(lt + 1);
    if (c === SLASH) {
      END_TAG.lastIndex = lt + 1;
      const match = END_TAG.exec(text);
      if (match === null) diagnoseEndTag(text, lt, path);
      const name = (match as RegExpExecArray)[1] as string;
      i = END_TAG.lastIndex;
      const open = stack.pop();
      if (open !== name) {
        const message = open === undefined ? `</${name}> closes nothing` : `</${name}> closes <${open}>`;
        throw malformed(text, path, lt, message);
      }
      handler.close(name);
      if (stack.length === 0) rootDone = true;
    } else if (c === QUESTION || c === BANG) {
      i = skipMarkup(text, lt, path, stack.length > 0, handler);
    } else {
      if (rootDone) throw malformed(text, path, lt, 'a second root element');
      LEAF.lastIndex = lt;
      const leaf = LEAF.exec(text);
      if (leaf !== null) {
        i = LEAF.lastIndex;
        const name = leaf[1] as string;
        handler.leaf(name, leafText(text, leaf[2] as string, lt + name.length + 2, path));
        if (stack.length === 0) rootDone = true;
        continue;
      }
      const tag = readStartTag(text, lt, path);
      handler.open(tag.name, tag.attributes);
      if (tag.selfClosing) {
        handler.close(tag.name);
        if (stack.length === 0) rootDone = true;
      } else stack.push(tag.name);
      i = tag.end;
    }
  }
  if (stack.length > 0) {
    throw malformed(text, path, n, `<${stack.at(-1)}> is never closed (the file may be truncated)`);
  }
  if (!rootDone) throw malformed(text, path, n, 'no root element');
}

/** Skips a processing instruction, comment or CDATA section (reporting CDATA as text); returns where it ends. */
function skipMarkup(text: string, lt: number, path: string, inRoot: boolean, handler: XmlHandler): number {
  if (text.charCodeAt(lt + 1) === QUESTION) {
    const close = text.indexOf('?>', lt + 2);
    if (close === -1) throw malformed(text, path, lt, 'unterminated processing instruction');
    const target = text.slice(lt + 2, readName(text, lt + 2, path));
    if (target.toLowerCase() === 'xml' && lt !== 0) {
      throw malformed(text, path, lt, 'the XML declaration is only allowed at the very start');
    }
    return close + 2;
  }
  if (text.startsWith('--', lt + 2)) {
    const close = text.indexOf('-->', lt + 4);
    if (close === -1) throw malformed(text, path, lt, 'unterminated comment');
    return close + 3;
  }
  if (text.startsWith('[CDATA[', lt + 2)) {
    const close = text.indexOf(']]>', lt + 9);
    if (close === -1) throw malformed(text, path, lt, 'unterminated CDATA section');
    if (!inRoot) throw malformed(text, path, lt, 'CDATA outside the root element');
    if (close > lt + 9) handler.text(text.slice(lt + 9, close));
    return close + 3;
  }
  const word = text.slice(lt + 2, lt + 9).toUpperCase();
  if (word.startsWith('DOCTYPE') || word.startsWith('ENTITY')) {
    throw new MbzXmlError(
      'mbz.xml_doctype',
      `${path} declares a DOCTYPE or entities, which Moodle never writes.`,
      {
        ...at(path),
        hint: 'The file was crafted (possibly an entity-expansion bomb); it is not read.',
      },
    );
  }
  throw malformed(text, path, lt, 'unexpected "<!"');
}

function readName(text: string, from: number, path: string): number {
  if (!isNameStart(text.charCodeAt(from))) {
    throw malformed(text, path, from, 'expected an element or attribute name');
  }
  let j = from + 1;
  while (isNameChar(text.charCodeAt(j))) j++;
  return j;
}

function skipSpace(text: string, from: number): number {
  let j = from;
  while (isSpace(text.charCodeAt(j))) j++;
  return j;
}

/** Says what is wrong with an end tag the fast pattern did not match. */
function diagnoseEndTag(text: string, lt: number, path: string): never {
  const nameEnd = readName(text, lt + 2, path);
  const close = skipSpace(text, nameEnd);
  throw malformed(text, path, close, `expected ">" to end </${text.slice(lt + 2, nameEnd)}`);
}

function readStartTag(text: string, lt: number, path: string): StartTag {
  START_TAG.lastIndex = lt + 1;
  const match = START_TAG.exec(text);
  if (match === null) return readStartTagSlowly(text, lt, path);
  const list = match[2] as string;
  let attributes: Record<string, string> | null = null;
  if (list !== '') {
    attributes = Object.create(null) as Record<string, string>;
    const base = lt + 1 + (match[1] as string).length;
    ATTRIBUTE.lastIndex = 0;
    for (let attribute = ATTRIBUTE.exec(list); attribute !== null; attribute = ATTRIBUTE.exec(list)) {
      const name = attribute[1] as string;
      const valueAt = base + (attribute.index as number) + attribute[0].length - 1;
      if (name in attributes) throw malformed(text, path, valueAt, `attribute ${name} appears twice`);
      const value = attribute[2] ?? (attribute[3] as string);
      attributes[name] = decodeChecked(text, value, valueAt - value.length, path);
    }
  }
  return { name: match[1] as string, attributes, selfClosing: match[3] === '/', end: START_TAG.lastIndex };
}

/** Reads a start tag character by character: accepts what the fast pattern missed, or says what is wrong. */
function readStartTagSlowly(text: string, lt: number, path: string): StartTag {
  const n = text.length;
  const nameEnd = readName(text, lt + 1, path);
  const name = text.slice(lt + 1, nameEnd);
  let attributes: Record<string, string> | null = null;
  let j = nameEnd;
  for (;;) {
    const spaced = j;
    j = skipSpace(text, j);
    const d = text.charCodeAt(j);
    if (d === GT) return { name, attributes, selfClosing: false, end: j + 1 };
    if (d === SLASH && text.charCodeAt(j + 1) === GT)
      return { name, attributes, selfClosing: true, end: j + 2 };
    if (j >= n) throw malformed(text, path, lt, `unterminated start tag <${name}`);
    if (j === spaced)
      throw malformed(text, path, j, `expected a space before the next attribute of <${name}>`);
    const attrEnd = readName(text, j, path);
    const attrName = text.slice(j, attrEnd);
    j = skipSpace(text, attrEnd);
    if (text.charCodeAt(j) !== EQUALS)
      throw malformed(text, path, j, `expected "=" after attribute ${attrName}`);
    j = skipSpace(text, j + 1);
    const quote = text.charCodeAt(j);
    if (quote !== 0x22 && quote !== 0x27) {
      throw malformed(text, path, j, `expected a quoted value for attribute ${attrName}`);
    }
    const valueEnd = text.indexOf(quote === 0x22 ? '"' : "'", j + 1);
    if (valueEnd === -1) throw malformed(text, path, j, `unterminated value of attribute ${attrName}`);
    const lessThan = text.indexOf('<', j + 1);
    if (lessThan !== -1 && lessThan < valueEnd) {
      throw malformed(text, path, lessThan, `"<" in the value of attribute ${attrName}`);
    }
    attributes ??= Object.create(null) as Record<string, string>;
    if (attrName in attributes)
      throw malformed(text, path, j, `attribute ${attrName} appears twice in <${name}>`);
    attributes[attrName] = decodeChecked(text, text.slice(j + 1, valueEnd), j + 1, path);
    j = valueEnd + 1;
  }
}

/** `value` without leading and trailing XML white space (space, tab, CR, LF; not other Unicode spaces). */
export function trimSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isSpace(value.charCodeAt(start))) start++;
  while (end > start && isSpace(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

/** The text of a leaf, `raw` found at `from`: trimmed of XML white space and decoded. */
function leafText(text: string, raw: string, from: number, path: string): string {
  let start = 0;
  let end = raw.length;
  while (start < end && isSpace(raw.charCodeAt(start))) start++;
  while (end > start && isSpace(raw.charCodeAt(end - 1))) end--;
  const trimmed = start === 0 && end === raw.length ? raw : raw.slice(start, end);
  return decodeChecked(text, trimmed, from + start, path);
}

/** `raw` (found at offset `from` of `text`) with references decoded; an unknown or broken one is an error. */
function decodeChecked(text: string, raw: string, from: number, path: string): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 10) throw malformed(text, path, from + amp, 'a bare "&"');
    const value = reference(raw.slice(amp + 1, semi));
    if (value === undefined) {
      throw malformed(text, path, from + amp, `undefined reference &${raw.slice(amp + 1, semi)};`);
    }
    out += raw.slice(last, amp) + value;
    last = semi + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

/** The character a reference (`amp`, `#38`, `#x26`) stands for; undefined for anything else. */
function reference(ref: string): string | undefined {
  switch (ref) {
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'amp':
      return '&';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  if (ref.charCodeAt(0) !== 0x23) return undefined;
  const hex = ref.charCodeAt(1) === 0x78;
  const digits = ref.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function malformed(text: string, path: string, offset: number, message: string): MbzXmlError {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) line++;
  return new MbzXmlError('mbz.xml_malformed', `${path} is not well-formed XML (line ${line}: ${message}).`, {
    ...at(path),
    hint: 'The backup is damaged; make a new one or restore this one from another copy.',
    details: { path, line },
  });
}
