// Per-layer densities for SViTE (method.md §2). ERK gives thin layers (few entries per fan) more
// density than wide ones while the total count of nonzeros meets the global budget d·ΣN.
import type { Distribution } from '../config';
import type { ParamSpec } from '../model/params';
import { sizeOf } from '../facts/shape';


/** ERK raw score Σn_i/Πn_i on the PyTorch shape: the conv patch embedding counts as 4 dims
 *  [D, C, p, p], as in the reference; our flattened [C·p·p, D] layout would give it a different score. */
export const erkScore = (timmShape: number[]): number =>
  timmShape.reduce((a, b) => a + b, 0) / sizeOf(timmShape);

/**
 * Density of each sparse weight (keyed by timm name) for global density d.
 * ERK: density_ℓ = ε·score_ℓ with ε solved so that Σ density_ℓ·N_ℓ = d·ΣN_ℓ over all given layers
 * (the head included). A layer that would exceed 1 is made dense and ε re-solved over the rest,
 * one layer (the highest score) at a time as in the reference, since re-solving lowers ε and may
 * bring the next-highest layer back under 1.
 */
export function layerDensities(specs: ParamSpec[], density: number, distribution: Distribution): Record<string, number> {
  if (!(density > 0 && density <= 1)) throw new RangeError(`density must be in (0, 1] (got ${density})`);
  const out: Record<string, number> = {};
  if (distribution === 'uniform') {
    for (const s of specs) out[s.name] = density;
    return out;
  }
  const sizes = specs.map((s) => sizeOf(s.timmShape));
  const scores = specs.map((s) => erkScore(s.timmShape));
  const total = sizes.reduce((a, b) => a + b, 0);
  const dense = new Set<number>();
  let eps = 0;
  for (;;) {
    let denseCount = 0, divisor = 0;
    specs.forEach((_, i) => {
      if (dense.has(i)) denseCount += sizes[i];
      else divisor += scores[i] * sizes[i];
    });
    if (divisor === 0) break; // everything dense (d = 1)
    eps = (density * total - denseCount) / divisor;
    let maxScore = -Infinity;
    specs.forEach((_, i) => { if (!dense.has(i)) maxScore = Math.max(maxScore, scores[i]); });
    if (eps * maxScore <= 1) break;
    // Ties are densified together: equal scores would all exceed 1 by the same amount.
    specs.forEach((_, i) => { if (!dense.has(i) && scores[i] === maxScore) dense.add(i); });
  }
  specs.forEach((s, i) => { out[s.name] = dense.has(i) ? 1 : eps * scores[i]; });
  return out;
}

/** Exact active entries per layer: round(density·N), what the initial mask draws. Missing = dense. */
export function activeCounts(specs: ParamSpec[], densities: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of specs) out[s.name] = Math.round((densities[s.name] ?? 1) * sizeOf(s.shape));
  return out;
}

/** Realised global density: Σ active / Σ entries over the given sparse layers. */
export function globalDensity(specs: ParamSpec[], densities: Record<string, number>): number {
  const counts = activeCounts(specs, densities);
  let active = 0, total = 0;
  for (const s of specs) {
    active += counts[s.name];
    total += sizeOf(s.shape);
  }
  return total === 0 ? 1 : active / total;
}
