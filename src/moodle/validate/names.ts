/**
 * Closeness of names, for did-you-mean suggestions: a misspelt function name, a misspelt parameter key.
 */

/**
 * Edit distance (Levenshtein) between two names.
 *
 * @example
 * ```ts
 * editDistance('core_usr_get_users', 'core_user_get_users'); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The candidates within `limit` edits of `name` (by default a third of its length, at least 1), closest first.
 * @internal
 */
export function closeNames(
  name: string,
  candidates: Iterable<string>,
  limit = Math.max(1, Math.floor(name.length / 3)),
): string[] {
  const found: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of candidates) {
    if (candidate === name || Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit) found.push({ candidate, distance });
  }
  return found
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .map((entry) => entry.candidate);
}
