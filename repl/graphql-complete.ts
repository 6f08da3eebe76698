/**
 * Completion inside a GraphQL document: operation keywords at the top, the fields of the type being selected,
 * the arguments of a field, the fields of an input object, enum values, and type names after `on`. It works on
 * the text before the cursor, so half-typed documents are fine.
 */
import type { GraphQLSchema } from 'graphql';

interface SchemaType {
  name: string;
  getFields?: () => Record<
    string,
    { name: string; type: unknown; args?: readonly { name: string; type: unknown }[] }
  >;
  getValues?: () => readonly { name: string }[];
}

type Frame =
  | { kind: 'selection'; type: SchemaType | undefined }
  | { kind: 'args'; args: readonly { name: string; type: unknown }[] }
  | { kind: 'input'; type: SchemaType | undefined }
  | { kind: 'list'; item: unknown }
  | { kind: 'vars' };

const TOKEN =
  /"""[\s\S]*?(?:"""|$)|"(?:[^"\\\n]|\\.)*"?|#[^\n]*|\.\.\.|[A-Za-z_][\w]*|-?\d[\w.+-]*|[{}()[\]:$@=!,|&]/g;

/** The named type under list and non-null wrappers. */
export function namedType(type: unknown): SchemaType | undefined {
  let current = type as { ofType?: unknown } | undefined;
  while (current && (current as { ofType?: unknown }).ofType)
    current = current.ofType as { ofType?: unknown };
  return current as SchemaType | undefined;
}

function fieldsOf(
  type: SchemaType | undefined,
): Record<string, { name: string; type: unknown; args?: readonly { name: string; type: unknown }[] }> {
  return type?.getFields?.() ?? {};
}

/** Walks the document before the cursor and says what may come next. */
function analyse(schema: GraphQLSchema, text: string): { candidates: string[] } {
  const stack: Frame[] = [];
  let root: 'query' | 'mutation' | 'subscription' = 'query';
  let pendingType: SchemaType | undefined;
  let lastField: ReturnType<typeof fieldsOf>[string] | undefined;
  let lastKey: string | undefined;
  let expectValue = false;
  let afterOn = false;
  let afterSpread = false;
  let afterDollar = false;
  let afterAt = false;
  const tokens = text.match(TOKEN) ?? [];
  for (const token of tokens) {
    if (token.startsWith('#')) continue;
    const top = stack.at(-1);
    if (afterDollar) {
      afterDollar = false;
      expectValue = false;
      continue;
    }
    if (afterAt) {
      afterAt = false;
      lastField = undefined;
      continue;
    }
    if (token === '$') {
      afterDollar = true;
      continue;
    }
    if (token === '@') {
      afterAt = true;
      continue;
    }
    if (token === '...') {
      afterSpread = true;
      continue;
    }
    if (token === '{') {
      if (!top || top.kind === 'selection') {
        const type = pendingType ?? (top ? namedType(lastField?.type) : rootType(schema, root));
        stack.push({ kind: 'selection', type });
      } else if (top.kind === 'args' || top.kind === 'input') {
        const source =
          top.kind === 'args' ? top.args.find((a) => a.name === lastKey) : fieldsOf(top.type)[lastKey ?? ''];
        stack.push({ kind: 'input', type: namedType(source?.type) });
      } else if (top.kind === 'list') stack.push({ kind: 'input', type: namedType(top.item) });
      pendingType = undefined;
      afterSpread = false;
      expectValue = false;
      lastKey = undefined;
      continue;
    }
    if (token === '}' || token === ')' || token === ']') {
      stack.pop();
      expectValue = false;
      lastKey = undefined;
      continue;
    }
    if (token === '(') {
      if (!top) stack.push({ kind: 'vars' });
      else if (top.kind === 'selection') stack.push({ kind: 'args', args: lastField?.args ?? [] });
      else stack.push({ kind: 'vars' });
      expectValue = false;
      continue;
    }
    if (token === '[') {
      if (top && (top.kind === 'args' || top.kind === 'input')) {
        const source =
          top.kind === 'args' ? top.args.find((a) => a.name === lastKey) : fieldsOf(top.type)[lastKey ?? ''];
        stack.push({ kind: 'list', item: source?.type });
      } else stack.push({ kind: 'list', item: undefined });
      continue;
    }
    if (token === ':') {
      if (top?.kind === 'selection') lastField = undefined;
      else expectValue = true;
      continue;
    }
    if (token === ',' || token === '=' || token === '!' || token === '|' || token === '&') continue;
    // a name, a string or a number
    if (!top) {
      if (token === 'query' || token === 'mutation' || token === 'subscription') root = token;
      else if (token === 'on') afterOn = true;
      else if (afterOn) {
        pendingType = schema.getType(token) as SchemaType | undefined;
        afterOn = false;
      }
      continue;
    }
    if (top.kind === 'selection') {
      if (afterSpread && token === 'on') {
        afterOn = true;
        continue;
      }
      if (afterOn) {
        pendingType = schema.getType(token) as SchemaType | undefined;
        afterOn = false;
        continue;
      }
      afterSpread = false;
      lastField = fieldsOf(top.type)[token];
      continue;
    }
    if (expectValue) expectValue = false;
    else lastKey = token;
  }
  const top = stack.at(-1);
  if (!top) return { candidates: afterOn ? typeNames(schema) : ['query', 'mutation', 'fragment'] };
  if (afterOn || (afterSpread && top.kind === 'selection'))
    return { candidates: afterOn ? typeNames(schema) : ['on'] };
  if (top.kind === 'selection') return { candidates: [...Object.keys(fieldsOf(top.type)), '__typename'] };
  if (top.kind === 'args' || top.kind === 'input') {
    if (expectValue) {
      const source =
        top.kind === 'args' ? top.args.find((a) => a.name === lastKey) : fieldsOf(top.type)[lastKey ?? ''];
      return { candidates: valuesOf(namedType(source?.type)) };
    }
    return {
      candidates: top.kind === 'args' ? top.args.map((a) => a.name) : Object.keys(fieldsOf(top.type)),
    };
  }
  if (top.kind === 'list') return { candidates: valuesOf(namedType(top.item)) };
  return { candidates: [] };
}

function rootType(
  schema: GraphQLSchema,
  root: 'query' | 'mutation' | 'subscription',
): SchemaType | undefined {
  const type =
    root === 'mutation'
      ? schema.getMutationType()
      : root === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  return (type ?? undefined) as SchemaType | undefined;
}

function valuesOf(type: SchemaType | undefined): string[] {
  if (type?.getValues) return type.getValues().map((v) => v.name);
  if (type?.name === 'Boolean') return ['true', 'false'];
  return [];
}

function typeNames(schema: GraphQLSchema): string[] {
  return Object.keys(schema.getTypeMap()).filter((name) => !name.startsWith('__'));
}

/**
 * Completes the word at the end of `text`, a GraphQL document cut at the cursor. Returns the candidates that
 * start with the word, and the word.
 *
 * @example
 * ```ts
 * completeGraphql(schema, 'query q { totara_webapi_st'); // [['totara_webapi_status'], 'totara_webapi_st']
 * ```
 */
export function completeGraphql(schema: GraphQLSchema, text: string): [string[], string] {
  const word = /[A-Za-z_]\w*$/.exec(text)?.[0] ?? '';
  const before = text.slice(0, text.length - word.length);
  const { candidates } = analyse(schema, before);
  const unique = [...new Set(candidates)].filter((name) => name.startsWith(word)).sort();
  return [unique, word];
}

/** The fields of the root types: Totara's query and mutation names. */
export function operationFieldNames(schema: GraphQLSchema): string[] {
  const names: string[] = [];
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (type) names.push(...Object.keys((type as unknown as SchemaType).getFields?.() ?? {}));
  }
  return names;
}
