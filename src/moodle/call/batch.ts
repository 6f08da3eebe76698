/**
 * Several calls in one request through `tool_mobile_call_external_functions` (each call's arguments travel as a
 * JSON string). Moodle runs them in order and stops at the first error, so the result says, per call, whether it
 * ran and how it ended. Where the token's service lacks that function, the calls run one by one with the same
 * stop-at-first-error rule.
 */
import { assertKnownOptions, InputError } from '../../core/errors.js';
import {
  isMoodleExceptionBody,
  MoodleError,
  MoodleInputError,
  MoodlePermissionError,
  moodleErrorFromBody,
} from '../errors.js';

/** One call of a batch. */
export interface BatchCall {
  fn: string;
  params?: Record<string, unknown> | undefined;
}

/** Options of {@link MoodleClient.batch}. */
export interface BatchOptions {
  /** `auto` (default): one request, falling back to one by one; `native`: one request only; `sequential`. */
  mode?: 'auto' | 'native' | 'sequential' | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** `moodlewssetting*` of the inner calls. */
  filter?: boolean | undefined;
  fileurl?: boolean | undefined;
  lang?: string | undefined;
  raw?: boolean | undefined;
}

/** How one call of a batch ended. */
export type BatchOutcome =
  | { fn: string; status: 'ok'; result: unknown }
  | { fn: string; status: 'error'; error: MoodleError }
  | { fn: string; status: 'not_run' };

/** The outcome of a batch: one entry per call, in order. */
export interface BatchResult {
  results: BatchOutcome[];
  /** How many calls ran (the failed one included). */
  ran: number;
  /** True when every call succeeded. */
  ok: boolean;
  /** True when the calls went through `tool_mobile_call_external_functions`. */
  native: boolean;
  /** False once the site was found to lack the batch function. */
  batchSupported: boolean | undefined;
}

/** What the batch needs from the client. Internal. */
export interface BatchDeps {
  call(fn: string, params: Record<string, unknown>, options: Record<string, unknown>): Promise<unknown>;
  /** Validates one call and returns its parameters as sent. */
  check(fn: string, params: Record<string, unknown> | undefined): Record<string, unknown>;
  batchSupported: boolean | undefined;
}

const BATCH_FN = 'tool_mobile_call_external_functions';

/** Runs a batch. Every call is validated before anything is sent. */
export async function runBatch(
  deps: BatchDeps,
  calls: readonly BatchCall[],
  options: BatchOptions,
): Promise<BatchResult> {
  assertKnownOptions('batch', options, ['mode', 'signal', 'timeoutMs', 'filter', 'fileurl', 'lang', 'raw']);
  const checked = calls.map((call, index) => {
    if (!call || typeof call.fn !== 'string') {
      throw new InputError('moodle.invalid_batch', `Batch entry ${index} has no fn.`, {
        details: { path: `calls[${index}].fn` },
      });
    }
    if (call.fn === BATCH_FN) {
      throw new InputError('moodle.invalid_batch', `${BATCH_FN} cannot be nested in a batch.`, {
        details: { path: `calls[${index}].fn` },
      });
    }
    return { fn: call.fn, params: deps.check(call.fn, call.params) };
  });
  const mode = options.mode ?? 'auto';
  if (mode !== 'sequential' && deps.batchSupported !== false && checked.length > 0) {
    try {
      return await runNative(deps, checked, options);
    } catch (error) {
      const missing =
        (error instanceof MoodlePermissionError && error.errorcode === 'accessexception') ||
        (error instanceof MoodleInputError && error.code === 'moodle.unknown_function');
      if (mode === 'native' || !missing) throw error;
      return { ...(await runSequential(deps, checked, options)), batchSupported: false };
    }
  }
  return runSequential(deps, checked, options);
}

async function runNative(
  deps: BatchDeps,
  calls: Array<{ fn: string; params: Record<string, unknown> }>,
  options: BatchOptions,
): Promise<BatchResult> {
  const requests = calls.map((call) => ({
    function: call.fn,
    arguments: JSON.stringify(call.params),
    ...(options.raw !== undefined ? { settingraw: options.raw } : {}),
    ...(options.filter !== undefined ? { settingfilter: options.filter } : {}),
    ...(options.fileurl !== undefined ? { settingfileurl: options.fileurl } : {}),
    ...(options.lang !== undefined ? { settinglang: options.lang } : {}),
  }));
  const answer = (await deps.call(
    BATCH_FN,
    { requests },
    { signal: options.signal, timeoutMs: options.timeoutMs },
  )) as {
    responses?: Array<{ error: boolean; data?: string | null; exception?: string | null }>;
  };
  const responses = answer?.responses ?? [];
  const results: BatchOutcome[] = calls.map((call, index) => {
    const response = responses[index];
    if (!response) return { fn: call.fn, status: 'not_run' };
    if (response.error)
      return { fn: call.fn, status: 'error', error: innerError(call.fn, response.exception) };
    return { fn: call.fn, status: 'ok', result: parseData(response.data) };
  });
  return summarise(results, true, true);
}

function parseData(data: string | null | undefined): unknown {
  if (data === undefined || data === null || data === '') return null;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function innerError(fn: string, exception: string | null | undefined): MoodleError {
  const parsed = parseData(exception);
  if (isMoodleExceptionBody(parsed)) return moodleErrorFromBody(parsed, { fn });
  return new MoodleError('moodle.exception', `${fn} failed inside the batch.`, { fn });
}

async function runSequential(
  deps: BatchDeps,
  calls: Array<{ fn: string; params: Record<string, unknown> }>,
  options: BatchOptions,
): Promise<BatchResult> {
  const results: BatchOutcome[] = [];
  let failed = false;
  const settings = {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    filter: options.filter,
    fileurl: options.fileurl,
    lang: options.lang,
    raw: options.raw,
  };
  for (const call of calls) {
    if (failed) {
      results.push({ fn: call.fn, status: 'not_run' });
      continue;
    }
    try {
      results.push({
        fn: call.fn,
        status: 'ok',
        result: await deps.call(call.fn, call.params, { ...settings, validate: false }),
      });
    } catch (error) {
      if (!(error instanceof MoodleError)) throw error;
      failed = true;
      results.push({ fn: call.fn, status: 'error', error });
    }
  }
  return summarise(results, false, deps.batchSupported);
}

function summarise(
  results: BatchOutcome[],
  native: boolean,
  batchSupported: boolean | undefined,
): BatchResult {
  return {
    results,
    ran: results.filter((r) => r.status !== 'not_run').length,
    ok: results.every((r) => r.status === 'ok'),
    native,
    batchSupported,
  };
}
