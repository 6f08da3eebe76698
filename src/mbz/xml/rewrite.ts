/**
 * A streaming XML rewriter: the file is copied token by token, byte for byte, except where rules change the text
 * of an element or the value of an attribute, drop an element, empty it, or hold it until its content decides.
 * It does not check well-formedness (run an {@link XmlScanner} over the same chunks for that); it only needs to
 * find tags, text and markup.
 */
import { MbzLimitError } from '../errors.js';

/** What happens to an element, decided at its start tag. */
export type ElementFate = 'keep' | 'drop' | 'empty' | 'hold';

/** The rules of one rewrite. Paths are element names from the root, the element itself last. */
export interface RewriteRules {
  /**
   * `drop`: the element and all it holds are left out. `empty`: its tags stay, its content goes. `hold`: it is
   * kept aside until its end, then {@link RewriteRules.held} says whether it stays.
   */
  element?(path: readonly string[], attributes: Record<string, string>): ElementFate;
  /** A held element, with the text of its leaf children (as rewritten): true keeps it. */
  held?(path: readonly string[], fields: Record<string, string>, attributes: Record<string, string>): boolean;
  /** The new text of an element (decoded in, decoded out), or undefined to keep it as it is. */
  text?(path: readonly string[], text: string): string | undefined;
  /** The new value of an attribute, or undefined to keep it. */
  attribute?(path: readonly string[], name: string, value: string): string | undefined;
  /**
   * Told of each element left out: one dropped, each child of one emptied, each held one not kept (to count
   * what went, by kind).
   */
  left?(path: readonly string[]): void;
  /** Markup inserted after the XML declaration (or at the very start when there is none): a comment, say. */
  prolog?: string | undefined;
}

/** Bytes decoded at a time (see XmlScanner.write). */
const PIECE = 48 << 10;
/** Largest element held whole: records are small; a larger one is kept as it is. */
const MAX_HELD = 1 << 20;
/** Longest pending token or text: larger than any real one. */
const MAX_PENDING = 64 << 20;

const TAG_END = /[^>"']*(?:"[^"]*"[^>"']*|'[^']*'[^>"']*)*>/y;
const NAME = /[^\s/>]+/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text with its references decoded. */
export function decodeXml(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_whole, ref: string) => {
    if (ref.charCodeAt(0) !== 0x23) return NAMED[ref] as string;
    const code =
      ref.charCodeAt(1) === 0x78 ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** Text escaped as Moodle's XML writer escapes it (`&`, `<`, `>` and `"`). */
export function encodeXml(text: string): string {
  return /[&<>"]/.test(text)
    ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    : text;
}

interface Held {
  depth: number;
  path: string[];
  attributes: Record<string, string>;
  parts: string[];
  size: number;
  fields: Record<string, string>;
}

/** Rewrites one XML file given in chunks, handing the new text to `emit` as it goes. */
export class XmlRewriter {
  readonly #path: string;
  readonly #rules: RewriteRules;
  readonly #emit: (text: string) => void;
  readonly #decoder = new TextDecoder('utf-8');
  readonly #stack: string[] = [];
  #text = '';
  #started = false;
  /** Inside a dropped or emptied element: its depth (the stack length inside it), else 0. */
  #skipUntil = 0;
  /** Whether the element being skipped keeps its tags (emptied) or goes whole (dropped). */
  #emptied = false;
  #held: Held | undefined;
  /** The leaf child of a held element being read: its name and text. */
  #leaf: { name: string; depth: number; text: string } | undefined;

  constructor(path: string, rules: RewriteRules, emit: (text: string) => void) {
    this.#path = path;
    this.#rules = rules;
    this.#emit = emit;
  }

  write(chunk: Buffer): void {
    for (let at = 0; at < chunk.length; at += PIECE) {
      let text = this.#decoder.decode(chunk.subarray(at, at + PIECE), { stream: true });
      if (!this.#started && text !== '') {
        this.#started = true;
        if (text.charCodeAt(0) === 0xfeff) {
          this.#out('\uFEFF');
          text = text.slice(1);
        }
      }
      this.#text += text;
      this.#run(false);
    }
  }

  end(): void {
    this.#text += this.#decoder.decode();
    this.#run(true);
    if (this.#text !== '') this.#out(this.#text);
    this.#text = '';
    if (this.#held) this.#release();
  }

  #run(final: boolean): void {
    if (this.#rules.prolog !== undefined && !this.#prologDone) this.#insertProlog(final);
    const text = this.#text;
    const n = text.length;
    let i = 0;
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt === -1) {
        if (final) {
          if (i < n) this.#textToken(text.slice(i));
          i = n;
        }
        break;
      }
      if (lt > i) this.#textToken(text.slice(i, lt));
      const end = this.#tokenEnd(text, lt);
      if (end === -1) {
        if (!final) {
          i = lt;
          break;
        }
        this.#out(text.slice(lt));
        i = n;
        break;
      }
      this.#markup(text.slice(lt, end));
      i = end;
    }
    this.#text = i >= n ? '' : text.slice(i);
    if (this.#text.length > MAX_PENDING) {
      throw new MbzLimitError(
        'mbz.xml_token_limit',
        `${this.#path} has a token longer than ${MAX_PENDING} characters.`,
        {
          hint: 'No backup file holds one: the file was crafted.',
          details: { path: this.#path },
        },
      );
    }
  }

  #prologDone = false;

  /** Emits the prolog after the XML declaration, once enough of the file is read to find it. */
  #insertProlog(final: boolean): void {
    const text = this.#text;
    if (!final && text.length < 6) return;
    this.#prologDone = true;
    const prolog = this.#rules.prolog as string;
    if (text.startsWith('<?xml')) {
      const end = text.indexOf('?>');
      if (end === -1) {
        this.#prologDone = final;
        return;
      }
      this.#emit(`${text.slice(0, end + 2)}\n${prolog}`);
      this.#text = text.slice(end + 2);
      return;
    }
    this.#emit(`${prolog}\n`);
  }

  /** The end of the markup at `lt`, or -1 when it is not complete yet. */
  #tokenEnd(text: string, lt: number): number {
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      return close === -1 ? -1 : close + 3;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      return close === -1 ? -1 : close + 3;
    }
    if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      return close === -1 ? -1 : close + 2;
    }
    if (text.length - lt < 9 && text.startsWith('<!', lt)) return -1;
    TAG_END.lastIndex = lt + 1;
    return TAG_END.exec(text) === null ? -1 : TAG_END.lastIndex;
  }

  #markup(token: string): void {
    const c = token.charCodeAt(1);
    if (c === 0x21 && token.startsWith('<![CDATA[')) {
      this.#textToken(token, decodeCdata(token));
      return;
    }
    if (c === 0x21 || c === 0x3f) {
      this.#out(token);
      return;
    }
    NAME.lastIndex = c === 0x2f ? 2 : 1;
    const name = NAME.exec(token)?.[0] ?? '';
    if (c === 0x2f) {
      this.#endTag(token);
      return;
    }
    const selfClosing = token.charCodeAt(token.length - 2) === 0x2f;
    const stack = this.#stack;
    stack.push(name);
    if (this.#skipUntil > 0) {
      if (this.#emptied && stack.length === this.#skipUntil + 1) this.#rules.left?.(stack);
      if (selfClosing) stack.pop();
      return;
    }
    if (this.#held !== undefined && this.#leaf !== undefined) this.#leaf = undefined;
    const attributes = attributesOf(token);
    const fate = this.#held ? 'keep' : (this.#rules.element?.(stack, attributes) ?? 'keep');
    if (fate === 'drop') {
      this.#rules.left?.(stack);
      if (selfClosing) stack.pop();
      else {
        this.#skipUntil = stack.length;
        this.#emptied = false;
      }
      return;
    }
    const tag = this.#tagWithAttributes(token, attributes);
    if (fate === 'hold' && !selfClosing) {
      this.#held = { depth: stack.length, path: [...stack], attributes, parts: [], size: 0, fields: {} };
    }
    this.#out(tag);
    if (fate !== 'hold' && this.#held && this.#held.depth === stack.length - 1 && !selfClosing) {
      this.#leaf = { name, depth: stack.length, text: '' };
    }
    if (selfClosing) stack.pop();
    else if (fate === 'empty') {
      this.#skipUntil = stack.length;
      this.#emptied = true;
    }
  }

  #endTag(token: string): void {
    const stack = this.#stack;
    const depth = stack.length;
    stack.pop();
    if (this.#skipUntil > 0) {
      if (depth > this.#skipUntil) return;
      this.#skipUntil = 0;
      // An emptied element keeps its end tag; a dropped one has none to keep.
      if (!this.#emptied) return;
    }
    this.#out(token);
    const held = this.#held;
    if (held === undefined) return;
    const leaf = this.#leaf;
    if (leaf !== undefined && leaf.depth === depth) {
      if (!(leaf.name in held.fields)) held.fields[leaf.name] = leaf.text;
      this.#leaf = undefined;
    }
    if (depth === held.depth) this.#release();
  }

  #textToken(raw: string, decoded?: string): void {
    if (this.#skipUntil > 0) return;
    const rules = this.#rules;
    let out = raw;
    if (rules.text && /\S/.test(raw)) {
      const text = decoded ?? decodeXml(raw);
      const trimmed = text.trim();
      const replaced = rules.text(this.#stack, trimmed);
      if (replaced !== undefined && replaced !== trimmed) {
        const lead = text.slice(0, text.length - text.trimStart().length);
        const tail = text.slice(text.trimEnd().length);
        out = encodeXml(lead + replaced + tail);
        if (this.#leaf) this.#leaf.text += replaced;
      } else if (this.#leaf) this.#leaf.text += trimmed;
    }
    this.#out(out);
  }

  #tagWithAttributes(token: string, attributes: Record<string, string>): string {
    const rules = this.#rules;
    if (!rules.attribute) return token;
    let changed = false;
    const rewritten = token.replace(ATTRIBUTE, (whole, name: string, double?: string, single?: string) => {
      const value = decodeXml(double ?? single ?? '');
      const replaced = rules.attribute?.(this.#stack, name, value);
      if (replaced === undefined || replaced === value) return whole;
      changed = true;
      attributes[name] = replaced;
      return `${name}="${encodeXml(replaced)}"`;
    });
    return changed ? rewritten : token;
  }

  #out(text: string): void {
    const held = this.#held;
    if (held === undefined) {
      this.#emit(text);
      return;
    }
    held.parts.push(text);
    held.size += text.length;
    if (held.size > MAX_HELD) {
      // Too large to be a record: kept as it is.
      this.#held = undefined;
      this.#leaf = undefined;
      this.#emit(held.parts.join(''));
    }
  }

  #release(): void {
    const held = this.#held as Held;
    this.#held = undefined;
    this.#leaf = undefined;
    const keep = this.#rules.held?.(held.path, held.fields, held.attributes) ?? true;
    if (keep) this.#emit(held.parts.join(''));
    else this.#rules.left?.(held.path);
  }
}

function attributesOf(token: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!token.includes('=')) return out;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(token); m !== null; m = ATTRIBUTE.exec(token)) {
    out[m[1] as string] = decodeXml(m[2] ?? m[3] ?? '');
  }
  return out;
}

function decodeCdata(token: string): string {
  return token.slice(9, -3);
}
