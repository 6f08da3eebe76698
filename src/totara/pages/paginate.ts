/**
 * Auto-pagination over Totara's paged results (`items`, `total`, `next_cursor`, empty on the last page; input
 * `pagination: { limit, cursor }`), on the SDK's one {@link Paginator}. Pages are paced by cost: the first is sized
 * from the schema (Totara charges per field it resolves), every later one from what the pages so far really cost,
 * item by item, so that nested lists of varying length are accounted for. A page that still runs out of budget is
 * asked for again, smaller, from the same cursor (queries are safe to repeat).
 */
import {
  type FieldNode,
  type GraphQLSchema,
  getNamedType,
  Kind,
  type OperationDefinitionNode,
  print,
  type SelectionSetNode,
  type ValueNode,
  visit,
} from 'graphql';
import { assertKnownOptions, InputError } from '../../core/errors.js';
import { Paginator } from '../../core/pages.js';
import type { ProgressListener } from '../../core/progress.js';
import { fieldAtPath, itemsCompleted } from '../answer.js';
import { estimateCost, isPagedField, largestPageWithin, measuredItemCosts } from '../complexity.js';
import { TotaraComplexityError, TotaraError } from '../errors.js';
import { type PreparedOperation, prepareOperation, type TotaraDocument } from '../operation.js';
import { PageSizer } from './page-size.js';

/** Options of {@link TotaraClient.paginate}. */
export interface TotaraPaginateOptions {
  /** Items per request, fixed. Default: sized from what pages cost, to fill the site's complexity limit. */
  pageSize?: number | undefined;
  /** Ceiling of the chosen page size. Default: none (Totara has no page size limit of its own). */
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
  /** Complexity points the page cost, counted from what came back. */
  cost: number;
}

/** The outcome of one operation, with the points it cost. */
export type RunResult = (
  | { ok: true; data: unknown; operationName: string }
  | { ok: false; error: TotaraError; operationName: string }
) & { cost: number };

/** What pagination needs of the client. */
export interface PagingContext {
  readonly maxComplexity: number;
  /** Points the client may spend per rate window: a page never costs more. */
  readonly ratePoints: number;
  schemaNow(): GraphQLSchema | undefined;
  schema(): Promise<GraphQLSchema | undefined>;
  run(
    op: PreparedOperation,
    variables: Record<string, unknown>,
    options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
  ): Promise<RunResult>;
}

/**
 * An async iterable over every item of a paged query, with `pages()` and `toArray({ limit })`.
 *
 * @example
 * ```ts
 * const paginator = totara.paginate(USERS_QUERY);
 * for await (const page of paginator.pages()) console.log(page.items.length, page.cost, paginator.pageSize);
 * ```
 */
export class TotaraPaginator<Item> extends Paginator<Item, TotaraPage<Item>, string> {
  readonly #sizer: PageSizer;

  /**
   * Made by `TotaraClient.paginate`.
   * @internal
   */
  constructor(
    fetch: (cursor: string, index: number) => Promise<{ page: TotaraPage<Item>; next: string | undefined }>,
    sizer: PageSizer,
  ) {
    super('', fetch);
    this.#sizer = sizer;
  }

  /** Items the next request asks for. */
  get pageSize(): number {
    return this.#sizer.size;
  }
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
  client: PagingContext,
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
  const prepared = prepareOperation(document, options.operationName);
  if (prepared.isMutation) {
    throw new InputError(
      'totara.paginate_mutation',
      `"${prepared.operationName}" is a mutation; only queries are paged.`,
      { details: { operationName: prepared.operationName } },
    );
  }
  const found = findPagedField(prepared.definition.selectionSet);
  if (!found) {
    throw new InputError(
      'totara.paginate_no_items',
      `"${prepared.operationName}" selects no paged result (a field with items).`,
      {
        hint: 'Select items { ... } of a paged query such as core_user_users or totara_job_job_assignments.',
        details: { operationName: prepared.operationName },
      },
    );
  }
  const target = findTarget(found.field);
  if (!target) {
    throw new InputError(
      'totara.paginate_no_variable',
      `"${prepared.operationName}" gives ${found.field.name.value} no variable to carry pagination.`,
      {
        hint: `Pass the query input as a variable: query ${prepared.operationName}($query: core_user_users_query) { ${found.field.name.value}(query: $query) { ... } }.`,
        details: { operationName: prepared.operationName },
      },
    );
  }
  if (options.pageSize !== undefined && (!Number.isInteger(options.pageSize) || options.pageSize < 1)) {
    throw new InputError(
      'totara.paginate_page_size',
      `pageSize must be a positive integer, not ${options.pageSize}.`,
      { details: { path: 'pageSize', value: options.pageSize } },
    );
  }
  const operation = withPagingFields(prepared.definition, found.field);
  const others = prepared.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const op = prepareOperation(
    [operation, ...others].map((d) => print(d)).join('\n\n'),
    prepared.operationName,
  );
  const paged = findPagedField(op.definition.selectionSet)?.field as FieldNode;
  const items = paged.selectionSet?.selections.find(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'items',
  ) as FieldNode;

  const schema = client.schemaNow();
  const budget = Math.min(client.maxComplexity, client.ratePoints);
  const base = estimateCost(op.definition, op.document, { schema, variables, pageLength: () => 0 });
  const sizer = new PageSizer(
    options.pageSize ?? largestPageWithin(op.definition, op.document, paged, budget, { schema, variables }),
    budget,
    base,
    options.pageSize !== undefined,
    options.maxPageSize ?? Number.POSITIVE_INFINITY,
  );

  const variablesFor = (cursor: string): Record<string, unknown> => {
    const pagination = { limit: sizer.size, ...(cursor ? { cursor } : {}) };
    const current = variables[target.variable];
    if (!target.nested) return { ...variables, [target.variable]: { ...(current as object), ...pagination } };
    const outer = (current && typeof current === 'object' ? current : {}) as Record<string, unknown>;
    const inner = (
      outer.pagination && typeof outer.pagination === 'object' ? outer.pagination : {}
    ) as object;
    return { ...variables, [target.variable]: { ...outer, pagination: { ...inner, ...pagination } } };
  };

  const seen = new Set<string>();
  let fetched = 0;
  let itemType: string | undefined;
  const fetchPage = async (cursor: string, index: number) => {
    if (index === 0) {
      seen.clear();
      fetched = 0;
    }
    for (;;) {
      const result = await client.run(op, variablesFor(cursor), {
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      if (!result.ok) {
        const error = result.error;
        if (error instanceof TotaraComplexityError && error.code === 'totara.complexity' && !sizer.fixed) {
          const path = error.errors.find((e) => e.category === 'query_complexity')?.path;
          if (sizer.shrink(itemsCompleted(path))) continue;
        }
        throw error;
      }
      let node: unknown = result.data;
      for (const key of found.path) node = (node as Record<string, unknown> | null)?.[key];
      const pageResult = (node ?? {}) as {
        items?: Item[] | null;
        total?: number;
        next_cursor?: string | null;
      };
      const pageItems = (pageResult.items ?? []).filter((item) => item !== null) as Item[];
      const schema = await client.schema();
      itemType ??=
        getNamedType(fieldAtPath(op, [...found.path, 'items'], schema)?.field.type)?.name ?? 'items';
      sizer.observe(measuredItemCosts(items, itemType, pageItems, op.document, schema));
      const nextCursor = pageResult.next_cursor ?? '';
      fetched += pageItems.length;
      options.onProgress?.({
        phase: op.operationName,
        done: fetched,
        total: pageResult.total,
        unit: 'items',
      });
      if (nextCursor !== '' && seen.has(nextCursor)) {
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
      const page: TotaraPage<Item> = {
        items: pageItems,
        total: pageResult.total,
        nextCursor,
        page: index + 1,
        cost: result.cost,
      };
      return { page, next: nextCursor === '' ? undefined : nextCursor };
    }
  };
  return new TotaraPaginator<Item>(fetchPage, sizer);
}
