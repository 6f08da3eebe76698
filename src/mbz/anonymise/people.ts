/**
 * The people of a backup (users.xml) and how each is renamed: `anon<N>` in users.xml order, as Moodle's own
 * backup-time anonymiser numbers them, with the replacements for their names, emails, usernames, idnumbers and
 * IP addresses wherever else those appear in the backup's text.
 */
import { recordHandler, tooManyRecords, type XmlFields } from '../xml/records.js';
import type { XmlHandler } from '../xml/scan.js';
import type { Tally } from './tally.js';

/** One user of users.xml, with the values that identify them. */
export interface Person {
  id: string;
  /** Position in users.xml, from 1: the person becomes `anon<n>`. */
  n: number;
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  middlename: string;
  alternatename: string;
  idnumber: string;
  lastip: string;
}

/** The replacement values of person `n`, as Moodle's anonymiser writes them (emails under a reserved domain). */
export function anonymous(n: number): {
  username: string;
  firstname: string;
  lastname: string;
  email: string;
} {
  return {
    username: `anon${n}`,
    firstname: `anonfirstname${n}`,
    lastname: `anonlastname${n}`,
    email: `anon${n}@doesntexist.invalid`,
  };
}

/** Reads the people of users.xml as it is scanned, keeping at most `maxRecords`. */
export function peopleReader(maxRecords: number): { handler: XmlHandler; result(): Person[] } {
  const people: Person[] = [];
  const value = (fields: XmlFields, name: string) => (fields[name] ?? '').trim();
  const handler = recordHandler('users.xml', [
    {
      path: 'users/user',
      record(fields, attributes) {
        if (people.length >= maxRecords) throw tooManyRecords('users.xml', maxRecords);
        people.push({
          id: attributes?.id ?? '',
          n: people.length + 1,
          username: value(fields, 'username'),
          email: value(fields, 'email'),
          firstname: value(fields, 'firstname'),
          lastname: value(fields, 'lastname'),
          middlename: value(fields, 'middlename'),
          alternatename: value(fields, 'alternatename'),
          idnumber: value(fields, 'idnumber'),
          lastip: value(fields, 'lastip'),
        });
      },
    },
  ]);
  return { handler, result: () => people };
}

/**
 * Words a username may be that are also Moodle's own vocabulary (role shortnames and archetypes, path segments):
 * replacing them in every text would break the backup, so they are renamed in users.xml only.
 */
const VOCABULARY = new Set([
  'admin',
  'administrator',
  'manager',
  'coursecreator',
  'editingteacher',
  'teacher',
  'student',
  'guest',
  'user',
  'frontpage',
  'moodle',
  'course',
  'test',
]);

/** IP addresses Moodle writes for "none" (and its own anonymiser's value): not identifying, never replaced. */
const PLACEHOLDER_IPS = new Set(['', '0.0.0.0', '127.0.0.1', '::1', '0:0:0:0:0:0:0:1']);

/** A token of text: letters, digits and the punctuation found inside usernames, emails and addresses. */
const TOKEN = /[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}._%+@'’_-]*[\p{L}\p{N}\p{M}])?/gu;
/** What may separate the words of a full name: spaces, and a comma in "Last, First". */
const BETWEEN = /^[\s,]+$/u;
const IPV4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g;
const IPV6 = /(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])/g;

/** Replaces what identifies the people of a backup in any text, counting what it replaced by kind. */
export class IdentifierReplacer {
  /** Single tokens (lower case): emails, usernames, idnumbers. */
  readonly #tokens = new Map<string, { value: string; kind: string }>();
  /** Full names as token sequences, by their first token (lower case), longest first. */
  readonly #names = new Map<string, { words: string[]; value: string }[]>();
  readonly #ips = new Set<string>();
  readonly #tally: Tally;

  constructor(people: readonly Person[], tally: Tally) {
    this.#tally = tally;
    for (const person of people) {
      const anon = anonymous(person.n);
      const token = (raw: string, value: string, kind: string, minimum: number) => {
        const key = raw.toLowerCase();
        if (key.length >= minimum && !VOCABULARY.has(key) && !this.#tokens.has(key)) {
          this.#tokens.set(key, { value, kind });
        }
      };
      if (person.email.includes('@')) token(person.email, anon.email, 'emails', 3);
      token(person.username, anon.username, 'usernames', 3);
      token(person.idnumber, `anonid${person.n}`, 'idnumbers', 4);
      if (!PLACEHOLDER_IPS.has(person.lastip)) this.#ips.add(person.lastip.toLowerCase());
      const full = `${anon.firstname} ${anon.lastname}`;
      const { firstname, lastname, middlename, alternatename } = person;
      for (const words of [
        [firstname, lastname],
        [lastname, firstname],
        [firstname, middlename, lastname],
        [alternatename, lastname],
      ]) {
        if (words.some((w) => w === '')) continue;
        const sequence = words.flatMap((w) => w.toLowerCase().match(TOKEN) ?? []);
        if (sequence.length < 2) continue;
        const first = sequence[0] as string;
        const list = this.#names.get(first) ?? [];
        list.push({ words: sequence, value: full });
        list.sort((a, b) => b.words.length - a.words.length);
        this.#names.set(first, list);
      }
    }
  }

  /** True when there is nothing to replace (a backup without users). */
  get empty(): boolean {
    return this.#tokens.size === 0 && this.#names.size === 0 && this.#ips.size === 0;
  }

  /** `text` with every known identifier replaced. */
  replace(text: string): string {
    if (this.empty || text.length < 2) return text;
    let out = this.#replaceIps(text);
    const tokens: { start: number; end: number; lower: string }[] = [];
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(out); m !== null; m = TOKEN.exec(out)) {
      tokens.push({ start: m.index, end: m.index + m[0].length, lower: m[0].toLowerCase() });
    }
    if (tokens.length === 0) return out;
    const edits: { start: number; end: number; value: string }[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as (typeof tokens)[number];
      const names = this.#names.get(token.lower);
      const name = names?.find((candidate) => this.#matches(out, tokens, i, candidate.words));
      if (name) {
        const last = tokens[i + name.words.length - 1] as (typeof tokens)[number];
        edits.push({ start: token.start, end: last.end, value: name.value });
        this.#tally.add('names');
        i += name.words.length - 1;
        continue;
      }
      const single = this.#tokens.get(token.lower) ?? this.#embeddedEmail(token.lower);
      if (single) {
        edits.push({ start: token.start, end: token.end, value: single.value });
        this.#tally.add(single.kind);
      }
    }
    for (let k = edits.length - 1; k >= 0; k--) {
      const edit = edits[k] as (typeof edits)[number];
      out = out.slice(0, edit.start) + edit.value + out.slice(edit.end);
    }
    return out;
  }

  /** A token that holds a known email inside it (`mailto:x@y.z` is one token with the colon outside it). */
  #embeddedEmail(lower: string): { value: string; kind: string } | undefined {
    if (!lower.includes('@')) return undefined;
    for (const [key, entry] of this.#tokens) if (entry.kind === 'emails' && lower.includes(key)) return entry;
    return undefined;
  }

  #matches(
    text: string,
    tokens: { start: number; end: number; lower: string }[],
    at: number,
    words: string[],
  ): boolean {
    if (at + words.length > tokens.length) return false;
    for (let k = 0; k < words.length; k++) {
      const token = tokens[at + k] as (typeof tokens)[number];
      if (token.lower !== words[k]) return false;
      if (
        k > 0 &&
        !BETWEEN.test(text.slice((tokens[at + k - 1] as (typeof tokens)[number]).end, token.start))
      ) {
        return false;
      }
    }
    return true;
  }

  #replaceIps(text: string): string {
    if (this.#ips.size === 0) return text;
    const swap = (ip: string) => {
      if (!this.#ips.has(ip.toLowerCase())) return ip;
      this.#tally.add('ips');
      return '127.0.0.1';
    };
    let out = text;
    if (/\d\.\d/.test(out)) out = out.replace(IPV4, swap);
    if (out.includes(':')) out = out.replace(IPV6, swap);
    return out;
  }
}
