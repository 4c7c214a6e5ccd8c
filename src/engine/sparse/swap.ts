// Unit selection for one structured update: prune the k live units with the smallest prune score,
// then grow k units with the largest grow score among the dead ones. The reference lets a
// just-pruned unit compete for regrowth; its intact outgoing weights (proj rows, fc2 rows) give it
// a grow score long-dead units cannot match, so it wins back its place at once and the swap is a
// no-op. With `regrowPruned` off, just-pruned units come last: they regrow only when too few other
// dead units exist to keep the budget. Ties break towards the lower index, so a seed reproduces the
// choice exactly. Units `immune` (grown too recently to be judged) are not pruned: with too few
// others, fewer units swap.

export interface SwapResult {
  pruned: number[];
  grown: number[];
  /** Units pruned and regrown by the same update: no change of identity. */
  regrown: number;
}

/** Mutates `alive` (1 = live). */
export function selectSwap(
  alive: Uint8Array, pruneScore: ArrayLike<number>, growScore: ArrayLike<number>, k: number, regrowPruned = true,
  immune: (unit: number) => boolean = () => false,
): SwapResult {
  const live: number[] = [];
  alive.forEach((v, i) => v && !immune(i) && live.push(i));
  const kk = Math.min(k, live.length);
  const pruned = live.sort((a, b) => pruneScore[a] - pruneScore[b] || a - b).slice(0, kk);
  for (const i of pruned) alive[i] = 0;
  const justPruned = new Set(regrowPruned ? [] : pruned);
  const rank = (i: number): number => (justPruned.has(i) ? 1 : 0);
  const dead: number[] = [];
  alive.forEach((v, i) => !v && dead.push(i));
  const grown = dead.sort((a, b) => rank(a) - rank(b) || growScore[b] - growScore[a] || a - b).slice(0, kk);
  for (const i of grown) alive[i] = 1;
  const regrown = grown.filter((i) => pruned.includes(i)).length;
  return { pruned: pruned.sort((a, b) => a - b), grown: grown.sort((a, b) => a - b), regrown };
}
