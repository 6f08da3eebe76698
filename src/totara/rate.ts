/**
 * The client's own view of Totara's rate limit: the complexity points it spent, by time, over the same sliding
 * window Totara counts (60 s by default). Before a request it says how long to wait for the points to fit, so that a
 * run paces itself instead of hitting HTTP 429.
 */

/** Points spent in a sliding window. */
export class RateWindow {
  readonly #spent: Array<{ at: number; points: number }> = [];
  readonly #now: () => number;

  constructor(
    /** Points allowed per window. */
    readonly points: number,
    /** Length of the window in milliseconds. */
    readonly windowMs: number,
    now: () => number = Date.now,
  ) {
    this.#now = now;
  }

  /** Points spent in the window that ends now. */
  spent(): number {
    this.#expire(this.#now());
    let sum = 0;
    for (const entry of this.#spent) sum += entry.points;
    return sum;
  }

  /** Points still free in the window that ends now. */
  room(): number {
    return Math.max(0, this.points - this.spent());
  }

  /** Records points spent now. */
  record(points: number): void {
    if (points > 0) this.#spent.push({ at: this.#now(), points });
  }

  /**
   * Milliseconds to wait until `points` more fit in the window: 0 when they fit now, and 0 when they can never fit
   * (more than the whole window allows: sending is the only way to find out).
   */
  delayFor(points: number): number {
    const now = this.#now();
    this.#expire(now);
    if (points > this.points) return 0;
    let spent = this.spent();
    for (const entry of this.#spent) {
      if (spent + points <= this.points) break;
      spent -= entry.points;
      if (spent + points <= this.points) return Math.max(0, entry.at + this.windowMs - now);
    }
    return spent + points <= this.points ? 0 : this.windowMs;
  }

  #expire(now: number): void {
    while (this.#spent.length > 0 && (this.#spent[0] as { at: number }).at <= now - this.windowMs)
      this.#spent.shift();
  }
}
