/**
 * Auto-pagination over Totara's paged results (`items`, `total`, `next_cursor`, empty on the last page; input
 * `pagination: { limit, cursor, page }`), as an async iterable with `toArray({ limit })`.
 */
import {
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  print,
  type SelectionSetNode,
  type ValueNode,
  visit,
} from 'graphql';
import { assertKnownOptions, InputError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import { isPagedField, largestPageWithin } from './complexity.js';
import { TotaraError } from './errors.js';
import { prepareOperation, type TotaraDocument } from './operation.js';

/** Options of {@link TotaraClient.paginate}. */
export interface TotaraPaginateOptions {
  /** Items per request. Default: the largest page that stays under 90% of the client's `maxComplexity`. */
  pageSize?: number | undefined;
  /** Ceiling of the chosen page size. Default 1,000. */
  maxPageSize?: number | undefined;
  /** The operation to run when the document holds several. */
  operationName?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Deadline of each page request. */
  timeoutMs?: number | undefined;
  /** Called after each page with items fetched so far and the total the server reported. */
  onProgress?: ProgressListener | undefined;
}

/** One page as the server returned it. */
export interface TotaraPage<Item> {
  items: Item[];
  total: number | undefined;
  nextCursor: string;
  /** 1-based page number. */
  page: number;
}

/** An async iterable over every item of a paged query. */
export interface TotaraPaginator<Item> extends AsyncIterable<Item> {
  /** Items per request. */
  readonly pageSize: number;
  /** Iterates page by page instead of item by item. */
  pages(): AsyncIterable<TotaraPage<Item>>;
  /** Collects items, stopping after `limit` (no further page is fetched once it is reached). */
  toArray(options?: { limit?: number | undefined }): Promise<Item[]>;
}

/** The part of the client pagination needs. */
export interface PagingClient {
  readonly maxComplexity: number;
  request<R>(
    document: string,
    variables: Record<string, unknown>,
    options: { operationName: string; signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
  ): Promise<R>;
}

type PaginationTarget = { variable: string; nested: boolean };

function findPagedField(
  set: SelectionSetNode,
  path: string[] = [],
): { field: FieldNode; path: string[] } | undefined {
  for (const selection of set.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const key = selection.alias?.value ?? selection.name.value;
    if (isPagedField(selection)) return { field: selection, path: [...path, key] };
    const deeper = findPagedField(selection.selectionSet, [...path, key]);
    if (deeper) return deeper;
  }
  return undefined;
}

function findTarget(field: FieldNode): PaginationTarget | undefined {
  const inValue = (value: ValueNode): PaginationTarget | undefined => {
    if (value.kind !== Kind.OBJECT) return undefined;
    for (const f of value.fields) {
      if (f.name.value === 'pagination' && f.value.kind === Kind.VARIABLE)
        return { variable: f.value.name.value, nested: false };
      const deeper = inValue(f.value);
      if (deeper) return deeper;
    }
    return undefined;
  };
  for (const arg of field.arguments ?? []) {
    if (arg.name.value === 'pagination' && arg.value.kind === Kind.VARIABLE)
      return { variable: arg.value.name.value, nested: false };
    const found = inValue(arg.value);
    if (found) return found;
  }
  for (const arg of field.arguments ?? []) {
    if (arg.value.kind === Kind.VARIABLE) return { variable: arg.value.name.value, nested: true };
  }
  return undefined;
}

/** Adds `next_cursor` and `total` to the paged field's selection when the document left them out. */
function withPagingFields(operation: OperationDefinitionNode, paged: FieldNode): OperationDefinitionNode {
  const names = new Set(
    paged.selectionSet?.selections.flatMap((s) => (s.kind === Kind.FIELD && !s.alias ? [s.name.value] : [])),
  );
  const missing = ['next_cursor', 'total'].filter((name) => !names.has(name));
  if (missing.length === 0) return operation;
  return visit(operation, {
    Field(node) {
      if (node !== paged || !node.selectionSet) return undefined;
      return {
        ...node,
        selectionSet: {
          ...node.selectionSet,
          selections: [
            ...node.selectionSet.selections,
            ...missing.map(
              (name) => ({ kind: Kind.FIELD, name: { kind: Kind.NAME, value: name } }) as FieldNode,
            ),
          ],
        },
      };
    },
  });
}

/** Builds the paginator behind {@link TotaraClient.paginate}. */
export function paginate<Item>(
  client: PagingClient,
  document: TotaraDocument<unknown, unknown>,
  variables: Record<string, unknown> = {},
  options: TotaraPaginateOptions = {},
): TotaraPaginator<Item> {
  assertKnownOptions('TotaraClient.paginate', options, [
    'pageSize',
    'maxPageSize',
    'operationName',
    'signal',
    'timeoutMs',
    'onProgress',
  ]);
  const op = prepareOperation(document, options.operationName);
  if (op.isMutation) {
    throw new InputError(
      'totara.paginate_mutation',
      `"${op.operationName}" is a mutation; only queries are paged.`,
      {
        details: { operationName: op.operationName },
      },
    );
  }
  const found = findPagedField(op.definition.selectionSet);
  if (!found) {
    throw new InputError(
      'totara.paginate_no_items',
      `"${op.operationName}" selects no paged result (a field with items).`,
      {
        hint: 'Select items { ... } of a paged query such as core_user_users or totara_job_job_assignments.',
        details: { operationName: op.operationName },
      },
    );
  }
  const target = findTarget(found.field);
  if (!target) {
    throw new InputError(
      'totara.paginate_no_variable',
      `"${op.operationName}" gives ${found.field.name.value} no variable to carry pagination.`,
      {
        hint: `Pass the query input as a variable: query ${op.operationName}($query: core_user_users_query) { ${found.field.name.value}(query: $query) { ... } }.`,
        details: { operationName: op.operationName },
      },
    );
  }
  const operation = withPagingFields(op.definition, found.field);
  const others = op.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const text = [operation, ...others].map((d) => print(d)).join('\n\n');
  const chosen =
    options.pageSize ??
    Math.min(
      options.maxPageSize ?? 1_000,
      largestPageWithin(op.definition, op.document, found.field, Math.floor(client.maxComplexity * 0.9)),
    );
  if (!Number.isInteger(chosen) || chosen < 1) {
    throw new InputError('totara.paginate_page_size', `pageSize must be a positive integer, not ${chosen}.`, {
      details: { path: 'pageSize', value: chosen },
    });
  }

  const variablesFor = (cursor: string | undefined): Record<string, unknown> => {
    const pagination = { limit: chosen, ...(cursor ? { cursor } : {}) };
    const current = variables[target.variable];
    if (!target.nested) return { ...variables, [target.variable]: { ...(current as object), ...pagination } };
    const outer = (current && typeof current === 'object' ? current : {}) as Record<string, unknown>;
    const inner = (
      outer.pagination && typeof outer.pagination === 'object' ? outer.pagination : {}
    ) as object;
    return { ...variables, [target.variable]: { ...outer, pagination: { ...inner, ...pagination } } };
  };

  async function* pages(): AsyncGenerator<TotaraPage<Item>> {
    let cursor: string | undefined;
    const seen = new Set<string>();
    let fetched = 0;
    for (let page = 1; ; page++) {
      const data = await client.request<Record<string, unknown>>(text, variablesFor(cursor), {
        operationName: op.operationName,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      let node: unknown = data;
      for (const key of found?.path ?? []) node = (node as Record<string, unknown> | null)?.[key];
      const result = (node ?? {}) as { items?: Item[] | null; total?: number; next_cursor?: string | null };
      const items = (result.items ?? []).filter((item) => item !== null) as Item[];
      const nextCursor = result.next_cursor ?? '';
      fetched += items.length;
      options.onProgress?.({ phase: op.operationName, done: fetched, total: result.total, unit: 'items' });
      yield { items, total: result.total, nextCursor, page };
      if (nextCursor === '' || items.length === 0) return;
      if (seen.has(nextCursor)) {
        throw new TotaraError(
          'totara.pagination_loop',
          `"${op.operationName}" returned a cursor it had already returned.`,
          {
            operationName: op.operationName,
            hint: 'The server repeats pages; check the sort order of the query (sort on a unique column such as id).',
          },
        );
      }
      seen.add(nextCursor);
      cursor = nextCursor;
    }
  }

  async function* items(): AsyncGenerator<Item> {
    for await (const page of pages()) yield* page.items;
  }

  return {
    pageSize: chosen,
    pages,
    [Symbol.asyncIterator]: items,
    async toArray(toArrayOptions: { limit?: number | undefined } = {}) {
      assertKnownOptions('TotaraPaginator.toArray', toArrayOptions, ['limit']);
      const limit = toArrayOptions.limit ?? Number.POSITIVE_INFINITY;
      const out: Item[] = [];
      if (limit <= 0) return out;
      for await (const item of items()) {
        out.push(item);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
