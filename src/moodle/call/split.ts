/**
 * Splitting of large arrays across requests. PHP drops form pairs beyond `max_input_vars` without an error, so
 * Moodle would quietly act on part of a large call. A call whose parameters hold one list (users, enrolments,
 * members...) and whose result can be joined back (nothing, a list, or an object of lists such as `warnings`)
 * is sent in pieces that each fit; any other call that does not fit is refused before sending.
 */
import type { WsDesc, WsFunctionInfo } from '../definitions.js';
import { MoodleError, MoodleInputError } from '../errors.js';
import { countFields, encodeForm } from './encode.js';

/** One planned request: its parameters. */
export interface SplitChunk {
  params: Record<string, unknown>;
  /** How many list items it carries. */
  items: number;
}

/** How a too-large call is sent. */
export interface SplitPlan {
  /** The list parameter that is split. */
  key: string;
  chunks: SplitChunk[];
}

/**
 * List parameters whose items act together (search criteria are ANDed, options configure the whole call, batch
 * requests stop at the first error): sending them in pieces would change the call's meaning.
 */
const NOT_SPLITTABLE = new Set(['criteria', 'options', 'requests', 'conditions', 'filters']);

/** Why a call cannot be split. */
export type SplitRefusal = { reason: string };

function isMultiple(desc: WsDesc | undefined): boolean {
  return desc?.kind === 'multiple';
}

/** True when results of pieces of a call to `info` can be joined into the result of the whole. */
export function resultsJoinable(info: WsFunctionInfo): boolean {
  const returns = info.returns;
  if (returns === null || returns.kind === 'multiple') return true;
  if (returns.kind !== 'single') return false;
  return Object.values(returns.keys).every(isMultiple);
}

/**
 * Plans pieces of at most `budget` fields each (the site's `max_input_vars` minus the control fields), or says
 * why the call cannot be split. `params` must have been encoded once (so that counting fields is enough).
 */
export function planSplit(
  info: WsFunctionInfo | undefined,
  params: Record<string, unknown>,
  budget: number,
): SplitPlan | SplitRefusal {
  if (!info) return { reason: 'the function is not in the table, so how to split it is unknown' };
  if (!resultsJoinable(info)) return { reason: `the results of ${info.name} cannot be joined back` };
  const lists = Object.keys(params).filter(
    (key) =>
      isMultiple(info.parameters.keys[key]) &&
      Array.isArray(params[key]) &&
      (params[key] as unknown[]).length > 1,
  );
  if (lists.length !== 1) return { reason: 'it does not have exactly one list parameter to split' };
  const key = lists[0] as string;
  if (NOT_SPLITTABLE.has(key))
    return { reason: `the items of ${key} act together, so they cannot be sent apart` };
  const items = params[key] as unknown[];
  const rest = { ...params };
  delete rest[key];
  const base = countFields(rest);
  const chunks: SplitChunk[] = [];
  let current: unknown[] = [];
  let size = base;
  const flush = () => {
    if (current.length === 0) return;
    const chunkParams = { ...rest, [key]: current };
    chunks.push({ params: chunkParams, items: current.length });
    current = [];
    size = base;
  };
  for (const item of items) {
    const cost = countFields(item);
    if (base + cost > budget) return { reason: `one item of ${key} alone needs ${cost} fields` };
    if (size + cost > budget) flush();
    current.push(item);
    size += cost;
  }
  flush();
  return { key, chunks };
}

/** Joins the results of the pieces of a split call, in order. */
export function joinResults(info: WsFunctionInfo, results: unknown[]): unknown {
  const returns = info.returns;
  if (returns === null) return null;
  if (returns.kind === 'multiple') return results.flatMap((r) => (Array.isArray(r) ? r : []));
  const out: Record<string, unknown[]> = {};
  for (const result of results) {
    if (!result || typeof result !== 'object') continue;
    for (const [k, v] of Object.entries(result)) {
      if (Array.isArray(v)) out[k] = [...(out[k] ?? []), ...v];
    }
  }
  return out;
}

/** What splitting may use: the function's description and the (normalised) parameters; false when it is off. */
export type SplitInput = { info: WsFunctionInfo | undefined; params: Record<string, unknown> } | false;

/**
 * Sends a call too large for `max_input_vars` in pieces (each piece's parameters encoded and given to `send`),
 * and joins the results; or refuses it with `moodle.too_many_input_vars` when it cannot be split. A failure after
 * the first piece is a {@link MoodleSplitError} saying how many items were applied.
 */
export async function sendInPieces(
  send: (paramsBody: string) => Promise<unknown>,
  fn: string,
  split: SplitInput,
  limits: { fields: number; controlFields: number; maxInputVars: number },
): Promise<unknown> {
  const { fields, maxInputVars } = limits;
  const plan =
    split === false
      ? { reason: 'splitting is turned off' }
      : planSplit(split.info, split.params, maxInputVars - limits.controlFields);
  if ('reason' in plan) {
    throw new MoodleInputError(
      'moodle.too_many_input_vars',
      `${fn} needs ${fields} form fields, more than max_input_vars (${maxInputVars}); PHP would silently drop the rest, and ${plan.reason}.`,
      {
        hint: 'Send fewer items per call, or raise maxInputVars if the site allows more (php.ini max_input_vars).',
        fn,
        details: { fields, maxInputVars },
      },
    );
  }
  const info = (split as { info: WsFunctionInfo }).info;
  const results: unknown[] = [];
  let done = 0;
  for (const [index, chunk] of plan.chunks.entries()) {
    try {
      results.push(await send(encodeForm(chunk.params).body));
    } catch (error) {
      if (index === 0 || !(error instanceof Error)) throw error;
      throw new MoodleSplitError(fn, plan.key, done, error, joinResults(info, results));
    }
    done += chunk.items;
  }
  return joinResults(info, results);
}

/**
 * A split call failed after some pieces had been applied: `completedItems` items of `key` were processed and
 * `partialResult` holds their joined results; `cause` is the error of the piece that failed.
 */
export class MoodleSplitError extends MoodleError {
  /** How many list items were applied before the failure. */
  readonly completedItems: number;
  /** The joined results of the pieces that succeeded. */
  readonly partialResult: unknown;
  constructor(fn: string, key: string, completedItems: number, cause: Error, partialResult: unknown) {
    super(
      'moodle.split_partial',
      `${fn}: the call was sent in pieces and failed after ${completedItems} items of ${key}: ${cause.message}`,
      {
        hint: `The first ${completedItems} items of ${key} were applied; resend only the rest once the cause is fixed.`,
        fn,
        cause,
        errorcode: (cause as MoodleError).errorcode,
        details: { completedItems, key },
      },
    );
    this.completedItems = completedItems;
    this.partialResult = partialResult;
  }
}
