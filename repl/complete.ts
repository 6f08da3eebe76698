/**
 * Completion that knows the site: Moodle function names wherever the API names a function (`moodle.call("...`,
 * `batch`, `{ function: '...' }`, `.describe`), a function's parameter names inside its parameters object,
 * GraphQL inside `totara.request(\`...` and the `.gql` mode, and the arguments of dot-commands. Anything else
 * falls through to node's own JavaScript completion.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { completeGraphql, operationFieldNames } from './graphql-complete.js';
import type { ParamShape, SiteKnowledge } from './knowledge.js';

/** What the completer needs besides the site's knowledge. */
export interface CompletionContext {
  knowledge: SiteKnowledge;
  profiles: () => string[];
}

const FUNCTION_STRING =
  /(?:\bmoodle\s*\.\s*\w+\s*\(\s*(?:\[\s*)*|\b(?:function|fn|wsfunction|wsfunctionname)\s*[:=]\s*|\bmoodle\s*\.\s*batch\s*\([\s\S]*?\[\s*)(['"`])(\w*)$/;
const PARAMS_START = /\bmoodle\s*\.\s*\w+\s*\(\s*(['"`])(\w+)\1\s*,\s*(?=\{)/g;
const GRAPHQL_START = /\btotara\s*\.\s*\w+\s*\(\s*(?:\[\s*)?(?:\{\s*document\s*:\s*)?(['"`])/g;

function filter(names: Iterable<string>, word: string): string[] {
  return [...new Set(names)].filter((name) => name.startsWith(word)).sort();
}

/** The text of a string literal that starts at `start` and is still open at the end of `text`, if it is. */
function openStringBody(text: string, start: number, quote: string): string | undefined {
  for (let i = start; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '\\') i++;
    else if (ch === quote) return undefined;
  }
  return text.slice(start);
}

/** The key path at the end of an object literal cut at the cursor, when the cursor is where a key goes. */
export function keyPathAtEnd(literal: string): { path: string[]; word: string } | undefined {
  const word = /[A-Za-z_]\w*$/.exec(literal)?.[0] ?? '';
  const before = literal.slice(0, literal.length - word.length);
  const frames: Array<{ kind: 'object' | 'array'; key: string | undefined }> = [];
  let currentKey: string | undefined;
  let pendingName: string | undefined;
  let lastSignificant = '';
  for (let i = 0; i < before.length; i++) {
    const ch = before.charAt(i);
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < before.length && before.charAt(j) !== ch) j += before.charAt(j) === '\\' ? 2 : 1;
      if (j >= before.length) return undefined;
      pendingName = before.slice(i + 1, j);
      i = j;
      lastSignificant = 'value';
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const name = /^[\w$]+/.exec(before.slice(i))?.[0] ?? ch;
      pendingName = name;
      i += name.length - 1;
      lastSignificant = 'value';
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (ch === ':') currentKey = pendingName;
    if (ch === '{' || ch === '[') {
      frames.push({ kind: ch === '{' ? 'object' : 'array', key: currentKey });
      currentKey = undefined;
    }
    if (ch === '}' || ch === ']') frames.pop();
    if (ch === ',' && frames.at(-1)?.kind === 'object') currentKey = undefined;
    pendingName = undefined;
    lastSignificant = ch;
  }
  const top = frames.at(-1);
  if (top?.kind !== 'object' || (lastSignificant !== '{' && lastSignificant !== ',')) return undefined;
  const path: string[] = [];
  for (const frame of frames.slice(1)) {
    // an object inside a list has no key of its own: the list's key and "[]" lead to it
    if (frame.key !== undefined) path.push(frame.key);
    if (frame.kind === 'array') path.push('[]');
  }
  return { path, word };
}

/** The member names of the parameter shape reached by `path` ("[]" steps into a list). */
export function keysAt(parameters: Record<string, { shape: ParamShape }>, path: string[]): string[] {
  let shape: ParamShape = { kind: 'object', keys: parameters as Record<string, never> };
  for (const segment of path) {
    if (segment === '[]') {
      if (shape.kind !== 'list') return [];
      shape = shape.item;
      continue;
    }
    if (shape.kind === 'list') shape = shape.item;
    if (shape.kind !== 'object') return [];
    const next: { shape: ParamShape } | undefined = shape.keys[segment];
    if (!next) return [];
    shape = next.shape;
  }
  if (shape.kind === 'list') shape = shape.item;
  return shape.kind === 'object' ? Object.keys(shape.keys) : [];
}

function completePath(partial: string): [string[], string] {
  const expanded = partial.startsWith('~/') ? join(process.env.HOME ?? '', partial.slice(2)) : partial;
  const dir = expanded.endsWith('/') ? expanded : dirname(expanded);
  const base = expanded.endsWith('/')
    ? ''
    : expanded.slice(dir === '.' && !expanded.startsWith('./') ? 0 : dir.length + 1);
  let entries: string[] = [];
  try {
    entries = readdirSync(dir === '' ? '.' : dir).filter((name) => name.startsWith(base));
  } catch {
    return [[], partial];
  }
  const prefix = partial.slice(0, partial.length - base.length);
  return [
    entries.sort().map((name) => {
      let slash = '';
      try {
        slash = statSync(join(dir, name)).isDirectory() ? '/' : '';
      } catch {
        // a broken link completes as a file
      }
      return `${prefix}${name}${slash}`;
    }),
    partial,
  ];
}

/** Names `.describe` accepts: functions, GraphQL types, and Totara query and mutation names. */
export function describableNames(knowledge: SiteKnowledge): string[] {
  const names = [...knowledge.functionNames()];
  const schema = knowledge.schema;
  if (schema) {
    names.push(...Object.keys(schema.getTypeMap()).filter((name) => !name.startsWith('__')));
    names.push(...operationFieldNames(schema));
  }
  return names;
}

/**
 * Completes the end of `text` (the line, or the `.gql` buffer plus the line). Returns undefined when the context
 * is ordinary JavaScript, for node's completer to handle.
 */
export function completeInput(
  text: string,
  context: CompletionContext,
  mode: 'js' | 'gql' = 'js',
): [string[], string] | undefined {
  const { knowledge } = context;
  const schema = knowledge.schema;
  if (mode === 'gql' && !text.trimStart().startsWith('.'))
    return schema ? completeGraphql(schema, text) : [[], ''];
  const command = /^\s*\.(\w+)\s+(\S*)$/.exec(text);
  if (command) {
    const [, name, arg = ''] = command;
    if (name === 'describe') return [filter(describableNames(knowledge), arg), arg];
    if (name === 'profile') return [filter([...context.profiles(), 'sandbox'], arg), arg];
    if (name === 'save' || name === 'mbz') return completePath(arg);
    if (name === 'readonly' || name === 'raw' || name === 'time') return [filter(['on', 'off'], arg), arg];
    return [[], arg];
  }
  const fn = FUNCTION_STRING.exec(text);
  if (fn) {
    const word = fn[2] ?? '';
    return [filter(knowledge.functionNames(), word), word];
  }
  let params: RegExpExecArray | undefined;
  for (const match of text.matchAll(PARAMS_START)) params = match;
  if (params) {
    const literal = text.slice((params.index ?? 0) + params[0].length);
    const at = keyPathAtEnd(literal);
    const info = knowledge.describeFunction(params[2] ?? '');
    if (at && info) return [filter(keysAt(info.parameters, at.path), at.word), at.word];
  }
  let graphql: RegExpExecArray | undefined;
  for (const match of text.matchAll(GRAPHQL_START)) graphql = match;
  if (graphql && schema) {
    const body = openStringBody(text, (graphql.index ?? 0) + graphql[0].length, graphql[1] ?? '`');
    if (body !== undefined) return completeGraphql(schema, body);
  }
  return undefined;
}
