/**
 * Paged LTI service answers (`Link: <...>; rel="next"`) on the SDK's one {@link Paginator}: this file only says how
 * to read one page and where the next one is, and refuses a next page on another origin, so the platform's access
 * token never leaves the service's origin.
 */
import { Paginator } from '../../core/pages.js';
import { ltiError } from '../errors.js';

/** One page of a service's answer: its items and the URL it was read from. */
export interface ServicePage<Item> {
  readonly items: readonly Item[];
  readonly url: string;
}

/** Where the next page starts: its URL, and the pages this walk has read (a `Link` loop ends the walk). */
export interface ServiceCursor {
  readonly url: string;
  readonly visited?: ReadonlySet<string> | undefined;
  /** The page whose `Link` header named this one (origin and path). */
  readonly from?: string | undefined;
}

/**
 * The pages of a service as an async iterable of items, with `pages()` and `toArray({ limit })`.
 *
 * @example
 * ```ts
 * const members = (await tool.nrps(launch)).members();
 * for await (const page of members.pages()) console.log(page.url, page.items.length);
 * ```
 */
export type ServicePages<Item, Page extends ServicePage<Item> = ServicePage<Item>> = Paginator<
  Item,
  Page,
  ServiceCursor
>;

/** The `rel="next"` target of a `Link` header, resolved against `base`. */
export function nextLink(header: string | string[] | undefined, base: string): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  for (const part of text.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (match && /(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(match[2] as string))
      return new URL(match[1] as string, base).toString();
  }
  return undefined;
}

/** A URL as it may be shown: origin and path, no query (a query may carry anything). */
const shown = (url: URL) => `${url.origin}${url.pathname}`;

/**
 * Pages starting at `firstUrl`: `fetchPage` reads one page and returns it with its `Link` header; the next URL
 * must stay on the first URL's origin (RFC 8288 links are just text: a hostile or broken platform, or anything
 * in between, could point them anywhere, and each page is fetched with the bearer token). The link is checked when
 * its page is due, so the items before it are delivered and `toArray({ limit })` that stops earlier never fails.
 */
export function linkedPages<Item, Page extends ServicePage<Item>>(
  firstUrl: string,
  fetchPage: (url: string) => Promise<{ page: Page; link: string | string[] | undefined }>,
  moodle: boolean,
): ServicePages<Item, Page> {
  const origin = new URL(firstUrl).origin;
  return new Paginator<Item, Page, ServiceCursor>({ url: firstUrl }, async (cursor, index) => {
    // Checked when the page is about to be read, so the items before a bad link are still delivered.
    const target = new URL(cursor.url);
    if (target.origin !== origin)
      throw ltiError(
        'service',
        'lti.next_link_foreign',
        `The next page link of ${cursor.from ?? firstUrl} points to ${target.origin}, not ${origin}: refused (the access token is only sent to ${origin}).`,
        {
          moodle,
          vars: { url: shown(target), origin },
          details: { url: shown(target), origin, page: index + 1 },
        },
      );
    // One set per walk, handed along its cursors: two walks of one paginator never share it.
    const visited = index === 0 || !cursor.visited ? new Set<string>() : (cursor.visited as Set<string>);
    visited.add(cursor.url);
    const { page, link } = await fetchPage(cursor.url);
    const next = nextLink(link, cursor.url);
    if (next === undefined || visited.has(next)) return { page, next: undefined };
    return { page, next: { url: next, visited, from: shown(target) } };
  });
}
