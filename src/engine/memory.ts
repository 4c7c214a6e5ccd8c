// The memory a training run needs, estimated from its config before anything is allocated, so a
// config too large to train is refused with the estimate and the limit instead of crashing minutes
// in ("Invalid typed array length", "memory access out of bounds"). Used by the trainer (browser
// worker and CLI alike) and by the CLI before it loads data; the FLOPs calculator does not use it,
// so paper-scale configs can still be counted.
import type { ExperimentConfig } from './config';
import { SYNTHETIC_COUNTS } from './data/synthetic';
import { evalBatchSize, keptTokens, mlpHidden, numPatches, selectorOn } from './facts/shape';
import { countParams, paramSpecs, sparseSpecs } from './model/params';

const FLOAT = 4;
const GIB = 2 ** 30;

/**
 * What one training run may need, estimated. The WASM backend keeps every tensor in one wasm32
 * memory, at most 4 GiB (the tfjs 4.22 binary's maximum: 65,536 pages), and a tensor is a single
 * allocation in it. The estimate counts what a step keeps alive; the backward pass's temporaries,
 * allocator fragmentation and the JS-side copies come on top (measured: see README, "Memory"), so
 * half the address space is the most an estimate may claim. The same bound keeps each tensor and
 * the image set well inside the largest typed array V8 allocates (2^32 elements in Node 20).
 */
export const TRAINING_MEMORY_LIMIT = 2 * GIB;

/** Images each real data set holds in memory (train + test), as the loaders assemble them. */
const REAL_SET_IMAGES = { mnist: 70_000, 'fashion-mnist': 70_000, cifar10: 60_000 } as const;

export interface MemoryEstimate {
  /** Everything, in bytes. */
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
 * gradient) to evaluation's one. Fitted to measured peaks on WASM (README, "Memory").
 */
function forwardFloats(c: ExperimentConfig, batch: number, training: boolean): { all: number; attention: number } {
  const D = c.embedDim, hidden = mlpHidden(c), tokens = keptTokens(c) + 1;
  // Input pixels: the batch, normalised and patchified (3 copies); the embedded tokens before selection.
  const input = batch * c.imageSize ** 2 * c.inChans * 3 + batch * (numPatches(c) + 1) * D * 2;
  const rows = c.depth * batch * tokens * (8 * D + 2 * hidden) * (training ? 4 : 1);
  const maps = c.depth * batch * c.numHeads * tokens ** 2 * (training ? 2 : 1);
  return { all: input + rows + maps, attention: maps };
}

export function estimateTrainingMemory(c: ExperimentConfig): MemoryEstimate {
  const specs = paramSpecs(c, selectorOn(c));
  const params = countParams(specs);
  const masks = c.method === 'svite' ? 2 * countParams(sparseSpecs(specs))
    : c.method === 's2vite' ? c.depth * c.batchSize * (keptTokens(c) + 1) * c.embedDim : 0;
  const train = forwardFloats(c, c.batchSize, true), evaluation = forwardFloats(c, evalBatchSize(c), false);
  const peak = train.all >= evaluation.all ? train : evaluation;
  const images = c.dataset === 'synthetic'
    ? (SYNTHETIC_COUNTS.train + SYNTHETIC_COUNTS.test) * c.imageSize ** 2 * c.inChans
    : REAL_SET_IMAGES[c.dataset] * c.imageSize ** 2 * c.inChans;
  const e = {
    weights: 2 * params * FLOAT, optimizer: 2 * params * FLOAT, masks: masks * FLOAT,
    activations: peak.all * FLOAT, attention: peak.attention * FLOAT, images,
  };
  return { bytes: e.weights + e.optimizer + e.masks + e.activations + e.images, ...e };
}

const gib = (bytes: number): string =>
  `${bytes < 10 * GIB ? (bytes / GIB).toFixed(2) : Math.round(bytes / GIB).toLocaleString('en-US')} GiB`;

/**
 * Why this config cannot train in the memory a tab or a CLI process has, or null when it fits:
 * the estimate, its largest parts and the limit, and what to shrink.
 */
export function trainingMemoryProblem(c: ExperimentConfig): string | null {
  const e = estimateTrainingMemory(c);
  if (e.bytes <= TRAINING_MEMORY_LIMIT) return null;
  const parts = ([['weights and gradients', e.weights], ['AdamW moments', e.optimizer], ['masks', e.masks],
    [`activations of a batch (attention maps ${gib(e.attention)})`, e.activations], ['images', e.images]] as const)
    .filter(([, b]) => b >= 0.05 * e.bytes).map(([what, b]) => `${what} ${gib(b)}`);
  return `this config needs about ${gib(e.bytes)} to train (${parts.join(', ')}), past the ${gib(TRAINING_MEMORY_LIMIT)} limit: ` +
    'shrink batchSize, imageSize (or raise patchSize), embedDim or depth';
}
