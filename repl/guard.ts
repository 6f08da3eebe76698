/**
 * Read-only mode: refuses Moodle write functions and GraphQL mutations until the person confirms (`.confirm` runs
 * the refused call once; `.readonly off` lifts the mode). It is on by default for profiles marked production.
 */
import { MtsError } from '../src/core/errors.js';

/** Thrown when read-only mode refuses a call; `.confirm` runs it. */
export class ReadOnlyRefusal extends MtsError {}

/** Answers whether a Moodle function writes: `'read'`, `'write'`, or undefined when the site's table lacks it. */
export type FunctionKindLookup = (name: string) => 'read' | 'write' | undefined;

/** Removes comments and string literals so keywords inside them do not count. */
function stripGraphqlNoise(text: string): string {
  return text
    .replace(/"""[\s\S]*?"""/g, '""')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/#[^\n]*/g, '');
}

/** True when a GraphQL document (text or parsed DocumentNode) holds a mutation. */
export function isMutationDocument(document: unknown): boolean {
  if (typeof document === 'string') {
    const text = stripGraphqlNoise(document);
    let depth = 0;
    for (const match of text.matchAll(/[{}]|\bmutation\b/g)) {
      if (match[0] === '{') depth++;
      else if (match[0] === '}') depth--;
      else if (depth === 0) return true;
    }
    return false;
  }
  if (document && typeof document === 'object') {
    const definitions = (document as { definitions?: unknown }).definitions;
    if (Array.isArray(definitions))
      return definitions.some(
        (d) =>
          (d as { kind?: string }).kind === 'OperationDefinition' &&
          (d as { operation?: string }).operation === 'mutation',
      );
    const body = (document as { loc?: { source?: { body?: unknown } } }).loc?.source?.body;
    if (typeof body === 'string') return isMutationDocument(body);
  }
  return false;
}

/** The first operation name of a GraphQL document, for messages. */
export function operationLabel(document: unknown): string {
  const text =
    typeof document === 'string'
      ? document
      : ((document as { loc?: { source?: { body?: string } } })?.loc?.source?.body ?? '');
  const match = /\b(query|mutation|subscription)\s+([A-Za-z_]\w*)/.exec(stripGraphqlNoise(text));
  return match ? `${match[1]} ${match[2]}` : 'the GraphQL operation';
}

/** How a person lets a refused write through, by how the REPL runs. */
export const ALLOW_WRITES_HINT = {
  /** At the prompt, the next line can confirm. */
  interactive: 'Type .confirm to run it once, or .readonly off to allow writes for this session.',
  /** `mts repl -e CODE` runs one statement: nothing can follow to confirm it. */
  eval: 'Nothing can confirm a write in -e: add --write (`mts repl --write -e ...`) to allow writes for this run.',
  /** Piped input stops at the first failure, so a `.confirm` after the refused line is never read. */
  script:
    'A script stops at the refusal, so .confirm cannot follow it: put .readonly off before the writes, or run with --write.',
} as const;

/** The read-only state of one REPL session and the call it last refused. */
export class ReadOnlyGuard {
  enabled: boolean;
  #pending: { label: string; run: () => Promise<unknown> } | undefined;
  #confirming = false;
  readonly #lookup: () => FunctionKindLookup | undefined;
  readonly #profile: () => string;
  readonly #hint: string;

  constructor(
    enabled: boolean,
    lookup: () => FunctionKindLookup | undefined,
    profile: () => string,
    hint: string = ALLOW_WRITES_HINT.interactive,
  ) {
    this.enabled = enabled;
    this.#lookup = lookup;
    this.#profile = profile;
    this.#hint = hint;
  }

  /** Whether a function writes: from the definitions table; unknown functions count as writes (safer). */
  functionWrites(name: string): boolean {
    const kind = this.#lookup()?.(name);
    return kind !== 'read';
  }

  /** Refuses `run` when read-only mode is on and the call writes; keeps it for `.confirm`. */
  async check<T>(writes: boolean, label: string, run: () => Promise<T>): Promise<T> {
    if (!this.enabled || !writes || this.#confirming) return run();
    this.#pending = { label, run };
    throw new ReadOnlyRefusal(
      'repl.read_only',
      `Refused ${label}: profile ${this.#profile()} is read-only and this call writes.`,
      {
        hint: this.#hint,
        details: { call: label, profile: this.#profile() },
      },
    );
  }

  /** The refused call waiting for `.confirm`, if any. */
  pending(): string | undefined {
    return this.#pending?.label;
  }

  /** Runs the refused call once, writes allowed. */
  async confirm(): Promise<unknown> {
    const pending = this.#pending;
    if (!pending) throw new MtsError('repl.nothing_to_confirm', 'No refused call is waiting.');
    this.#pending = undefined;
    this.#confirming = true;
    try {
      return await pending.run();
    } finally {
      this.#confirming = false;
    }
  }
}
