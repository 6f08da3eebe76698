/** Paged results as Totara shapes them: `items`, `total`, `next_cursor` (empty on the last page). */
import { DEFAULT_PAGE_LIMIT } from '../../totara/complexity.js';
import { SandboxResolverError } from './resolver-error.js';

/** One page of rows. */
export interface PagedRows<T> {
  items: T[];
  total: number;
  next_cursor: string;
}

function decodeCursor(cursor: string): { page: number; limit: number } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as {
      page?: unknown;
      limit?: unknown;
    };
    const page = Number(parsed.page);
    const limit = Number(parsed.limit);
    if (Number.isInteger(page) && page >= 1 && Number.isInteger(limit) && limit >= 1) return { page, limit };
  } catch {
    // reported below
  }
  throw new SandboxResolverError('Invalid pagination cursor.');
}

function encodeCursor(page: number, limit: number): string {
  return Buffer.from(JSON.stringify({ page, limit })).toString('base64');
}

/**
 * Sorts and pages rows by `query.sort` and `query.pagination` (`cursor` wins over `page`; `limit` defaults to 20).
 */
export function paginateRows<T extends object>(
  rows: T[],
  query: Record<string, unknown>,
  sortable: string[],
): PagedRows<T> {
  const pagination = (query.pagination ?? {}) as { limit?: unknown; cursor?: unknown; page?: unknown };
  const sort = (query.sort ?? [{ column: 'id', direction: 'ASC' }]) as Array<{
    column: string;
    direction?: string;
  }>;
  for (const s of sort) {
    if (!sortable.includes(s.column))
      throw new SandboxResolverError(`Invalid sort column "${s.column}"; allowed: ${sortable.join(', ')}.`);
  }
  let limit =
    pagination.limit === undefined || pagination.limit === null
      ? DEFAULT_PAGE_LIMIT
      : Number(pagination.limit);
  let page = pagination.page === undefined || pagination.page === null ? 1 : Number(pagination.page);
  if (typeof pagination.cursor === 'string' && pagination.cursor !== '') {
    const decoded = decodeCursor(pagination.cursor);
    page = decoded.page;
    if (pagination.limit === undefined || pagination.limit === null) limit = decoded.limit;
  }
  if (!Number.isInteger(limit) || limit < 1)
    throw new SandboxResolverError('Pagination limit must be a positive integer.');
  if (!Number.isInteger(page) || page < 1)
    throw new SandboxResolverError('Pagination page must be a positive integer.');
  const sorted =
    sort.length === 1 && sort[0]?.column === 'id' && (sort[0].direction ?? 'ASC') === 'ASC'
      ? rows
      : [...rows].sort((a, b) => {
          for (const s of sort) {
            const x = (a as Record<string, unknown>)[s.column] as string | number;
            const y = (b as Record<string, unknown>)[s.column] as string | number;
            if (x === y) continue;
            const order = x < y ? -1 : 1;
            return s.direction === 'DESC' ? -order : order;
          }
          return 0;
        });
  const start = (page - 1) * limit;
  const items = sorted.slice(start, start + limit);
  const more = start + limit < sorted.length;
  return { items, total: sorted.length, next_cursor: more ? encodeCursor(page + 1, limit) : '' };
}
