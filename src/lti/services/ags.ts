/** Assignment and Grade Services: line items (CRUD), scores and results. */
import { type AgsClaim, SCOPE } from '../claims.js';
import { ltiError } from '../errors.js';
import type { LtiPages } from './paging.js';
import { appendPath, callService, type ServiceContext, servicePages } from './request.js';

/** A grade column. */
export interface LineItem {
  /** The line item's URL (absent before creation). */
  id?: string | undefined;
  label: string;
  scoreMaximum: number;
  resourceId?: string | undefined;
  resourceLinkId?: string | undefined;
  tag?: string | undefined;
  startDateTime?: string | undefined;
  endDateTime?: string | undefined;
  gradesReleased?: boolean | undefined;
  /** Other fields the platform sent (Moodle adds `ltiLinkId`). */
  [extra: string]: unknown;
}

/** A score the tool publishes for one user. */
export interface Score {
  userId: string;
  scoreGiven?: number | undefined;
  scoreMaximum?: number | undefined;
  comment?: string | undefined;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  /** ISO 8601 with milliseconds; default now. Must be later than the previous score for the user and line item. */
  timestamp?: string | undefined;
}

/** A result the platform holds for one user. */
export interface Result {
  id?: string | undefined;
  userId: string;
  resultScore?: number | undefined;
  resultMaximum?: number | undefined;
  comment?: string | undefined;
  scoreOf?: string | undefined;
  timestamp?: string | undefined;
  [extra: string]: unknown;
}

const LINEITEM = 'application/vnd.ims.lis.v2.lineitem+json';
const LINEITEMS = 'application/vnd.ims.lis.v2.lineitemcontainer+json';
const SCORE = 'application/vnd.ims.lis.v1.score+json';
const RESULTS = 'application/vnd.ims.lis.v2.resultcontainer+json';

function asArray<T>(json: unknown, url: string, moodle: boolean): T[] {
  if (!Array.isArray(json))
    throw ltiError('service', 'lti.service_response_invalid', `${url} did not answer a JSON array.`, {
      moodle,
      vars: { url, detail: 'expected an array' },
    });
  return json as T[];
}

/**
 * An AGS client for one launch's `endpoint` claim.
 *
 * @example
 * ```ts
 * const ags = tool.ags(launch);
 * await ags.postScore(launch.ags!.lineitem!, { userId: launch.userId!, scoreGiven: 7, scoreMaximum: 10,
 *   activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
 * ```
 */
export class AgsClient {
  readonly claim: AgsClaim;
  readonly #ctx: ServiceContext;
  readonly #now: () => number;
  readonly #lastTimestamp = new Map<string, number>();

  constructor(ctx: ServiceContext, claim: AgsClaim | undefined, now: () => number = Date.now) {
    if (!claim)
      throw ltiError('service', 'lti.service_unavailable', 'The launch has no AGS endpoint claim.', {
        moodle: ctx.moodle,
        vars: { claim: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint' },
      });
    this.claim = claim;
    this.#ctx = ctx;
    this.#now = now;
  }

  #lineItemsUrl(): string {
    if (!this.claim.lineitems)
      throw ltiError('service', 'lti.service_unavailable', 'The AGS claim has no lineitems URL.', {
        moodle: this.#ctx.moodle,
        vars: { claim: 'lineitems URL in the AGS' },
      });
    return this.claim.lineitems;
  }

  /** Line items of the context, optionally filtered, page by page. */
  listLineItems(
    filter: { resourceLinkId?: string; resourceId?: string; tag?: string; pageSize?: number } = {},
    signal?: AbortSignal,
  ): LtiPages<LineItem> {
    const first = new URL(this.#lineItemsUrl());
    if (filter.resourceLinkId) first.searchParams.set('resource_link_id', filter.resourceLinkId);
    if (filter.resourceId) first.searchParams.set('resource_id', filter.resourceId);
    if (filter.tag) first.searchParams.set('tag', filter.tag);
    if (filter.pageSize) first.searchParams.set('limit', String(filter.pageSize));
    return servicePages(
      this.#ctx,
      first.toString(),
      { scopes: [SCOPE.lineItemReadOnly], accept: LINEITEMS, signal },
      (json, url) => asArray<LineItem>(json, url, this.#ctx.moodle),
    );
  }

  /** One line item (default: the launch's own). */
  async getLineItem(url = this.claim.lineitem, signal?: AbortSignal): Promise<LineItem> {
    const target = this.#need(url);
    const answer = await callService(this.#ctx, {
      method: 'GET',
      url: target,
      scopes: [SCOPE.lineItemReadOnly],
      accept: LINEITEM,
      signal,
    });
    return answer.json as LineItem;
  }

  /** Creates a line item; returns it with its `id`. */
  async createLineItem(item: LineItem, signal?: AbortSignal): Promise<LineItem> {
    const answer = await callService(this.#ctx, {
      method: 'POST',
      url: this.#lineItemsUrl(),
      scopes: [SCOPE.lineItem],
      accept: LINEITEM,
      contentType: LINEITEM,
      body: item,
      signal,
    });
    return answer.json as LineItem;
  }

  /** Replaces a line item. */
  async updateLineItem(item: LineItem & { id: string }, signal?: AbortSignal): Promise<LineItem> {
    const answer = await callService(this.#ctx, {
      method: 'PUT',
      url: item.id,
      scopes: [SCOPE.lineItem],
      accept: LINEITEM,
      contentType: LINEITEM,
      body: item,
      signal,
    });
    return (answer.json as LineItem | undefined) ?? item;
  }

  /** Deletes a line item. */
  async deleteLineItem(url: string, signal?: AbortSignal): Promise<void> {
    await callService(this.#ctx, { method: 'DELETE', url, scopes: [SCOPE.lineItem], signal });
  }

  /**
   * Publishes a score. Timestamps must strictly increase per user and line item (platforms ignore older ones): a
   * caller-given timestamp that does not is refused, a default one is moved 1 ms past the previous.
   */
  async postScore(lineItemUrl: string | undefined, score: Score, signal?: AbortSignal): Promise<void> {
    const url = this.#need(lineItemUrl ?? this.claim.lineitem);
    const key = `${url}\u0000${score.userId}`;
    const last = this.#lastTimestamp.get(key);
    let time: number;
    if (score.timestamp !== undefined) {
      time = Date.parse(score.timestamp);
      if (Number.isNaN(time) || (last !== undefined && time <= last))
        throw ltiError(
          'service',
          'lti.score_timestamp_not_increasing',
          `Score timestamp ${score.timestamp} is not later than the previous one for user ${score.userId}.`,
          {
            moodle: this.#ctx.moodle,
            details: { previous: last === undefined ? undefined : new Date(last).toISOString() },
          },
        );
    } else {
      time = Math.max(this.#now(), (last ?? 0) + 1);
    }
    this.#lastTimestamp.set(key, time);
    await callService(this.#ctx, {
      method: 'POST',
      url: appendPath(url, 'scores'),
      scopes: [SCOPE.score],
      contentType: SCORE,
      body: { ...score, timestamp: score.timestamp ?? new Date(time).toISOString() },
      signal,
    });
  }

  /** Results of a line item (optionally one user's), page by page. */
  results(
    lineItemUrl?: string,
    filter: { userId?: string; pageSize?: number } = {},
    signal?: AbortSignal,
  ): LtiPages<Result> {
    const first = new URL(appendPath(this.#need(lineItemUrl ?? this.claim.lineitem), 'results'));
    if (filter.userId) first.searchParams.set('user_id', filter.userId);
    if (filter.pageSize) first.searchParams.set('limit', String(filter.pageSize));
    return servicePages(
      this.#ctx,
      first.toString(),
      { scopes: [SCOPE.resultReadOnly], accept: RESULTS, signal },
      (json, url) => asArray<Result>(json, url, this.#ctx.moodle),
    );
  }

  #need(url: string | undefined): string {
    if (!url)
      throw ltiError(
        'service',
        'lti.service_unavailable',
        'No line item URL: the launch has no "lineitem" and none was given.',
        {
          moodle: this.#ctx.moodle,
          vars: { claim: 'lineitem URL in the AGS' },
        },
      );
    return url;
  }
}
