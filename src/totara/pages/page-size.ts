/**
 * How long each page of a paged query should be: as many items as fit the complexity budget, learned from what the
 * items of the pages so far really cost.
 */

/**
 * Chooses each page's length: the most items whose cost stays within the budget. The cost of a page is its base
 * (the root field: 5 points) plus the sum of its items' costs; with items costing `mean` on average and varying by
 * `sd`, `n` items stay within the budget when `n × mean + 3 × sd × √n` does (exact when every item costs the same).
 */
export class PageSizer {
  size: number;
  #count = 0;
  #sum = 0;
  #squares = 0;

  constructor(
    first: number,
    readonly budget: number,
    readonly base: number,
    readonly fixed: boolean,
    readonly ceiling: number,
  ) {
    this.size = Math.max(1, Math.min(ceiling, first));
  }

  /** Takes in the measured costs of one page's items and sizes the next page. */
  observe(itemCosts: readonly number[]): void {
    for (const cost of itemCosts) {
      this.#count++;
      this.#sum += cost;
      this.#squares += cost * cost;
    }
    if (this.fixed || this.#count === 0) return;
    const mean = this.#sum / this.#count;
    const sd = Math.sqrt(Math.max(0, this.#squares / this.#count - mean * mean));
    const room = this.budget - this.base;
    if (mean <= 0) return;
    // Solve n·mean + 3·sd·√n = room for √n.
    const root = (-3 * sd + Math.sqrt(9 * sd * sd + 4 * mean * room)) / (2 * mean);
    this.size = Math.max(1, Math.min(this.ceiling, Math.floor(root * root)));
  }

  /** A page ran out of budget after `completed` items: the next try asks for fewer. */
  shrink(completed: number | undefined): boolean {
    if (this.size <= 1) return false;
    const fits = completed !== undefined && completed < this.size ? completed : Math.floor(this.size / 2);
    this.size = Math.max(1, Math.min(this.size - 1, Math.floor(fits * 0.9)));
    return true;
  }
}
