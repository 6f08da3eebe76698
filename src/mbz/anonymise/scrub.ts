/**
 * What people wrote (forum posts, submissions, answers, comments, feedback) with its words replaced and its
 * structure kept: HTML tags, entities, punctuation, line breaks and short numbers stay; every word becomes a word of
 * lorem ipsum in turn (the same length class, the same capitals), long numbers become zeros, links to people go.
 * Nothing of the original words is derived into the output, so nothing can be recovered from it.
 */

const LOREM = [
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'consectetur',
  'adipiscing',
  'elit',
  'sed',
  'do',
  'eiusmod',
  'tempor',
  'incididunt',
  'ut',
  'labore',
  'et',
  'dolore',
  'magna',
  'aliqua',
  'enim',
];

const WORD = /[\p{L}\p{M}]+|\d{5,}/gu;
const TAG = /<[^>]*>/g;
const ENTITY = /&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);/g;
const TEXT_ATTRIBUTE = /\b(alt|title)\s*=\s*("[^"]*"|'[^']*')/gi;
const MAILTO = /\bmailto:[^"'\s>]*/gi;

/** Replaces words in turn, so the same text always scrubs to the same output (no randomness to leak). */
class Words {
  #next = 0;

  word(original: string): string {
    if (/^\d+$/.test(original)) return '0'.repeat(original.length);
    const word = LOREM[this.#next++ % LOREM.length] as string;
    if (original.length > 1 && original === original.toUpperCase() && original !== original.toLowerCase()) {
      return word.toUpperCase();
    }
    const first = original[0] as string;
    return first !== first.toLowerCase() ? word[0]?.toUpperCase() + word.slice(1) : word;
  }

  /** Plain text: every word replaced, everything between words kept. */
  plain(text: string): string {
    return text.replace(WORD, (w) => this.word(w));
  }
}

/** Plain text outside entities (`&amp;`, `&#039;` stay as they are). */
function outsideEntities(text: string, words: Words): string {
  let out = '';
  let last = 0;
  ENTITY.lastIndex = 0;
  for (let m = ENTITY.exec(text); m !== null; m = ENTITY.exec(text)) {
    out += words.plain(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + words.plain(text.slice(last));
}

/**
 * `text` (decoded from the XML; it may be HTML) with its words replaced. In HTML, tags stay, the text of `alt` and
 * `title` attributes is replaced like the rest, and `mailto:` links point nowhere.
 *
 * @example
 * ```ts
 * scrubText('<p>Dear Anna, see <b>page 12</b>.</p>'); // '<p>Lorem ipsum, dolor <b>sit 12</b>.</p>'
 * ```
 */
export function scrubText(text: string): string {
  if (text === '' || text === '$@NULL@$') return text;
  const words = new Words();
  if (!text.includes('<')) return outsideEntities(text, words);
  let out = '';
  let last = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m !== null; m = TAG.exec(text)) {
    out += outsideEntities(text.slice(last, m.index), words);
    out += m[0]
      .replace(MAILTO, 'mailto:anon@doesntexist.invalid')
      .replace(TEXT_ATTRIBUTE, (_whole, name: string, quoted: string) => {
        const quote = quoted[0] as string;
        return `${name}=${quote}${outsideEntities(quoted.slice(1, -1), words)}${quote}`;
      });
    last = m.index + m[0].length;
  }
  return out + outsideEntities(text.slice(last), words);
}
