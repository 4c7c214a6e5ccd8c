// The memory a training run needs, estimated from its config before anything is allocated, so a
// config too large to train is refused with the estimate and the limit instead of crashing minutes
// in ("Invalid typed array length", "memory access out of bounds"). Used by the trainer (browser
// worker and CLI alike) and by the CLI before it loads data; the FLOPs calculator does not use it,
// so paper-scale configs can still be counted.
import { ConfigError, validateConfig, type ConfigIssue, type ExperimentConfig } from './config';
import { SYNTHETIC_COUNTS } from './data/synthetic';
import { keptTokens, mlpHidden, numPatches, selectorOn, selectorPositionBias } from './facts/shape';
import { countParams, paramSpecs, sparseSpecs } from './model/params';

const FLOAT = 4;
const GIB = 2 ** 30;

/**
 * The most the tensors of a run may need, estimated. The WASM backend keeps every tensor in one
 * wasm32 memory, at most 4 GiB (the tfjs 4.22 binary's maximum: 65,536 pages), each a single
 * allocation in it. The estimate counts what a step or an evaluation batch keeps alive; the heap
 * also holds freed blocks it cannot reuse, and grows in steps (measured: README, "Memory a config needs"), so half
 * the address space is the most an estimate may claim.
 */
export const TRAINING_MEMORY_LIMIT = 2 * GIB;

/**
 * The most the image set may take. It is one Uint8Array outside the tensors: Node 20 refuses typed
 * arrays past 4 GiB (buffer.constants.MAX_LENGTH), and a tab that holds it also holds the tensors.
 */
export const IMAGE_MEMORY_LIMIT = 2 * GIB;

/** Images each real data set holds in memory (train + test), as the loaders assemble them. */
const REAL_SET_IMAGES = { mnist: 70_000, 'fashion-mnist': 70_000, cifar10: 60_000 } as const;

export interface MemoryEstimate {
  /** The tensors, in bytes: weights, optimizer, masks and activations (the images are apart). */
  bytes: number;
  /** Parameters and their gradients. */
  weights: number;
  /** AdamW's two moments. */
  optimizer: number;
  /** SViTE's mask and fired set per sparse weight; S²ViTE's head probes on update steps. */
  masks: number;
  /** The training batch's activations kept for the backward pass, or the evaluation batch's, whichever is larger. */
  activations: number;
  /** Of those, the attention maps: batch × heads × tokens², per block. */
  attention: number;
  /** The data set's images (uint8), held for the whole run. */
  images: number;
}

/**
 * Floats a forward over `batch` images keeps alive, and the attention maps' share. Every block's
 * tensors stay until the step (or the evaluation batch's tf.tidy) ends. Per token row a block
 * holds 8·D + 2·hidden floats (norms in and out, qkv, attention out, proj, residual, fc1, GELU);
 * training keeps about 4× that with the backward's gradients, and two maps (probabilities and their
 * gradient) to evaluation's one. Fitted to measured peaks on WASM (README, "Memory a config needs").
 */
function forwardFloats(c: ExperimentConfig, batch: number, training: boolean): { all: number; attention: number } {
  const D = c.embedDim, hidden = mlpHidden(c), tokens = keptTokens(c) + 1;
  // Input pixels: the batch, normalised and patchified (3 copies); the embedded tokens before selection.
  const input = batch * c.imageSize ** 2 * c.inChans * 3 + batch * (numPatches(c) + 1) * D * 2;
  const rows = c.depth * batch * tokens * (8 * D + 2 * hidden) * (training ? 4 : 1);
  const maps = c.depth * batch * c.numHeads * tokens ** 2 * (training ? 2 : 1);
  return { all: input + rows + maps, attention: maps };
}

/** Parameters, gradients, moments and masks: what lives for the whole run (floats). */
function stateFloats(c: ExperimentConfig): { params: number; masks: number } {
  const specs = paramSpecs(c, selectorOn(c), selectorPositionBias(c));
  const masks = c.method === 'svite' ? 2 * countParams(sparseSpecs(specs))
    : c.method === 's2vite' ? c.depth * c.batchSize * (keptTokens(c) + 1) * c.embedDim : 0;
  return { params: countParams(specs), masks };
}

/**
 * Images per evaluation batch: 128 for speed (the training batch when larger), but only the
 * training batch when 128 would not fit the limit (paper-scale models: 12 blocks of 197 tokens).
 */
export function evalBatchSize(c: ExperimentConfig): number {
  const fast = Math.max(c.batchSize, 128);
  const { params, masks } = stateFloats(c);
  return (4 * params + masks + forwardFloats(c, fast, false).all) * FLOAT <= TRAINING_MEMORY_LIMIT ? fast : c.batchSize;
}

export function estimateTrainingMemory(c: ExperimentConfig): MemoryEstimate {
  const { params, masks } = stateFloats(c);
  const train = forwardFloats(c, c.batchSize, true), evaluation = forwardFloats(c, evalBatchSize(c), false);
  const peak = train.all >= evaluation.all ? train : evaluation;
  const images = c.dataset === 'synthetic'
    ? (SYNTHETIC_COUNTS.train + SYNTHETIC_COUNTS.test) * c.imageSize ** 2 * c.inChans
    : REAL_SET_IMAGES[c.dataset] * c.imageSize ** 2 * c.inChans;
  const e = {
    weights: 2 * params * FLOAT, optimizer: 2 * params * FLOAT, masks: masks * FLOAT,
    activations: peak.all * FLOAT, attention: peak.attention * FLOAT, images,
  };
  return { bytes: e.weights + e.optimizer + e.masks + e.activations, ...e };
}

const gib = (bytes: number): string =>
  `${bytes < 10 * GIB ? (bytes / GIB).toFixed(2) : Math.round(bytes / GIB).toLocaleString('en-US')} GiB`;

/**
 * Why this config cannot train in the memory a tab or a CLI process has, or null when it fits:
 * the estimate, its largest parts and the limit, and what to shrink.
 */
export function trainingMemoryProblem(c: ExperimentConfig): string | null {
  const e = estimateTrainingMemory(c);
  const problems: string[] = [];
  if (e.bytes > TRAINING_MEMORY_LIMIT) {
    const parts = ([['weights and gradients', e.weights], ['AdamW moments', e.optimizer], ['masks', e.masks],
      [`activations of a batch (attention maps ${gib(e.attention)})`, e.activations]] as const)
      .filter(([, b]) => b >= 0.05 * e.bytes).map(([what, b]) => `${what} ${gib(b)}`);
    problems.push(`its tensors need about ${gib(e.bytes)} to train (${parts.join(', ')}), past the ${gib(TRAINING_MEMORY_LIMIT)} limit`);
  }
  if (e.images > IMAGE_MEMORY_LIMIT)
    problems.push(`its ${c.dataset} images take ${gib(e.images)}, past the ${gib(IMAGE_MEMORY_LIMIT)} limit`);
  return problems.length ? `this config does not fit in memory: ${problems.join('; ')}. Shrink batchSize, imageSize (or raise patchSize), embedDim or depth` : null;
}

/**
 * validateConfig, then whether training fits in memory. Only training asks: the FLOPs
 * calculator, links and model files take paper-scale configs (deit-base) that no tab can train.
 */
export function validateForTraining(c: ExperimentConfig): ConfigIssue[] {
  const issues = validateConfig(c);
  if (issues.length) return issues;
  const memory = trainingMemoryProblem(c);
  return memory ? [{ field: 'batchSize', message: memory }] : [];
}

export function assertTrainable(c: ExperimentConfig): void {
  const issues = validateForTraining(c);
  if (issues.length) throw new ConfigError(issues);
}
