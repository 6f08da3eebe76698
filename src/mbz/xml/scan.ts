/**
 * A strict, single-pass XML scanner for the files of a backup. It checks well-formedness as it goes (names,
 * attribute syntax, matching end tags, one root element, valid references) and hands elements and text to a
 * handler, so a document is read once, with no tree built unless the handler builds one.
 *
 * It expands nothing: DOCTYPE and ENTITY declarations are refused, and the only references decoded are the five
 * predefined entities and character references, which can never make a value longer than its source.
 */
import { at, MbzLimitError, MbzXmlError } from '../errors.js';

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
  /**
   * Asked before an element opens (never the root): true when the element and all it holds are of no interest.
   * The scanner then reads past it without reporting it, checking only that its tags nest, and past the siblings
   * of the same name that follow it (and the text between them); so what a reader does not want costs it little
   * time and no memory.
   */
  skips?: ((name: string) => boolean) | undefined;
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
const NAME_AT = new RegExp(NAME, 'y');
/** The rest of a tag after its "<": anything up to a ">" outside quotes. */
const TAG_END = /[^>"']*(?:"[^"]*"[^>"']*|'[^']*'[^>"']*)*>/y;

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

/** Deepest nesting read: Moodle's files nest about a dozen levels; a million is a memory attack. */
export const MAX_XML_DEPTH = 256;
/** Most attributes on one element: Moodle writes at most three. */
export const MAX_XML_ATTRIBUTES = 64;
/** Bytes decoded and scanned at a time. */
const PIECE = 48 << 10;
/** Longest start or end tag read (attributes included). */
const MAX_TAG = 1 << 20;
/** Longest comment, CDATA section or processing instruction read. */
const MAX_MARKUP = 16 << 20;
/** A run of text longer than this, still without its end, is handed over in pieces. */
const TEXT_PIECE = 4 << 20;

/** A token at `at` needs more input to be read (only before the end of the input). */
const MORE = -1;
/** The input ran out inside an element being skipped: reading resumes at `#skipResume`. */
const WAIT = -2;

/**
 * Reads an XML file given in chunks (the file at `path` in the archive) and reports it to `handler`, so a file of
 * any size is read in bounded memory. Throws {@link MbzXmlError} `mbz.xml_doctype` for DOCTYPE/ENTITY declarations
 * and `mbz.xml_malformed` (with `details.line`) for anything not well-formed, and {@link MbzLimitError} for
 * nesting or attribute counts no backup reaches.
 */
export class XmlScanner {
  readonly #path: string;
  readonly #handler: XmlHandler;
  readonly #decoder = new TextDecoder('utf-8');
  readonly #stack: string[] = [];
  #text = '';
  /** Lines before the start of `#text`. */
  #lines = 0;
  #rootDone = false;
  /** True while a long text run is being handed over in pieces: its leading space was already trimmed. */
  #inText = false;
  #started = false;
  /** True while reading the last of the input. */
  #final = false;
  /** Characters consumed before the start of `#text`. */
  #consumed = 0;
  /** Open elements inside an element being skipped (0: not skipping). */
  #skipDepth = 0;

  constructor(path: string, handler: XmlHandler) {
    this.#path = path;
    this.#handler = handler;
  }

  /**
   * Reads the next chunk of the file. A large chunk is read in pieces of {@link PIECE} bytes: strings that size
   * die young in V8's new space, where a megabyte-long one would sit in old space until a full collection.
   */
  write(chunk: Buffer | string): void {
    if (typeof chunk !== 'string' && chunk.length > PIECE) {
      for (let at = 0; at < chunk.length; at += PIECE) this.#write(chunk.subarray(at, at + PIECE));
      return;
    }
    this.#write(chunk);
  }

  #write(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (!this.#started && text !== '') {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.#text = this.#text === '' ? text : this.#text + text;
    this.#run(false);
  }

  /** Reads what is left and checks the document is complete. */
  end(): void {
    const rest = this.#decoder.decode();
    if (rest !== '') this.#text += rest;
    this.#run(true);
    const stack = this.#stack;
    const text = this.#text;
    if (stack.length > 0) {
      throw this.#malformed(
        text,
        text.length,
        `<${stack.at(-1)}> is never closed (the file may be truncated)`,
      );
    }
    if (!this.#rootDone) throw this.#malformed(text, text.length, 'no root element');
  }

  /** Reads every complete token of `#text`, keeping the incomplete rest for the next chunk unless `final`. */
  #run(final: boolean): void {
    this.#final = final;
    const text = this.#text;
    const n = text.length;
    const stack = this.#stack;
    const handler = this.#handler;
    const child = handler.child;
    // A token that starts before the last "<" is complete: tags cannot hold "<". Only the last one may be cut.
    const last = final ? n : text.lastIndexOf('<');
    let i = 0;
    try {
      if (this.#skipDepth > 0) i = this.#skip(text, 0);
      while (i < n && i !== WAIT) {
        if (child !== undefined && stack.length === 1) {
          const end = child(text, i);
          if (end >= 0) {
            i = end;
            continue;
          }
        }
        if (stack.length > 0 && !this.#inText) {
          // Leaves without references, one after another: the bulk of every backup file.
          for (;;) {
            SPACED_LEAF.lastIndex = i;
            const leaf = SPACED_LEAF.exec(text);
            if (leaf === null) break;
            i = SPACED_LEAF.lastIndex;
            const value = leaf[2] as string;
            const end = value.length - 1;
            handler.leaf(
              leaf[1] as string,
              end < 0 || (!isSpace(value.charCodeAt(0)) && !isSpace(value.charCodeAt(end)))
                ? value
                : trimSpace(value),
            );
          }
        }
        const lt = text.indexOf('<', i);
        if (lt === -1 && !final) {
          i = this.#textPiece(text, i);
          break;
        }
        this.#textRun(text, i, lt === -1 ? n : lt);
        if (lt === -1) {
          i = n;
          break;
        }
        const next = this.#token(text, lt, lt < last || final);
        if (next === WAIT) {
          i = WAIT;
          break;
        }
        if (next === MORE) {
          this.#checkPending(text, lt);
          i = lt;
          break;
        }
        i = next;
      }
    } catch (error) {
      this.#text = '';
      throw error;
    }
    if (final) return;
    if (i === WAIT) i = this.#skipResume;
    this.#countLines(text, i);
    this.#consumed += i;
    this.#text = i >= n ? '' : text.slice(i);
  }

  /** Where to resume when a skip stopped for want of input. */
  #skipResume = 0;

  /**
   * Reads past an element (from its start tag at `from`, or from inside it when resuming), tracking only how its
   * tags nest. Returns the offset after its end tag; MORE when its start tag is cut; WAIT (with `#skipResume` set)
   * when the input runs out inside it.
   */
  #skip(text: string, from: number): number {
    let i = from;
    let depth = this.#skipDepth;
    const outer = this.#stack.length;
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt === -1) {
        if (this.#final) {
          throw this.#malformed(
            text,
            text.length,
            `<${this.#stack.at(-1)}> is never closed (the file may be truncated)`,
          );
        }
        return this.#wait(text, text.length, depth);
      }
      const end = this.#skipTag(text, lt, depth, outer);
      if (end === MORE) return depth === 0 ? MORE : this.#wait(text, lt, depth);
      depth = end.depth;
      i = end.at;
      if (depth === 0) {
        this.#skipDepth = 0;
        return i;
      }
    }
  }

  /** Stops a skip for want of input: it resumes at `at`, `depth` elements deep. */
  #wait(text: string, at: number, depth: number): number {
    this.#skipDepth = depth;
    this.#skipResume = at;
    this.#checkPending(text, at);
    return WAIT;
  }

  /** One tag (or comment, CDATA, PI) of a skipped element at `lt`: where it ends and the nesting after it. */
  #skipTag(
    text: string,
    lt: number,
    depth: number,
    outer: number,
  ): { at: number; depth: number } | typeof MORE {
    const c = text.charCodeAt(lt + 1);
    if (c === BANG || c === QUESTION) {
      const end = this.#markup(text, lt);
      return end === MORE ? MORE : { at: end, depth };
    }
    TAG_END.lastIndex = lt + 1;
    if (TAG_END.exec(text) === null) {
      if (!this.#final) return MORE;
      throw this.#malformed(text, lt, 'unterminated tag');
    }
    const end = TAG_END.lastIndex;
    if (c === SLASH) return { at: end, depth: depth - 1 };
    if (text.charCodeAt(end - 2) === SLASH) return { at: end, depth };
    if (outer + depth >= MAX_XML_DEPTH) this.#tooDeep(text, lt);
    return { at: end, depth: depth + 1 };
  }

  #tooDeep(text: string, lt: number): never {
    const path = this.#path;
    throw new MbzLimitError(
      'mbz.xml_depth_limit',
      `${path} nests elements more than ${MAX_XML_DEPTH} deep.`,
      {
        hint: 'Moodle never nests that deep: the file was crafted. It is not read.',
        details: { path, line: this.#lineAt(text, lt), limit: MAX_XML_DEPTH },
      },
    );
  }

  /** A token still incomplete after this many characters was crafted: no tag, comment or CDATA is that long. */
  #checkPending(text: string, lt: number): void {
    const c = text.charCodeAt(lt + 1);
    const limit = c === BANG || c === QUESTION ? MAX_MARKUP : MAX_TAG;
    if (text.length - lt <= limit) return;
    const path = this.#path;
    throw new MbzLimitError(
      'mbz.xml_token_limit',
      `${path} has a tag or comment longer than ${limit} characters.`,
      {
        hint: 'Moodle writes short tags: the file was crafted. It is not read.',
        details: { path, line: this.#lineAt(text, lt), limit },
      },
    );
  }

  #countLines(text: string, upTo: number): void {
    for (let k = text.indexOf('\n'); k !== -1 && k < upTo; k = text.indexOf('\n', k + 1)) this.#lines++;
  }

  /** Reports the text of `[from, end)` (a whole run, ended by a "<" or the end of the file). */
  #textRun(text: string, from: number, end: number): void {
    let start = from;
    if (!this.#inText) {
      LEADING_SPACE.lastIndex = from;
      LEADING_SPACE.test(text);
      start = LEADING_SPACE.lastIndex;
    }
    this.#inText = false;
    if (start >= end) return;
    let to = end;
    while (to > start && isSpace(text.charCodeAt(to - 1))) to--;
    if (to <= start) return;
    if (this.#stack.length === 0) throw this.#malformed(text, start, 'text outside the root element');
    this.#handler.text(this.#decode(text, text.slice(start, to), start));
  }

  /**
   * A run of text with no "<" yet: kept for the next chunk, unless it is long, in which case what is certainly
   * text (up to its last non-space character, before any reference cut in two) is reported now.
   */
  #textPiece(text: string, from: number): number {
    if (text.length - from < TEXT_PIECE) return from;
    let start = from;
    if (!this.#inText) {
      LEADING_SPACE.lastIndex = from;
      LEADING_SPACE.test(text);
      start = LEADING_SPACE.lastIndex;
    }
    let to = text.length;
    const amp = text.lastIndexOf('&');
    if (amp >= start && text.indexOf(';', amp) === -1) to = amp;
    while (to > start && isSpace(text.charCodeAt(to - 1))) to--;
    if (to <= start) return start;
    if (this.#stack.length === 0) throw this.#malformed(text, start, 'text outside the root element');
    this.#handler.text(this.#decode(text, text.slice(start, to), start));
    this.#inText = true;
    return to;
  }

  /** Reads the token at `lt`; returns where it ends, or {@link MORE} when it may continue in the next chunk. */
  #token(text: string, lt: number, complete: boolean): number {
    const stack = this.#stack;
    const handler = this.#handler;
    const c = text.charCodeAt(lt + 1);
    if (!complete && lt + 1 >= text.length) return MORE;
    if (c === SLASH) {
      END_TAG.lastIndex = lt + 1;
      const match = END_TAG.exec(text);
      if (match === null) {
        if (!complete) return MORE;
        this.#diagnoseEndTag(text, lt);
      }
      const name = (match as RegExpExecArray)[1] as string;
      const open = stack.pop();
      if (open !== name) {
        const message = open === undefined ? `</${name}> closes nothing` : `</${name}> closes <${open}>`;
        throw this.#malformed(text, lt, message);
      }
      handler.close(name);
      if (stack.length === 0) this.#rootDone = true;
      return END_TAG.lastIndex;
    }
    if (c === QUESTION || c === BANG) return this.#markup(text, lt);
    if (this.#rootDone) throw this.#malformed(text, lt, 'a second root element');
    LEAF.lastIndex = lt;
    const leaf = LEAF.exec(text);
    if (leaf !== null) {
      const name = leaf[1] as string;
      handler.leaf(name, this.#leafText(text, leaf[2] as string, lt + name.length + 2));
      if (stack.length === 0) this.#rootDone = true;
      return LEAF.lastIndex;
    }
    const skips = handler.skips;
    if (skips !== undefined && stack.length > 0) {
      NAME_AT.lastIndex = lt + 1;
      const name = NAME_AT.exec(text);
      if (name !== null && skips(name[0])) {
        this.#skipDepth = 0;
        const skipped = name[0];
        let end = this.#skip(text, lt);
        // Siblings of the same name are skipped alike, without asking again: thousands of them cost little.
        while (end >= 0) {
          const next = text.indexOf('<', end);
          if (
            next === -1 ||
            !text.startsWith(skipped, next + 1) ||
            isNameChar(text.charCodeAt(next + 1 + skipped.length))
          )
            break;
          const after = this.#skip(text, next);
          if (after === MORE) break;
          end = after;
        }
        return end;
      }
    }
    const tag = this.#startTag(text, lt, complete);
    if (tag === undefined) return MORE;
    handler.open(tag.name, tag.attributes);
    if (tag.selfClosing) {
      handler.close(tag.name);
      if (stack.length === 0) this.#rootDone = true;
    } else {
      if (stack.length >= MAX_XML_DEPTH) this.#tooDeep(text, lt);
      stack.push(tag.name);
    }
    return tag.end;
  }

  /** A processing instruction, comment or CDATA section (reported as text); returns where it ends, or MORE. */
  #markup(text: string, lt: number): number {
    const path = this.#path;
    if (text.charCodeAt(lt + 1) === QUESTION) {
      const close = text.indexOf('?>', lt + 2);
      if (close === -1) {
        if (!this.#final) return MORE;
        throw this.#malformed(text, lt, 'unterminated processing instruction');
      }
      const target = text.slice(lt + 2, this.#readName(text, lt + 2));
      if (target.toLowerCase() === 'xml' && this.#consumed + lt !== 0) {
        throw this.#malformed(text, lt, 'the XML declaration is only allowed at the very start');
      }
      return close + 2;
    }
    if (!this.#final && text.length - lt < 9) return MORE;
    if (text.startsWith('--', lt + 2)) {
      const close = text.indexOf('-->', lt + 4);
      if (close === -1) {
        if (!this.#final) return MORE;
        throw this.#malformed(text, lt, 'unterminated comment');
      }
      return close + 3;
    }
    if (text.startsWith('[CDATA[', lt + 2)) {
      const close = text.indexOf(']]>', lt + 9);
      if (close === -1) {
        if (!this.#final) return MORE;
        throw this.#malformed(text, lt, 'unterminated CDATA section');
      }
      if (this.#stack.length === 0) throw this.#malformed(text, lt, 'CDATA outside the root element');
      if (close > lt + 9) this.#handler.text(text.slice(lt + 9, close));
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
    throw this.#malformed(text, lt, 'unexpected "<!"');
  }

  #readName(text: string, from: number): number {
    if (!isNameStart(text.charCodeAt(from))) {
      throw this.#malformed(text, from, 'expected an element or attribute name');
    }
    let j = from + 1;
    while (isNameChar(text.charCodeAt(j))) j++;
    return j;
  }

  /** Says what is wrong with an end tag the fast pattern did not match. */
  #diagnoseEndTag(text: string, lt: number): never {
    const nameEnd = this.#readName(text, lt + 2);
    const close = skipSpace(text, nameEnd);
    throw this.#malformed(text, close, `expected ">" to end </${text.slice(lt + 2, nameEnd)}`);
  }

  /** The start tag at `lt`, or undefined when it may continue in the next chunk. */
  #startTag(text: string, lt: number, complete: boolean): StartTag | undefined {
    START_TAG.lastIndex = lt + 1;
    const match = START_TAG.exec(text);
    if (match === null) return complete ? this.#startTagSlowly(text, lt) : undefined;
    const list = match[2] as string;
    let attributes: Record<string, string> | null = null;
    if (list !== '') {
      attributes = Object.create(null) as Record<string, string>;
      const base = lt + 1 + (match[1] as string).length;
      let count = 0;
      ATTRIBUTE.lastIndex = 0;
      for (let attribute = ATTRIBUTE.exec(list); attribute !== null; attribute = ATTRIBUTE.exec(list)) {
        const name = attribute[1] as string;
        const valueAt = base + (attribute.index as number) + attribute[0].length - 1;
        if (name in attributes) throw this.#malformed(text, valueAt, `attribute ${name} appears twice`);
        if (++count > MAX_XML_ATTRIBUTES) this.#tooManyAttributes(text, lt);
        const value = attribute[2] ?? (attribute[3] as string);
        attributes[name] = this.#decode(text, value, valueAt - value.length);
      }
    }
    return { name: match[1] as string, attributes, selfClosing: match[3] === '/', end: START_TAG.lastIndex };
  }

  #tooManyAttributes(text: string, lt: number): never {
    const path = this.#path;
    throw new MbzLimitError(
      'mbz.xml_attribute_limit',
      `${path} has an element with more than ${MAX_XML_ATTRIBUTES} attributes.`,
      {
        hint: 'Moodle writes at most a few attributes per element: the file was crafted. It is not read.',
        details: { path, line: this.#lineAt(text, lt), limit: MAX_XML_ATTRIBUTES },
      },
    );
  }

  /** Reads a start tag character by character: accepts what the fast pattern missed, or says what is wrong. */
  #startTagSlowly(text: string, lt: number): StartTag {
    const n = text.length;
    const nameEnd = this.#readName(text, lt + 1);
    const name = text.slice(lt + 1, nameEnd);
    let attributes: Record<string, string> | null = null;
    let count = 0;
    let j = nameEnd;
    for (;;) {
      const spaced = j;
      j = skipSpace(text, j);
      const d = text.charCodeAt(j);
      if (d === GT) return { name, attributes, selfClosing: false, end: j + 1 };
      if (d === SLASH && text.charCodeAt(j + 1) === GT)
        return { name, attributes, selfClosing: true, end: j + 2 };
      if (j >= n) throw this.#malformed(text, lt, `unterminated start tag <${name}`);
      if (j === spaced)
        throw this.#malformed(text, j, `expected a space before the next attribute of <${name}>`);
      const attrEnd = this.#readName(text, j);
      const attrName = text.slice(j, attrEnd);
      j = skipSpace(text, attrEnd);
      if (text.charCodeAt(j) !== EQUALS)
        throw this.#malformed(text, j, `expected "=" after attribute ${attrName}`);
      j = skipSpace(text, j + 1);
      const quote = text.charCodeAt(j);
      if (quote !== 0x22 && quote !== 0x27) {
        throw this.#malformed(text, j, `expected a quoted value for attribute ${attrName}`);
      }
      const valueEnd = text.indexOf(quote === 0x22 ? '"' : "'", j + 1);
      if (valueEnd === -1) throw this.#malformed(text, j, `unterminated value of attribute ${attrName}`);
      const lessThan = text.indexOf('<', j + 1);
      if (lessThan !== -1 && lessThan < valueEnd) {
        throw this.#malformed(text, lessThan, `"<" in the value of attribute ${attrName}`);
      }
      attributes ??= Object.create(null) as Record<string, string>;
      if (attrName in attributes)
        throw this.#malformed(text, j, `attribute ${attrName} appears twice in <${name}>`);
      if (++count > MAX_XML_ATTRIBUTES) this.#tooManyAttributes(text, lt);
      attributes[attrName] = this.#decode(text, text.slice(j + 1, valueEnd), j + 1);
      j = valueEnd + 1;
    }
  }

  /** The text of a leaf, `raw` found at `from`: trimmed of XML white space and decoded. */
  #leafText(text: string, raw: string, from: number): string {
    let start = 0;
    let end = raw.length;
    while (start < end && isSpace(raw.charCodeAt(start))) start++;
    while (end > start && isSpace(raw.charCodeAt(end - 1))) end--;
    const trimmed = start === 0 && end === raw.length ? raw : raw.slice(start, end);
    return this.#decode(text, trimmed, from + start);
  }

  /** `raw` (found at offset `from` of `text`) with references decoded; an unknown or broken one is an error. */
  #decode(text: string, raw: string, from: number): string {
    let amp = raw.indexOf('&');
    if (amp === -1) return raw;
    let out = '';
    let last = 0;
    while (amp !== -1) {
      const semi = raw.indexOf(';', amp + 1);
      if (semi === -1 || semi - amp > 10) throw this.#malformed(text, from + amp, 'a bare "&"');
      const value = reference(raw.slice(amp + 1, semi));
      if (value === undefined) {
        throw this.#malformed(text, from + amp, `undefined reference &${raw.slice(amp + 1, semi)};`);
      }
      out += raw.slice(last, amp) + value;
      last = semi + 1;
      amp = raw.indexOf('&', last);
    }
    return out + raw.slice(last);
  }

  #lineAt(text: string, offset: number): number {
    let line = this.#lines + 1;
    for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) line++;
    return line;
  }

  #malformed(text: string, offset: number, message: string): MbzXmlError {
    const path = this.#path;
    const line = this.#lineAt(text, offset);
    return new MbzXmlError(
      'mbz.xml_malformed',
      `${path} is not well-formed XML (line ${line}: ${message}).`,
      {
        ...at(path),
        hint: 'The backup is damaged; make a new one or restore this one from another copy.',
        details: { path, line },
      },
    );
  }
}

/**
 * Reads a whole XML file (the file at `path` in the archive) and reports it to `handler`; see {@link XmlScanner}.
 */
export function scanXml(content: Buffer | string, path: string, handler: XmlHandler): void {
  const scanner = new XmlScanner(path, handler);
  scanner.write(content);
  scanner.end();
}

function skipSpace(text: string, from: number): number {
  let j = from;
  while (isSpace(text.charCodeAt(j))) j++;
  return j;
}

/** `value` without leading and trailing XML white space (space, tab, CR, LF; not other Unicode spaces). */
export function trimSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isSpace(value.charCodeAt(start))) start++;
  while (end > start && isSpace(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
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
