// When the topology changes and by how much: method.md §2.
export interface UpdateSchedule {
  updateFraction: number; // alpha
  updateInterval: number; // delta T
  updateEnd: number; // t_end, fraction of the run
  steps: number; // T_total
}

/** dr(t) = 0.005 + (alpha − 0.005)·(1 + cos(pi·t/T))/2: the fraction of active units swapped at step t. */
export function updateFraction(s: UpdateSchedule, t: number): number {
  return 0.005 + (s.updateFraction - 0.005) * (1 + Math.cos((Math.PI * t) / s.steps)) / 2;
}

/** An update happens after step t (1-based count of steps done) when t mod ΔT = 0 and t < t_end·T. */
export function isUpdateStep(s: UpdateSchedule, t: number): boolean {
  return t > 0 && t % s.updateInterval === 0 && t < s.updateEnd * s.steps;
}

/** Units swapped out of n active at fraction dr: ceil(dr·n) (or round/floor), at most `cap` (0 = no
 *  cap), never more than n. With ceil every update swaps at least one unit, however small dr is. */
export function swapCount(dr: number, n: number, rounding: 'ceil' | 'round' | 'floor' = 'ceil', cap = 0): number {
  const k = Math[rounding](dr * n);
  return Math.min(n, cap > 0 ? Math.min(cap, k) : k);
}
