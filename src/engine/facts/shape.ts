// Shape facts of a config: written once, read by the parameter layout, the model, the sparsity
// code, FLOPs, the worker, the CLI and the UI. Imports nothing but config types, so the parameter
// layout (model/params.ts) can read it without a cycle; `facts/index.ts` adds the facts that need
// the layout or the schedule.
import type { ExperimentConfig, ModelConfig } from '../config';

export const numPatches = (c: ModelConfig): number => (c.imageSize / c.patchSize) ** 2;
export const headDim = (c: ModelConfig): number => c.embedDim / c.numHeads;
/** MLP hidden width as timm builds it: int(embed_dim · mlp_ratio), truncated. */
export const mlpHidden = (c: ModelConfig): number => Math.floor(c.embedDim * c.mlpRatio);
/** Number of elements of a tensor shape. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Heads kept per block under S²ViTE (at least one); every head otherwise. */
export const keptHeads = (c: ExperimentConfig): number =>
  c.method === 's2vite' ? Math.max(1, Math.round(c.attnDensity * c.numHeads)) : c.numHeads;
/** MLP neurons kept per block under S²ViTE (at least one); every neuron otherwise. */
export const keptNeurons = (c: ExperimentConfig): number =>
  c.method === 's2vite' ? Math.max(1, Math.round(c.mlpDensity * mlpHidden(c))) : mlpHidden(c);

/** Patches the keep ratio asks for, cls excluded (at least one). */
const requestedTokens = (c: ExperimentConfig): number => Math.max(1, Math.round(c.tokenKeep * numPatches(c)));

/**
 * The SViTE+ token selector runs when it drops at least one patch. A keep ratio that rounds to
 * every patch (tokenKeep 0.99 on 16 patches) leaves it off: no scorer parameters, no FLOPs.
 */
export const selectorOn = (c: ExperimentConfig): boolean => c.tokenKeep < 1 && requestedTokens(c) < numPatches(c);

/** SViTE+ with its learned scorer (a Linear D→1); the fixed-centre baseline has none. */
export const learnedSelector = (c: ExperimentConfig): boolean => selectorOn(c) && c.tokenSelector === 'learned';

/**
 * The fixed-tokens baseline's patches: the k nearest the grid's centre (Euclidean distance between
 * patch centres, ties to the lower index, i.e. row-major), increasing.
 */
export function centrePatches(c: ExperimentConfig, k: number): number[] {
  const g = c.imageSize / c.patchSize, mid = g / 2;
  const d = (i: number): number => (Math.floor(i / g) + 0.5 - mid) ** 2 + ((i % g) + 0.5 - mid) ** 2;
  return Array.from({ length: g * g }, (_, i) => i).sort((a, b) => d(a) - d(b) || a - b).slice(0, k).sort((a, b) => a - b);
}

/** SViTE+ with a learnable per-patch bias on the scores (`token_selector.position_bias`). */
export const selectorPositionBias = (c: ExperimentConfig): boolean => learnedSelector(c) && c.tokenPrior > 0;

/** The position bias's start: tokenPrior on the fixed baseline's centre patches, 0 elsewhere, so
 *  the first top-k is the centre crop whenever the prior outweighs the scorer's spread. */
export function positionPrior(c: ExperimentConfig): Float32Array {
  const prior = new Float32Array(numPatches(c));
  for (const i of centrePatches(c, keptTokens(c))) prior[i] = c.tokenPrior;
  return prior;
}

/** Patch tokens every block sees (cls excluded): the selector's k when it is on, all patches otherwise. */
export const keptTokens = (c: ExperimentConfig): number => (selectorOn(c) ? requestedTokens(c) : numPatches(c));

/** The four weight matrices of a block that sparsity acts on, and their timm names. */
export const BLOCK_LAYERS = ['qkv', 'proj', 'fc1', 'fc2'] as const;
export type BlockLayer = (typeof BLOCK_LAYERS)[number];
const LAYER_PATH: Record<BlockLayer, string> = { qkv: 'attn.qkv', proj: 'attn.proj', fc1: 'mlp.fc1', fc2: 'mlp.fc2' };
/** timm name of a block layer's parameter, e.g. `blocks.2.attn.qkv.weight`. */
export const blockParam = (block: number, layer: BlockLayer, kind: 'weight' | 'bias' = 'weight'): string =>
  `blocks.${block}.${LAYER_PATH[layer]}.${kind}`;
