/**
 * Types of calls: how a function name selects its parameters and result from the generated table, and the
 * options every call takes.
 */
import type { RetryPolicy } from '../core/retry.js';
import type { MoodleFunctions } from './generated/types.js';

/**
 * A map of function names to `{ params, returns }`: the `MoodleFunctions` interface that `mts codegen moodle` writes
 * into a site's `types.ts` (plugins included), or the shipped Moodle 4.5 core one.
 */
export type FunctionMap = object;

/** Names of the functions a map types (by default the Moodle 4.5 core functions). */
export type KnownFunction<M extends FunctionMap = MoodleFunctions> = keyof M & string;

/** Any function name: a function of the map (typed) or any other (loosely typed, e.g. a plugin's). */
// `string & {}` keeps editor completion for known names while accepting any other.
export type FunctionName<M extends FunctionMap = MoodleFunctions> = KnownFunction<M> | (string & {});

/** The components the functions of a map belong to (`core_user`, `mod_assign`...). */
export type ComponentsOf<
  M extends FunctionMap,
  N extends string = KnownFunction<M>,
> = N extends `${infer A}_${infer B}_${string}` ? `${A}_${B}` : never;

/**
 * Known names most like an unknown one `F`: the same verb after another component (`core_usr_get_users` →
 * `core_user_get_users`), else names `F` begins (`local_acme_sync_user` → `local_acme_sync_users`), else names of
 * its component that start with the same two words (`core_user_get_user_by_field` → `core_user_get_users_by_field`).
 * The last three parameters are steps of the computation, not for callers.
 */
export type FunctionSuggestion<
  F extends string,
  M extends FunctionMap = MoodleFunctions,
  SameVerb = F extends `${infer A}_${string}_${infer Rest}`
    ? Extract<KnownFunction<M>, `${A}_${string}_${Rest}`>
    : never,
  Begins = Extract<KnownFunction<M>, `${F}${string}`>,
  SameWords = F extends `${infer C}_${infer D}_${infer W1}_${infer W2}_${string}`
    ? Extract<KnownFunction<M>, `${C}_${D}_${W1}_${W2}${string}`>
    : never,
> = [SameVerb] extends [never] ? ([Begins] extends [never] ? SameWords : Begins) : SameVerb;

/**
 * A function name as `call()` takes it: a name of the map, any name held in a `string`, or a plugin's name. A
 * literal name the map lacks but that looks like one of its functions (a `core_` name, which plugins cannot add,
 * or a name of a component the map covers) is refused at compile time with a did-you-mean, as call() refuses it at
 * run time.
 */
export type CheckedName<F extends string, M extends FunctionMap = MoodleFunctions> =
  F extends KnownFunction<M>
    ? F
    : string extends F
      ? F
      : F extends `core_${string}` | `${ComponentsOf<M>}_${string}`
        ? [FunctionSuggestion<F, M>] extends [never]
          ? `${F} is not a function of this Moodle; list them with mts moodle functions`
          : `${F} is not a function of this Moodle; did you mean ${FunctionSuggestion<F, M>}?`
        : F;

/** Loose parameters of a function the SDK has no types for. */
export type LooseParams = Record<string, unknown>;

/** The parameters of function `F` in map `M`. */
export type ParamsOf<F extends string, M extends FunctionMap = MoodleFunctions> = F extends keyof M
  ? M[F] extends { params: infer P }
    ? P
    : LooseParams
  : LooseParams;

/** The result of function `F` in map `M`. */
export type ResultOf<F extends string, M extends FunctionMap = MoodleFunctions> = F extends keyof M
  ? M[F] extends { returns: infer R }
    ? R
    : unknown
  : unknown;

/** Moodle's per-request settings (`moodlewssetting*`): how text, file URLs, language and time zone come back. */
export interface MoodleSettings {
  /** Apply text filters to formatted text (`moodlewssettingfilter`). Moodle's default: false. */
  filter?: boolean | undefined;
  /** Rewrite file URLs to webservice/pluginfile.php (`moodlewssettingfileurl`). Moodle's default: true. */
  fileurl?: boolean | undefined;
  /** Language of the answer's strings (`moodlewssettinglang`), e.g. `fr`. */
  lang?: string | undefined;
  /** Time zone for dates formatted by the server (`moodlewssettingtimezone`), e.g. `Europe/Paris`. */
  timezone?: string | undefined;
  /** Return text raw, without formatting (`moodlewssettingraw`). Moodle's default: false. */
  raw?: boolean | undefined;
}

/** One entry of a `warnings` array in a Moodle result. */
export interface MoodleWarning {
  item?: string | undefined;
  itemid?: number | undefined;
  warningcode: string;
  message: string;
}

/** Called for each warning a result carries; `fn` is the function that returned it. */
export type WarningListener = (warning: MoodleWarning, fn: string) => void;

/** Options of one {@link MoodleClient.call}. Durations are milliseconds. */
export interface MoodleCallOptions extends MoodleSettings {
  /** Aborts the call (and any wait between retries). */
  signal?: AbortSignal | undefined;
  /** Deadline of one attempt; overrides the client's. 0 disables it. */
  timeoutMs?: number | undefined;
  /** Retry pacing for this call, or false. Only `read` functions are ever retried. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** Check parameters against the function table before sending (default: the client's setting, true). */
  validate?: boolean | undefined;
  /** Split a too-large array across requests when the function allows it (default true). */
  split?: boolean | undefined;
  /** PHP's `max_input_vars` on the site; overrides the client's (default 1000). */
  maxInputVars?: number | undefined;
  /** Receives the result's warnings; overrides the client's listener. */
  onWarning?: WarningListener | undefined;
}

/** Keys of {@link MoodleCallOptions}, for runtime checks. */
export const CALL_OPTION_KEYS: readonly string[] = [
  'signal',
  'timeoutMs',
  'retry',
  'validate',
  'split',
  'maxInputVars',
  'onWarning',
  'filter',
  'fileurl',
  'lang',
  'timezone',
  'raw',
];

/** True when every key of `T` is optional, so the parameters argument may be left out. */
export type AllOptional<T> = Record<never, never> extends T ? true : false;

/** The arguments after the function name: parameters (optional when nothing is required) and options. */
export type CallArgs<F extends string, M extends FunctionMap = MoodleFunctions> =
  AllOptional<ParamsOf<F, M>> extends true
    ? [params?: ParamsOf<F, M>, options?: MoodleCallOptions]
    : [params: ParamsOf<F, M>, options?: MoodleCallOptions];

/** Anything that can call a Moodle function: the client, or a test double of it. */
export interface MoodleCaller<M extends FunctionMap = MoodleFunctions> {
  call<F extends FunctionName<M>>(fn: CheckedName<F, M>, ...args: CallArgs<F, M>): Promise<ResultOf<F, M>>;
}
