import { describe, expect, it } from 'vitest';
import { InputError, Paginator } from '../../src/core/index.js';

/** A paginator over 0..n-1 in pages of `size`, counting the pages it fetched. */
function counting(n: number, size: number) {
  const fetched: number[] = [];
  const paginator = new Paginator(0, async (offset: number, index: number) => {
    fetched.push(index);
    const items = Array.from({ length: Math.max(0, Math.min(size, n - offset)) }, (_, i) => offset + i);
    return { page: { items, offset }, next: offset + size < n ? offset + size : undefined };
  });
  return { paginator, fetched };
}

describe('core Paginator', () => {
  it('yields every item of every page in order, then stops at the last page', async () => {
    const { paginator, fetched } = counting(7, 3);
    expect(await paginator.toArray()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(fetched).toEqual([0, 1, 2]);
  });

  it('toArray({ limit }) fetches no page beyond the one that reaches the limit', async () => {
    const { paginator, fetched } = counting(100, 10);
    expect(await paginator.toArray({ limit: 15 })).toHaveLength(15);
    expect(fetched).toEqual([0, 1]);
    expect(await counting(5, 2).paginator.toArray({ limit: 0 })).toEqual([]);
  });

  it('pages() gives the page objects as fetched, and an empty page ends the run', async () => {
    const seen: number[] = [];
    const paginator = new Paginator('a', async (cursor: string) => {
      seen.push(cursor.length);
      return { page: { items: cursor.length < 3 ? [cursor] : [] }, next: `${cursor}a` };
    });
    const pages = [];
    for await (const page of paginator.pages()) pages.push(page.items);
    expect(pages).toEqual([['a'], ['aa'], []]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses an unknown toArray option', async () => {
    await expect(
      counting(1, 1).paginator.toArray({ limt: 1 } as unknown as { limit: number }),
    ).rejects.toBeInstanceOf(InputError);
  });
});
