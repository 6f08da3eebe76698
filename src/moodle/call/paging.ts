/**
 * Pagination for the functions that page: `core_course_search_courses` (page/perpage),
 * `core_cohort_search_cohorts` (limitfrom/limitnum) and `core_enrol_get_enrolled_users` (options
 * limitfrom/limitnumber). Each says only how to fetch the page at an offset; iteration, early stop and `toArray`
 * are core's {@link Paginator}.
 */
import { assertKnownOptions, InputError } from '../../core/errors.js';
import { Paginator } from '../../core/pages.js';
import type { ProgressListener } from '../../core/progress.js';
import type { MoodleCallOptions, ParamsOf, ResultOf } from '../types.js';

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

/** One fetched page: its items, and the total when the site tells it (`core_course_search_courses`). */
export interface MoodlePage<T> {
  items: T[];
  total?: number | undefined;
}

/** What paging needs of the client: a call of any function. */
export type LooseCall = (
  fn: string,
  params: Record<string, unknown>,
  options: MoodleCallOptions,
) => Promise<unknown>;

type Options = Array<{ name: string; value: unknown }>;

/** How one paged function asks for the page at `offset` and reads it. */
type PageReader = (
  call: (params: Record<string, unknown>) => Promise<unknown>,
  base: Record<string, unknown>,
  offset: number,
  size: number,
) => Promise<MoodlePage<unknown>>;

const READERS: Record<PagedFunction, PageReader> = {
  async core_course_search_courses(call, base, offset, size) {
    const result = (await call({ ...base, page: Math.floor(offset / size), perpage: size })) as {
      total?: number;
      courses?: unknown[];
    };
    return { items: result.courses ?? [], total: result.total };
  },
  async core_cohort_search_cohorts(call, base, offset, size) {
    const result = (await call({ ...base, limitfrom: offset, limitnum: size })) as { cohorts?: unknown[] };
    return { items: result.cohorts ?? [] };
  },
  async core_enrol_get_enrolled_users(call, base, offset, size) {
    const own = ((base.options as Options | undefined) ?? []).filter(
      (option) => option.name !== 'limitfrom' && option.name !== 'limitnumber',
    );
    const options = [...own, { name: 'limitfrom', value: offset }, { name: 'limitnumber', value: size }];
    return { items: ((await call({ ...base, options })) as unknown[]) ?? [] };
  },
};

/** Builds the paginator of a paged function: the cursor is the offset of the next item. */
export function paginate<F extends PagedFunction>(
  call: LooseCall,
  fn: F,
  params: PageParams<F>,
  options: PageOptions = {},
): Paginator<PageItem<F>, MoodlePage<PageItem<F>>, number> {
  assertKnownOptions('paginate', options, ['pageSize', 'signal', 'timeoutMs', 'onProgress']);
  const read = PAGED_FUNCTIONS.includes(fn) ? READERS[fn] : undefined;
  if (!read) {
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
  const base: Record<string, unknown> = { ...params };
  const callPage = (pageParams: Record<string, unknown>) => call(fn, pageParams, callOptions);
  return new Paginator(0, async (offset: number) => {
    const page = (await read(callPage, base, offset, size)) as MoodlePage<PageItem<F>>;
    const seen = offset + page.items.length;
    options.onProgress?.({ phase: fn, done: seen, total: page.total, unit: 'items' });
    const last = page.items.length < size || (page.total !== undefined && seen >= page.total);
    return { page, next: last ? undefined : seen };
  });
}
