/**
 * Hooks on node's own REPL evaluator (kept, so top-level await, multi-line input, previews and Ctrl+C behave as
 * in `node`): a wrapper that sees each evaluation a person asked for, a hook that sees uncaught errors, and a
 * promise-based `evaluate()` used by `-e` and piped input.
 */
import type { REPLEval, REPLServer } from 'node:repl';
import { Recoverable } from 'node:repl';

/** The outcome of one evaluation. */
export type Outcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'error'; error: unknown }
  | { kind: 'incomplete' };

/** Called around each evaluation a person typed (not those node runs for completion or previews). */
export interface EvalObserver {
  /** May take over the evaluation (the `.gql` mode does); return true when it did. */
  intercept?(code: string, finish: (error: Error | null, value?: unknown) => void): boolean;
  /** A finished evaluation: its value or its error. */
  settled(outcome: Outcome, elapsedMs: number): void;
}

type ErrorSink = (error: unknown) => void;

interface ReplInternals {
  _domain?: { prependListener(event: 'error', listener: (error: unknown) => void): void };
  _handleError?: (error: unknown) => void;
}

/** Installs the hooks; returns the way to evaluate code programmatically through the same evaluator. */
export function hookEvaluator(
  server: REPLServer,
  observer: EvalObserver,
): (code: string) => Promise<Outcome> {
  const builtin: REPLEval = server.eval;
  let typed = false;
  let started = 0;
  let programmatic: ((outcome: Outcome) => void) | undefined;
  const errorSinks: ErrorSink[] = [];

  const onUncaught = (error: unknown) => {
    for (const sink of errorSinks) sink(error);
    if (programmatic) {
      const settle = programmatic;
      programmatic = undefined;
      settle({ kind: 'error', error });
      return;
    }
    if (typed) {
      typed = false;
      observer.settled({ kind: 'error', error }, performance.now() - started);
    }
  };
  // node routes uncaught evaluation errors through a domain (Node 20-24) or `_handleError` (later releases);
  // both are internal, so both are looked for and the REPL keeps printing the error itself either way.
  const internals = server as unknown as ReplInternals;
  if (typeof internals._handleError === 'function') {
    const original = internals._handleError;
    internals._handleError = function (this: unknown, error: unknown) {
      onUncaught(error);
      return original.call(this, error);
    };
  } else internals._domain?.prependListener('error', onUncaught);

  server.prependListener('line', () => {
    typed = true;
    started = performance.now();
  });

  const wrapped: REPLEval = function (this: REPLServer, code, context, file, callback) {
    const mine = typed;
    typed = false;
    const finish = (error: Error | null, value?: unknown) => {
      if (mine) {
        if (error instanceof Recoverable) observer.settled({ kind: 'incomplete' }, 0);
        else if (error) observer.settled({ kind: 'error', error }, performance.now() - started);
        else observer.settled({ kind: 'value', value }, performance.now() - started);
      }
      callback(error, value);
    };
    if (mine && observer.intercept?.(code, finish)) return;
    if (mine) typed = true; // an uncaught error of this evaluation still belongs to the person
    builtin.call(this, code, context, file, (error, value) => {
      typed = false;
      finish(error, value);
    });
  };
  (server as { eval: REPLEval }).eval = wrapped;

  return (code: string) =>
    new Promise<Outcome>((resolve) => {
      programmatic = resolve;
      builtin.call(server, code, server.context, 'REPL', (error, value) => {
        if (programmatic !== resolve) return;
        programmatic = undefined;
        if (error instanceof Recoverable) resolve({ kind: 'incomplete' });
        else if (error) resolve({ kind: 'error', error });
        else resolve({ kind: 'value', value });
      });
    });
}
