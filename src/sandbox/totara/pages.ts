/**
 * Paged results as Totara 17.3 shapes them: `items`, `total` (all rows, not the remaining ones) and `next_cursor`,
 * the empty string on the last page. Paging is by cursor only (`pagination.page` is ignored): the cursor is base64 of
 * `{"limit":N,"columns":{"id":<last id>}}` (the sort column beside `id` when sorting on another one), and the next
 * page starts after that row, as a keyset.
 */
import { DEFAULT_PAGE_LIMIT } from '../../totara/complexity.js';
import { SandboxResolverError } from './resolver-error.js';

/** One page of rows. */
export interface PagedRows<T> {
  items: T[];
  total: number;
  next_cursor: string;
}

const CODING_ERROR = 'Coding error detected, it must be fixed by a programmer: ';

type Key = Record<string, string | number>;

function decodeCursor(cursor: string): Key {
  try {
    const text = Buffer.from(cursor, 'base64').toString('utf8');
    const parsed = JSON.parse(text) as { columns?: unknown };
    if (parsed && typeof parsed === 'object' && parsed.columns && typeof parsed.columns === 'object')
      return parsed.columns as Key;
  } catch {
    // reported below, as Totara does
  }
  throw new SandboxResolverError(
    `${CODING_ERROR}Invalid cursor given, expected array encoded as json and base64.`,
  );
}

/** The cursor Totara gives for the page after the row `last`. */
export function encodeCursor(limit: number, columns: Key): string {
  return Buffer.from(JSON.stringify({ limit, columns })).toString('base64');
}

/**
 * Sorts and pages rows by `query.sort` (one column at most, as Totara allows) and `query.pagination`
 * (`limit` defaults to 20; `cursor` is where the previous page ended; `page` is ignored).
 */
export function paginateRows<T extends { id: number }>(
  rows: T[],
  query: Record<string, unknown>,
  sortable: string[],
): PagedRows<T> {
  const pagination = (query.pagination ?? {}) as { limit?: unknown; cursor?: unknown };
  const sort = (query.sort ?? []) as Array<{ column?: string; direction?: string }>;
  if (sort.length > 1)
    throw new SandboxResolverError('Sorting by more than one column is not currently supported.');
  const column = sort[0]?.column || 'id';
  if (!sortable.includes(column))
    throw new SandboxResolverError(`${CODING_ERROR}sort field must be one of these: ${sortable.join(', ')}`);
  const descending = sort[0]?.direction === 'DESC';
  const limit =
    pagination.limit === undefined || pagination.limit === null
      ? DEFAULT_PAGE_LIMIT
      : Number(pagination.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new SandboxResolverError(`${CODING_ERROR}Pagination limit must be a positive integer.`);
  const value = (row: T, name: string) => (row as unknown as Record<string, string | number>)[name] ?? '';
  const compare = (a: Key, b: Key): number => {
    for (const name of column === 'id' ? ['id'] : [column, 'id']) {
      const x = a[name] ?? '';
      const y = b[name] ?? '';
      if (x === y) continue;
      const order = x < y ? -1 : 1;
      return descending ? -order : order;
    }
    return 0;
  };
  const keyOf = (row: T): Key =>
    column === 'id' ? { id: row.id } : { [column]: value(row, column), id: row.id };
  const sorted =
    column === 'id' && !descending ? rows : [...rows].sort((a, b) => compare(keyOf(a), keyOf(b)));
  let start = 0;
  if (typeof pagination.cursor === 'string' && pagination.cursor !== '') {
    const after = decodeCursor(pagination.cursor);
    start = sorted.findIndex((row) => compare(keyOf(row), after) > 0);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items[items.length - 1];
  const more = start + limit < sorted.length;
  return { items, total: sorted.length, next_cursor: more && last ? encodeCursor(limit, keyOf(last)) : '' };
}
