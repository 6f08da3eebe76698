/**
 * Pagination as async iterables for the functions that page: `core_course_search_courses` (page/perpage),
 * `core_cohort_search_cohorts` (limitfrom/limitnum) and `core_enrol_get_enrolled_users` (options
 * limitfrom/limitnumber). Pages are fetched as items are consumed; `toArray({ limit })` stops early.
 */
import { assertKnownOptions, InputError } from '../../core/errors.js';
import type { ProgressListener } from '../../core/progress.js';
import type { CallArgs, MoodleCaller, ParamsOf, ResultOf } from '../types.js';

/** The functions {@link MoodleClient.paginate} knows how to page through. */
export type PagedFunction =
  | 'core_course_search_courses'
  | 'core_cohort_search_cohorts'
  | 'core_enrol_get_enrolled_users';

/** The names of {@link PagedFunction}, for runtime checks. */
export const PAGED_FUNCTIONS: readonly PagedFunction[] = [
  'core_course_search_courses',
  'core_cohort_search_cohorts',
  'core_enrol_get_enrolled_users',
];

/** One item of a paged function's result. */
export type PageItem<F extends PagedFunction> =
  ResultOf<F> extends { courses: ReadonlyArray<infer T> }
    ? T
    : ResultOf<F> extends { cohorts: ReadonlyArray<infer T> }
      ? T
      : ResultOf<F> extends ReadonlyArray<infer T>
        ? T
        : unknown;

/** A paged function's parameters without the paging ones, which the iterator sets. */
export type PageParams<F extends PagedFunction> = Omit<
  ParamsOf<F>,
  'page' | 'perpage' | 'limitfrom' | 'limitnum'
>;

/** Options of {@link MoodleClient.paginate}. */
export interface PageOptions {
  /** Items per request (default 100). */
  pageSize?: number | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Called after each page with the number of items so far (and the total when the site tells it). */
  onProgress?: ProgressListener | undefined;
}

/** Options of {@link Paginator.toArray}. */
export interface ToArrayOptions {
  /** Stop after this many items (no further page is fetched). */
  limit?: number | undefined;
}

/** One fetched page: its items, whether it was the last, and the total when known. */
export interface Page<T> {
  items: T[];
  last: boolean;
  total?: number | undefined;
}

/**
 * An async iterable over the items of successive pages.
 *
 * @example
 * ```ts
 * const users = await moodle.paginate('core_enrol_get_enrolled_users', { courseid: 2 }).toArray({ limit: 500 });
 * ```
 */
export class Paginator<T> implements AsyncIterable<T> {
  readonly #fetchPage: (index: number, offset: number) => Promise<Page<T>>;
  constructor(fetchPage: (index: number, offset: number) => Promise<Page<T>>) {
    this.#fetchPage = fetchPage;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let offset = 0;
    for (let index = 0; ; index++) {
      const page = await this.#fetchPage(index, offset);
      for (const item of page.items) yield item;
      offset += page.items.length;
      if (page.last || page.items.length === 0) return;
    }
  }

  /** Collects the items, at most `limit` of them. */
  async toArray(options: ToArrayOptions = {}): Promise<T[]> {
    assertKnownOptions('toArray', options, ['limit']);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: T[] = [];
    if (limit <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }
}

type Options = Array<{ name: string; value: unknown }>;

/** Builds the paginator of a paged function. */
export function paginate<F extends PagedFunction>(
  caller: MoodleCaller,
  fn: F,
  params: PageParams<F>,
  options: PageOptions = {},
): Paginator<PageItem<F>> {
  assertKnownOptions('paginate', options, ['pageSize', 'signal', 'timeoutMs', 'onProgress']);
  if (!PAGED_FUNCTIONS.includes(fn)) {
    throw new InputError('moodle.not_paged', `${fn} does not page.`, {
      hint: `Paged functions: ${PAGED_FUNCTIONS.join(', ')}.`,
      details: { function: fn },
    });
  }
  const size = options.pageSize ?? 100;
  if (!Number.isInteger(size) || size < 1) {
    throw new InputError('moodle.invalid_page_size', `pageSize must be a positive integer, not ${size}.`, {
      details: { path: 'pageSize' },
    });
  }
  const callOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
  const base = { ...(params as Record<string, unknown>) };
  const run = async (pageParams: Record<string, unknown>): Promise<unknown> =>
    caller.call(fn, ...([pageParams, callOptions] as unknown as CallArgs<F>));
  let seen = 0;
  const progress = (count: number, total?: number) => {
    seen += count;
    options.onProgress?.({ phase: fn, done: seen, total, unit: 'items' });
  };
  return new Paginator<PageItem<F>>(async (index, offset) => {
    if (fn === 'core_course_search_courses') {
      const result = (await run({ ...base, page: index, perpage: size })) as {
        total?: number;
        courses?: unknown[];
      };
      const items = result.courses ?? [];
      progress(items.length, result.total);
      const last =
        items.length < size || (result.total !== undefined && offset + items.length >= result.total);
      return { items: items as PageItem<F>[], last, total: result.total };
    }
    if (fn === 'core_cohort_search_cohorts') {
      const result = (await run({ ...base, limitfrom: offset, limitnum: size })) as { cohorts?: unknown[] };
      const items = result.cohorts ?? [];
      progress(items.length);
      return { items: items as PageItem<F>[], last: items.length < size };
    }
    const own = ((base.options as Options | undefined) ?? []).filter(
      (option) => option.name !== 'limitfrom' && option.name !== 'limitnumber',
    );
    const result = (await run({
      ...base,
      options: [...own, { name: 'limitfrom', value: offset }, { name: 'limitnumber', value: size }],
    })) as unknown[];
    progress(result.length);
    return { items: result as PageItem<F>[], last: result.length < size };
  });
}
