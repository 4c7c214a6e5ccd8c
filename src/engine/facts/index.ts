// Facts derived from an experiment config, each written once and imported by the engine, the
// worker, the CLI and the UI alike: selector on, kept tokens and units, topology-update and
// evaluation steps, per-layer densities of every method, timm layer names.
import type { ExperimentConfig } from '../config';
import { paramSpecs, sparseSpecs } from '../model/params';
import { activeCounts, layerDensities } from '../sparse/erk';
import { isUpdateStep, updateFraction } from '../sparse/schedule';
import { unitLayerDensity } from '../sparse/units';
import { keptHeads, keptNeurons, sizeOf } from './shape';

export * from './shape';

/** Whether the method changes its topology during the run (dense and token-only runs do not). */
export const hasTopologyUpdates = (c: ExperimentConfig): boolean => c.method !== 'dense';

/** Whether a topology update follows step `step` (1-based count of steps done). */
export const isTopologyUpdateStep = (c: ExperimentConfig, step: number): boolean =>
  hasTopologyUpdates(c) && isUpdateStep(c, step);

/** Every step after which the run updates its topology. */
export function topologyUpdateSteps(c: ExperimentConfig): number[] {
  const out: number[] = [];
  if (!hasTopologyUpdates(c) || !(c.updateInterval > 0)) return out;
  for (let t = c.updateInterval; t <= c.steps; t += c.updateInterval) if (isUpdateStep(c, t)) out.push(t);
  return out;
}

/** The update schedule of the config's method: S²ViTE's α for units is its own (unitFraction). */
export const topologySchedule = (c: ExperimentConfig): ExperimentConfig =>
  c.method === 's2vite' ? { ...c, updateFraction: c.unitFraction } : c;

/** The fraction of units the schedule swaps at step `step`, NaN outside the update window (or dense). */
export const scheduledUpdateFraction = (c: ExperimentConfig, step: number): number =>
  hasTopologyUpdates(c) && step < c.updateEnd * c.steps ? updateFraction(topologySchedule(c), step) : NaN;

/** Whether a periodic evaluation follows step `step`; the final one, after the last step, is separate. */
export const isPeriodicEvalStep = (c: ExperimentConfig, step: number): boolean =>
  c.evalEvery > 0 && step % c.evalEvery === 0 && step < c.steps;

/** Live heads and neurons per block at the start of a run (all of them unless S²ViTE). */
export const initialUnits = (c: ExperimentConfig): { heads: number[]; neurons: number[] } => ({
  heads: Array.from({ length: c.depth }, () => keptHeads(c)),
  neurons: Array.from({ length: c.depth }, () => keptNeurons(c)),
});

/**
 * Density of each sparse weight at the start of a run, by timm name: SViTE's exact mask counts
 * (ERK or uniform), S²ViTE's kept fraction of heads (qkv, proj) and neurons (fc1, fc2); empty for
 * dense training (every layer is whole).
 */
export function initialLayerDensity(c: ExperimentConfig): Record<string, number> {
  const out: Record<string, number> = {};
  if (c.method === 'svite') {
    const specs = sparseSpecs(paramSpecs(c));
    const counts = activeCounts(specs, layerDensities(specs, c.density, c.distribution));
    for (const s of specs) out[s.name] = counts[s.name] / sizeOf(s.shape);
  }
  if (c.method === 's2vite') {
    const units = initialUnits(c);
    return unitLayerDensity(c, units.heads, units.neurons);
  }
  return out;
}
