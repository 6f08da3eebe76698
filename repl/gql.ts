/** The `.gql` mode: GraphQL typed at the prompt, run through the (read-only aware) Totara client. */
import { Recoverable } from 'node:repl';
import type { ReplSession } from './session.js';

/** Brace depth of a GraphQL text, strings and comments ignored; `opened` says whether any brace was seen. */
export function braceState(text: string): { depth: number; opened: boolean } {
  const plain = text.replace(/"""[\s\S]*?(?:"""|$)|"(?:[^"\\\n]|\\.)*"|#[^\n]*/g, '');
  let depth = 0;
  let opened = false;
  for (const ch of plain) {
    if (ch === '{') {
      depth++;
      opened = true;
    } else if (ch === '}') depth--;
  }
  return { depth, opened };
}

/**
 * Gives an anonymous operation a lower snake_case name (Totara refuses operations without one):
 * `{ ... }` becomes `query repl_query { ... }`.
 */
export function nameOperation(document: string): string {
  const text = document.trim();
  if (text.startsWith('{')) return `query repl_query ${text}`;
  return text.replace(/^(query|mutation)(\s*)(?=[({])/, (_m, op: string) => `${op} repl_${op} `);
}

/** Runs a GraphQL document with the session's variables. */
export async function runGraphql(session: ReplSession, document: string): Promise<unknown> {
  const totara = (await session.bindings.totara.promise) as {
    request(document: string, variables?: Record<string, unknown>): Promise<unknown>;
  };
  return totara.request(nameOperation(document), session.gqlVariables);
}

/** Takes over an evaluation in the `.gql` mode: waits for the braces to close, then runs the document. */
export function interceptGraphql(
  session: ReplSession,
  code: string,
  finish: (error: Error | null, value?: unknown) => void,
): boolean {
  if (session.mode !== 'gql') return false;
  const { depth, opened } = braceState(code);
  if (!opened || depth > 0) {
    session.gqlBuffer = code;
    finish(new Recoverable(new SyntaxError('The GraphQL document is not finished.')));
    return true;
  }
  session.gqlBuffer = '';
  runGraphql(session, code).then(
    (value) => finish(null, value),
    (error: unknown) => finish(error as Error),
  );
  return true;
}
