/** Paged LTI service results (`Link: <...>; rel="next"`) as an async iterable with `toArray({ limit })`. */
import { assertKnownOptions } from '../../core/errors.js';

/** An async iterable of items that can also be collected. */
export interface LtiPages<Item> extends AsyncIterable<Item> {
  /** Collects items, stopping after `limit` (and fetching no further page). */
  toArray(options?: { limit?: number | undefined }): Promise<Item[]>;
}

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

/** Builds an {@link LtiPages} from a page fetcher that returns items and the next URL. */
export function pages<Item>(
  firstUrl: string,
  fetchPage: (url: string) => Promise<{ items: Item[]; next: string | undefined }>,
): LtiPages<Item> {
  async function* iterate(): AsyncGenerator<Item> {
    const seen = new Set<string>();
    let url: string | undefined = firstUrl;
    while (url && !seen.has(url)) {
      seen.add(url);
      const page = await fetchPage(url);
      yield* page.items;
      url = page.next;
    }
  }
  return {
    [Symbol.asyncIterator]: iterate,
    async toArray(options = {}) {
      assertKnownOptions('toArray', options, ['limit']);
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const out: Item[] = [];
      if (limit <= 0) return out;
      for await (const item of iterate()) {
        out.push(item);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
