// Unit selection for one structured update: prune the k live units with the smallest prune score,
// then grow the k units with the largest grow score among the dead ones (just-pruned included).
// Ties break towards the lower index, so a seed reproduces the choice exactly.

export interface SwapResult {
  pruned: number[];
  grown: number[];
}

/** Mutates `alive` (1 = live). */
export function selectSwap(alive: Uint8Array, pruneScore: ArrayLike<number>, growScore: ArrayLike<number>, k: number): SwapResult {
  const live: number[] = [];
  alive.forEach((v, i) => v && live.push(i));
  const kk = Math.min(k, live.length);
  const pruned = live.sort((a, b) => pruneScore[a] - pruneScore[b] || a - b).slice(0, kk);
  for (const i of pruned) alive[i] = 0;
  const dead: number[] = [];
  alive.forEach((v, i) => !v && dead.push(i));
  const grown = dead.sort((a, b) => growScore[b] - growScore[a] || a - b).slice(0, kk);
  for (const i of grown) alive[i] = 1;
  return { pruned: pruned.sort((a, b) => a - b), grown: grown.sort((a, b) => a - b) };
}
