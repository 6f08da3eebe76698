/**
 * One paginator for every paged API: Moodle's offset pages, Totara's cursors and LTI's `Link: rel="next"` all
 * describe only how to fetch one page and where the next one starts; iteration, early stop and `toArray` live here.
 */
import { assertKnownOptions } from './errors.js';

/** Options of {@link Paginator.toArray}. */
export interface ToArrayOptions {
  /** Stop after this many items; no further page is fetched once it is reached. */
  limit?: number | undefined;
}

/** What a page fetcher returns: the page as the caller wants to see it, and where the next one starts. */
export interface FetchedPage<Page, Cursor> {
  page: Page;
  /** `undefined` when this was the last page. */
  next: Cursor | undefined;
}

/** Fetches the page that starts at `cursor`; `index` counts pages from 0. */
export type PageFetcher<Page, Cursor> = (cursor: Cursor, index: number) => Promise<FetchedPage<Page, Cursor>>;

/**
 * An async iterable over the items of successive pages. Pages are fetched as items are consumed, so breaking out
 * of a `for await` loop stops the requests.
 *
 * @example
 * ```ts
 * const numbers = new Paginator(0, async (offset: number) => ({
 *   page: { items: [offset, offset + 1] },
 *   next: offset < 4 ? offset + 2 : undefined,
 * }));
 * await numbers.toArray({ limit: 3 }); // [0, 1, 2]
 * ```
 */
export class Paginator<
  Item,
  Page extends { readonly items: readonly Item[] } = { items: Item[] },
  Cursor = unknown,
> implements AsyncIterable<Item>
{
  readonly #first: Cursor;
  readonly #fetch: PageFetcher<Page, Cursor>;

  constructor(first: Cursor, fetch: PageFetcher<Page, Cursor>) {
    this.#first = first;
    this.#fetch = fetch;
  }

  /** Iterates page by page instead of item by item. */
  async *pages(): AsyncGenerator<Page> {
    let cursor: Cursor | undefined = this.#first;
    for (let index = 0; cursor !== undefined; index++) {
      const { page, next } = await this.#fetch(cursor, index);
      yield page;
      if (page.items.length === 0) return;
      cursor = next;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Collects the items, at most `limit` of them. */
  async toArray(options: ToArrayOptions = {}): Promise<Item[]> {
    assertKnownOptions('toArray', options, ['limit']);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: Item[] = [];
    if (limit <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }
}
