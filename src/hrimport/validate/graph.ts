/**
 * Finds the cycles of a graph where each node has at most one outgoing edge (parent of an item, manager of a job):
 * each cycle once, as the list of its nodes in edge order.
 */
export function findCycles(next: ReadonlyMap<string, string>): string[][] {
  const state = new Map<string, 1 | 2>(); // 1 on the current path, 2 done
  const cycles: string[][] = [];
  for (const start of next.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    let node: string | undefined = start;
    while (node !== undefined && !state.has(node)) {
      state.set(node, 1);
      path.push(node);
      node = next.get(node);
    }
    if (node !== undefined && state.get(node) === 1) cycles.push(path.slice(path.indexOf(node)));
    for (const done of path) state.set(done, 2);
  }
  return cycles;
}
