// The one table of S²ViTE's structured units: for every parameter a head or an MLP neuron owns
// entries of, its timm name, the axis the unit's entries lie along, the index map from units to
// those entries, and what happens to it when the unit dies or regrows. The sparsity code, the
// compact export, the FLOPs model and the density panel all read it.
import type { ExperimentConfig, ModelConfig } from '../config';
import { blockParam, headDim, mlpHidden, type BlockLayer } from '../facts/shape';

export type UnitKind = 'head' | 'neuron';

export interface UnitParam {
  layer: BlockLayer;
  kind: 'weight' | 'bias';
  unit: UnitKind;
  /** Axis of our layout (Linear weights [in, out]) along which a unit's entries lie. */
  axis: 0 | 1;
  /** Zeroed while its unit is dead, so the unit's output is exactly 0. The others (proj rows,
   *  fc2 rows) keep their values: they carry the gradient signal that ranks units for regrowth. */
  zeroWhenDead: boolean;
  /** Takes a fresh init when its unit regrows: a head with zero q and k sits on a saddle. */
  freshOnGrow: boolean;
}

/** In the order the compact parameters are taken and fresh inits are drawn. */
export const UNIT_PARAMS: readonly UnitParam[] = [
  { layer: 'qkv', kind: 'weight', unit: 'head', axis: 1, zeroWhenDead: true, freshOnGrow: true },
  { layer: 'qkv', kind: 'bias', unit: 'head', axis: 0, zeroWhenDead: true, freshOnGrow: false },
  { layer: 'proj', kind: 'weight', unit: 'head', axis: 0, zeroWhenDead: false, freshOnGrow: false },
  { layer: 'fc1', kind: 'weight', unit: 'neuron', axis: 1, zeroWhenDead: true, freshOnGrow: true },
  { layer: 'fc1', kind: 'bias', unit: 'neuron', axis: 0, zeroWhenDead: true, freshOnGrow: false },
  { layer: 'fc2', kind: 'weight', unit: 'neuron', axis: 0, zeroWhenDead: false, freshOnGrow: false },
];

/** The unit tables' weight matrices (their density is the live fraction of their units). */
export const UNIT_WEIGHTS = UNIT_PARAMS.filter((p) => p.kind === 'weight');

export const unitParamName = (block: number, p: UnitParam): string => blockParam(block, p.layer, p.kind);

/** The same axis in timm/PyTorch layout (Linear weights [out, in]). */
export const timmAxis = (p: UnitParam): 0 | 1 => (p.kind === 'weight' ? (p.axis === 0 ? 1 : 0) : 0);

/** Units of a kind per block: heads or MLP hidden neurons. */
export const unitCount = (unit: UnitKind, c: ModelConfig): number => (unit === 'head' ? c.numHeads : mlpHidden(c));

/**
 * Entries along `p.axis` that the given units own, in the order a smaller timm model has them:
 * qkv is q | k | v × head × head_dim, proj's inputs head × head_dim, a neuron is one entry.
 */
export function unitIndices(p: UnitParam, units: readonly number[], c: ModelConfig): number[] {
  if (p.unit === 'neuron') return [...units];
  const hd = headDim(c);
  const parts = p.layer === 'qkv' ? 3 : 1;
  const out: number[] = [];
  for (let part = 0; part < parts; part++)
    for (const h of units) for (let d = 0; d < hd; d++) out.push(part * c.embedDim + h * hd + d);
  return out;
}

/** Length of `p.axis` in our layout. */
export const axisLength = (p: UnitParam, c: ModelConfig): number =>
  p.unit === 'neuron' ? mlpHidden(c) : p.layer === 'qkv' ? 3 * c.embedDim : c.embedDim;

/** Entries of the full parameter. */
export const paramSize = (p: UnitParam, c: ModelConfig): number => axisLength(p, c) * (p.kind === 'weight' ? c.embedDim : 1);

/**
 * Density of every unit weight given the live units per block: the live fraction of its units.
 * S²ViTE's per-layer densities, for its snapshots and for the initial allocation alike.
 */
export function unitLayerDensity(c: ExperimentConfig, heads: readonly number[], neurons: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let b = 0; b < c.depth; b++)
    for (const p of UNIT_WEIGHTS) out[unitParamName(b, p)] = (p.unit === 'head' ? heads[b] : neurons[b]) / unitCount(p.unit, c);
  return out;
}

/** Weight entries of live units over all entries of the unit weights (S²ViTE's global density). */
export function unitGlobalDensity(c: ExperimentConfig, heads: readonly number[], neurons: readonly number[]): number {
  let live = 0, total = 0;
  for (let b = 0; b < c.depth; b++)
    for (const p of UNIT_WEIGHTS) {
      const perUnit = paramSize(p, c) / unitCount(p.unit, c);
      live += perUnit * (p.unit === 'head' ? heads[b] : neurons[b]);
      total += paramSize(p, c);
    }
  return live / total;
}
