// The one typed experiment config: model, data, optimisation, seed and sparsity.
// Presets are complete configs; a share link stores only the fields that differ from its preset.
import { mlpHidden } from './facts/shape';

export const DATASETS = ['synthetic', 'mnist', 'fashion-mnist', 'cifar10'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const METHODS = ['dense', 'svite', 's2vite'] as const;
export type Method = (typeof METHODS)[number];
export const DISTRIBUTIONS = ['erk', 'uniform'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];
export const GROWTHS = ['gradient', 'random'] as const;
export type Growth = (typeof GROWTHS)[number];
export const MOMENT_RULES = ['reset', 'restart', 'keep'] as const;
export type MomentRule = (typeof MOMENT_RULES)[number];
export const UNIT_ROUNDINGS = ['ceil', 'round', 'floor'] as const;
export type UnitRounding = (typeof UNIT_ROUNDINGS)[number];
export const UNIT_INITS = ['fresh', 'zero'] as const;
export type UnitInit = (typeof UNIT_INITS)[number];
export const NEURON_PRUNE_SCORES = ['magnitude', 'taylor'] as const;
export type NeuronPruneScore = (typeof NEURON_PRUNE_SCORES)[number];
export const TOKEN_SELECTORS = ['learned', 'centre'] as const;
export type TokenSelector = (typeof TOKEN_SELECTORS)[number];
export const PRESETS = ['tiny', 'fmnist', 'cifar10', 'deit-tiny', 'deit-small', 'deit-base'] as const;
export type PresetName = (typeof PRESETS)[number];
/** The preset of a link that names none (or an unknown one). */
export const DEFAULT_PRESET: PresetName = 'tiny';

export interface ModelConfig {
  imageSize: number; // square images, pixels per side
  patchSize: number;
  inChans: number;
  numClasses: number;
  embedDim: number;
  depth: number;
  numHeads: number;
  mlpRatio: number;
}

export interface DataConfig {
  dataset: DatasetName;
  /** Random crop (pad 4 px scaled to the image) + horizontal flip; meaningful for CIFAR-10 and synthetic. */
  augment: boolean;
  /** Training images used (0 = all). Handy for quick runs. */
  trainSize: number;
}

export interface OptimConfig {
  steps: number;
  batchSize: number;
  lr: number; // peak learning rate
  minLr: number; // floor of the cosine
  weightDecay: number;
  warmupSteps: number;
  labelSmoothing: number;
  clipNorm: number; // global gradient-norm clip; 0 = off
  evalEvery: number; // steps between evaluations on the test split; 0 = only at the end
  evalSize: number; // test images per periodic evaluation (0 = whole test set)
}

export interface SparsityConfig {
  method: Method;
  density: number; // SViTE global weight density d
  distribution: Distribution;
  growth: Growth;
  updateFraction: number; // alpha: dr(0)
  updateInterval: number; // delta T, steps between topology updates
  updateEnd: number; // t_end as a fraction of the run
  /**
   * AdamW state of pruned and regrown weights. 'reset': inactive entries get no gradient, and the
   * moments of pruned and regrown entries restart from zero (under the global bias correction, so
   * a regrown weight's first ~100 steps move by ~3 × lr). 'restart': the same, and each restarted
   * entry's bias correction counts from its restart, as a fresh Adam's would. 'keep' (the
   * reference, SViTE only): the optimizer sees dense gradients, moments are never reset, and
   * W ← W ⊙ M after every step.
   */
  sparseMoments: MomentRule;
  attnDensity: number; // S2ViTE: kept fraction of heads per block
  mlpDensity: number; // S2ViTE: kept fraction of MLP hidden neurons per block
  /** S2ViTE: a unit pruned at an update may regrow at that same update (the reference's rule). */
  regrowPruned: boolean;
  /** S2ViTE: α for heads and neurons, dr(0) of the unit schedule (SViTE's α is updateFraction). */
  unitFraction: number;
  /** S2ViTE: how dr·n live units becomes a whole number of units to swap. */
  unitRounding: UnitRounding;
  /** S2ViTE: at most this many units of a kind swapped per block and update; 0 = no cap. */
  unitCap: number;
  /** S2ViTE: what a grown unit's qkv/fc1 columns start from (a unit pruned and regrown at the same
   *  update is untouched either way: that swap changes nothing). */
  unitInit: UnitInit;
  /** S2ViTE: updates a grown unit is safe from pruning (it is not judged before it has trained). */
  unitProtect: number;
  /** S2ViTE: how dead units are ranked for regrowth: the gradient at their output, or at random. */
  unitGrowth: Growth;
  /** S2ViTE: how live neurons are ranked for pruning: the L1 of their weights, or the first-order
   *  loss change of removing them, |Σ w·∂L/∂w| over their fc2 row. */
  neuronPrune: NeuronPruneScore;
  tokenKeep: number; // SViTE+: kept fraction of patch tokens; 1 = selector off
  /** SViTE+: the Gumbel-softmax temperature, linear from start to end over the run. */
  tokenTauStart: number;
  tokenTauEnd: number;
  /** SViTE+: scale of the Gumbel noise in training's choice of patches (1 = a sample of the
   *  selector's distribution; 0 = its top-k, as evaluation chooses). */
  tokenNoise: number;
  /** SViTE+: which patches are kept: the learned selector's top-k, or a fixed centre crop (baseline). */
  tokenSelector: TokenSelector;
  /** SViTE+: a learnable per-patch bias on the selector's scores, starting at this margin on the
   *  fixed baseline's centre patches and 0 elsewhere (0 = no bias). The learned selector then
   *  starts as the fixed-centre crop and leaves it only as its gradient says. */
  tokenPrior: number;
  /** SViTE+: the selector's learning rate as a fraction of the model's (scorer and bias). */
  tokenLr: number;
}

export interface ExperimentConfig extends ModelConfig, DataConfig, OptimConfig, SparsityConfig {
  preset: PresetName;
  seed: number;
}

const SPARSITY_DEFAULTS: SparsityConfig = {
  method: 'dense',
  density: 0.5,
  distribution: 'erk',
  growth: 'gradient',
  updateFraction: 0.5,
  updateInterval: 20,
  updateEnd: 0.8,
  sparseMoments: 'reset',
  attnDensity: 0.5,
  mlpDensity: 0.5,
  // The reference's rule: the just-pruned unit's intact outgoing weights usually win it back, and
  // such a no-op swap keeps the unit as it was. Keeping just-pruned units out (off) forced a fresh
  // unit in at every update and ping-ponged between two sets: −18 points against the frozen
  // topology on tiny (README, "S²ViTE's update rule"; bench/topology.ts).
  regrowPruned: true,
  // α for units: swapping fewer units per update cost less on tiny (0.7, 0.6), tuning seeds 0–1.
  unitFraction: 0.1,
  unitRounding: 'ceil',
  unitCap: 0,
  unitInit: 'fresh',
  unitProtect: 0,
  unitGrowth: 'gradient',
  // Magnitude ranks neurons worse than chance: on trained tiny checkpoints its 6 lowest of 58 live
  // neurons held 2 of the 108 least useful by masking (chance 11). Taylor: tiny seeds 0–2 vs frozen
  // −0.1 / +1.7 points at (0.7, 0.6) / (0.5, 0.5), magnitude −0.8 / +1.1 (README, S²ViTE's update rule).
  neuronPrune: 'taylor',
  tokenKeep: 1,
  tokenSelector: 'learned',
  tokenTauStart: 10,
  tokenTauEnd: 0.1,
  // No noise: with a near-flat scorer, noise 1 trains on random patches and evaluates on the top-k
  // (tiny keep 0.7, seeds 0–1: 87.8 / 88.4% without, 74.3 / 78.3% with; README, SViTE+).
  tokenNoise: 0,
  // The learned selector starts as the fixed centre crop: without a prior its straight-through
  // gradient pushed the centre patches' scores down and kept the corners (tiny seed 3: 66.2%);
  // margin 5 measured best on tuning seeds 0–2 (README, SViTE+; bench/topology.ts).
  tokenPrior: 5,
  tokenLr: 1,
};

const OPTIM_DEFAULTS: OptimConfig = {
  steps: 300,
  batchSize: 32,
  lr: 2e-3,
  minLr: 1e-5,
  weightDecay: 0.05,
  warmupSteps: 20,
  labelSmoothing: 0.1,
  clipNorm: 1,
  evalEvery: 100,
  evalSize: 1000,
};

function deit(embedDim: number, numHeads: number, name: PresetName): ExperimentConfig {
  return {
    preset: name, seed: 0,
    imageSize: 224, patchSize: 16, inChans: 3, numClasses: 1000,
    embedDim, depth: 12, numHeads, mlpRatio: 4,
    dataset: 'synthetic', augment: false, trainSize: 0,
    ...OPTIM_DEFAULTS, steps: 10, batchSize: 8, lr: (5e-4 * 8) / 512, minLr: 1e-7, warmupSteps: 0,
    ...SPARSITY_DEFAULTS, updateInterval: 15000,
  };
}

export const PRESET_CONFIGS: Record<PresetName, ExperimentConfig> = {
  // Trains in seconds on WASM: first impressions. 800 steps, not 400: at 400 the run stops midway
  // through its rise and the seed decides how far it got (dense 77 / 73 / 42%); at 800 it is
  // 90.3 / 92.9 / 93.8%. Random growth: gradient growth trails dense by 7.8 points here, random
  // growth by 0.2 (BENCHMARKS.md, ablations; README, "What to expect").
  tiny: {
    preset: 'tiny', seed: 0,
    imageSize: 16, patchSize: 4, inChans: 1, numClasses: 10,
    embedDim: 48, depth: 2, numHeads: 4, mlpRatio: 2,
    dataset: 'synthetic', augment: false, trainSize: 0,
    ...OPTIM_DEFAULTS, steps: 800, batchSize: 32, lr: 4e-3, warmupSteps: 20, evalEvery: 200, evalSize: 500,
    ...SPARSITY_DEFAULTS, updateInterval: 30, growth: 'random',
  },
  fmnist: {
    preset: 'fmnist', seed: 0,
    // Patch 7 (4×4 grid + cls = 17 tokens): reaches 85%+ on a 2-core CPU in minutes.
    imageSize: 28, patchSize: 7, inChans: 1, numClasses: 10,
    embedDim: 64, depth: 4, numHeads: 4, mlpRatio: 2,
    dataset: 'fashion-mnist', augment: false, trainSize: 0,
    ...OPTIM_DEFAULTS, steps: 2000, batchSize: 64, lr: 2e-3, warmupSteps: 100, evalEvery: 500, evalSize: 1000,
    ...SPARSITY_DEFAULTS, updateInterval: 50,
  },
  cifar10: {
    preset: 'cifar10', seed: 0,
    imageSize: 32, patchSize: 4, inChans: 3, numClasses: 10,
    embedDim: 96, depth: 4, numHeads: 4, mlpRatio: 2,
    dataset: 'cifar10', augment: true, trainSize: 0,
    ...OPTIM_DEFAULTS, steps: 3000, batchSize: 64, lr: 1e-3, warmupSteps: 150, evalEvery: 500, evalSize: 1000,
    ...SPARSITY_DEFAULTS, updateInterval: 75,
  },
  'deit-tiny': deit(192, 3, 'deit-tiny'),
  'deit-small': deit(384, 6, 'deit-small'),
  'deit-base': deit(768, 12, 'deit-base'),
};

export function presetConfig(name: PresetName): ExperimentConfig {
  return { ...PRESET_CONFIGS[name] };
}

/** Native image geometry of each data set; synthetic renders at any size with 1 or 3 channels. */
export const DATASET_GEOMETRY: Record<Exclude<DatasetName, 'synthetic'>, { imageSize: number; inChans: number; numClasses: number }> = {
  mnist: { imageSize: 28, inChans: 1, numClasses: 10 },
  'fashion-mnist': { imageSize: 28, inChans: 1, numClasses: 10 },
  cifar10: { imageSize: 32, inChans: 3, numClasses: 10 },
};

export interface ConfigIssue {
  field: keyof ExperimentConfig;
  message: string;
}

const isInt = (x: number): boolean => Number.isInteger(x);

/** Whole-number fields and their largest allowed value (the smallest is 1). */
export const INT_LIMITS = {
  imageSize: 1024, patchSize: 1024, embedDim: 4096, depth: 48, numHeads: 64, numClasses: 100000,
  steps: 10_000_000, batchSize: 4096, updateInterval: Number.MAX_SAFE_INTEGER,
} as const satisfies Partial<Record<keyof ExperimentConfig, number>>;

/** Real-valued fields in (lo, hi] (or [lo, hi] where loOpen is false). */
export const REAL_RANGES = {
  mlpRatio: { lo: 0, hi: 16, loOpen: true },
  lr: { lo: 0, hi: 1, loOpen: true },
  weightDecay: { lo: 0, hi: 1, loOpen: false },
  density: { lo: 0, hi: 1, loOpen: true },
  updateFraction: { lo: 0, hi: 1, loOpen: true },
  updateEnd: { lo: 0, hi: 1, loOpen: false },
  attnDensity: { lo: 0, hi: 1, loOpen: true },
  mlpDensity: { lo: 0, hi: 1, loOpen: true },
  tokenKeep: { lo: 0, hi: 1, loOpen: true },
  unitFraction: { lo: 0, hi: 1, loOpen: true },
  tokenTauStart: { lo: 0, hi: 1000, loOpen: true },
  tokenTauEnd: { lo: 0, hi: 1000, loOpen: true },
} as const satisfies Partial<Record<keyof ExperimentConfig, { lo: number; hi: number; loOpen: boolean }>>;

/** Every reason the config cannot run, each with the field and how to fix it. Empty = valid. */
export function validateConfig(c: ExperimentConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const need = (ok: boolean, field: keyof ExperimentConfig, message: string): void => {
    if (!ok) out.push({ field, message });
  };
  const posInt = (field: keyof typeof INT_LIMITS): void => {
    const v = c[field] as number, max = INT_LIMITS[field];
    need(isInt(v) && v >= 1 && v <= max, field, `${field} must be a whole number from 1 to ${max} (got ${v})`);
  };
  const frac = (field: keyof typeof REAL_RANGES): void => {
    const v = c[field] as number, { lo, hi, loOpen } = REAL_RANGES[field];
    const ok = Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && v <= hi;
    need(ok, field, `${field} must be in ${loOpen ? '(' : '['}${lo}, ${hi}] (got ${v})`);
  };
  posInt('imageSize');
  posInt('patchSize');
  posInt('embedDim');
  posInt('depth');
  posInt('numHeads');
  posInt('numClasses');
  need(c.inChans === 1 || c.inChans === 3, 'inChans', `inChans must be 1 or 3 (got ${c.inChans})`);
  frac('mlpRatio');
  if (isInt(c.embedDim) && c.embedDim >= 1 && Number.isFinite(c.mlpRatio) && c.mlpRatio > 0)
    need(mlpHidden(c) >= 1, 'mlpRatio',
      `mlpRatio ${c.mlpRatio} gives an MLP of no neurons (embedDim ${c.embedDim} × ${c.mlpRatio}, rounded down): use mlpRatio ≥ ${1 / c.embedDim} (timm's default is 4)`);
  if (isInt(c.imageSize) && isInt(c.patchSize) && c.patchSize > 0)
    need(c.imageSize % c.patchSize === 0, 'patchSize',
      `imageSize ${c.imageSize} is not divisible by patchSize ${c.patchSize}: pick a patch size that divides it (e.g. ${divisors(c.imageSize, 64).join(', ')})`);
  if (isInt(c.embedDim) && isInt(c.numHeads) && c.numHeads > 0)
    need(c.embedDim % c.numHeads === 0, 'numHeads',
      `embedDim ${c.embedDim} is not divisible by numHeads ${c.numHeads}: pick a head count that divides it (e.g. ${divisors(c.embedDim, 16).join(', ')})`);
  need(DATASETS.includes(c.dataset), 'dataset', `dataset must be one of ${DATASETS.join(', ')} (got ${c.dataset})`);
  if (c.dataset !== 'synthetic' && DATASETS.includes(c.dataset)) {
    const g = DATASET_GEOMETRY[c.dataset];
    need(c.imageSize === g.imageSize, 'imageSize', `${c.dataset} images are ${g.imageSize}×${g.imageSize}: set imageSize=${g.imageSize}`);
    need(c.inChans === g.inChans, 'inChans', `${c.dataset} images have ${g.inChans} channel(s): set inChans=${g.inChans}`);
    need(c.numClasses === g.numClasses, 'numClasses', `${c.dataset} has ${g.numClasses} classes: set numClasses=${g.numClasses}`);
  } else if (c.dataset === 'synthetic') {
    need(c.numClasses === 10 || c.preset.startsWith('deit'), 'numClasses', `the synthetic set has 10 classes: set numClasses=10`);
  }
  need(isInt(c.trainSize) && c.trainSize >= 0, 'trainSize', `trainSize must be a whole number ≥ 0 (0 = all); got ${c.trainSize}`);
  posInt('steps');
  posInt('batchSize');
  frac('lr');
  need(Number.isFinite(c.minLr) && c.minLr >= 0 && c.minLr <= c.lr, 'minLr', `minLr must be between 0 and lr (got ${c.minLr})`);
  frac('weightDecay');
  need(isInt(c.warmupSteps) && c.warmupSteps >= 0, 'warmupSteps', `warmupSteps must be a whole number ≥ 0 (got ${c.warmupSteps})`);
  need(Number.isFinite(c.labelSmoothing) && c.labelSmoothing >= 0 && c.labelSmoothing < 1, 'labelSmoothing', `labelSmoothing must be in [0, 1) (got ${c.labelSmoothing})`);
  need(Number.isFinite(c.clipNorm) && c.clipNorm >= 0, 'clipNorm', `clipNorm must be ≥ 0 (0 = off); got ${c.clipNorm}`);
  need(isInt(c.evalEvery) && c.evalEvery >= 0, 'evalEvery', `evalEvery must be a whole number ≥ 0 (got ${c.evalEvery})`);
  need(isInt(c.evalSize) && c.evalSize >= 0, 'evalSize', `evalSize must be a whole number ≥ 0 (got ${c.evalSize})`);
  need(isInt(c.seed) && c.seed >= 0 && c.seed < 2 ** 32, 'seed', `seed must be a whole number in [0, 2^32) (got ${c.seed})`);
  need(METHODS.includes(c.method), 'method', `method must be one of ${METHODS.join(', ')} (got ${c.method})`);
  need(DISTRIBUTIONS.includes(c.distribution), 'distribution', `distribution must be erk or uniform (got ${c.distribution})`);
  need(GROWTHS.includes(c.growth), 'growth', `growth must be gradient or random (got ${c.growth})`);
  need(MOMENT_RULES.includes(c.sparseMoments), 'sparseMoments', `sparseMoments must be one of ${MOMENT_RULES.join(', ')} (got ${c.sparseMoments})`);
  frac('density');
  frac('updateFraction');
  posInt('updateInterval');
  frac('updateEnd');
  frac('attnDensity');
  frac('mlpDensity');
  frac('tokenKeep');
  frac('unitFraction');
  need(UNIT_ROUNDINGS.includes(c.unitRounding), 'unitRounding', `unitRounding must be one of ${UNIT_ROUNDINGS.join(', ')} (got ${c.unitRounding})`);
  need(isInt(c.unitCap) && c.unitCap >= 0, 'unitCap', `unitCap must be a whole number ≥ 0 (0 = no cap); got ${c.unitCap}`);
  need(UNIT_INITS.includes(c.unitInit), 'unitInit', `unitInit must be one of ${UNIT_INITS.join(', ')} (got ${c.unitInit})`);
  need(isInt(c.unitProtect) && c.unitProtect >= 0 && c.unitProtect <= 1000, 'unitProtect', `unitProtect must be a whole number of updates from 0 to 1000 (got ${c.unitProtect})`);
  need(GROWTHS.includes(c.unitGrowth), 'unitGrowth', `unitGrowth must be gradient or random (got ${c.unitGrowth})`);
  need(NEURON_PRUNE_SCORES.includes(c.neuronPrune), 'neuronPrune', `neuronPrune must be one of ${NEURON_PRUNE_SCORES.join(', ')} (got ${c.neuronPrune})`);
  frac('tokenTauStart');
  frac('tokenTauEnd');
  need(Number.isFinite(c.tokenNoise) && c.tokenNoise >= 0 && c.tokenNoise <= 10, 'tokenNoise', `tokenNoise must be in [0, 10] (got ${c.tokenNoise})`);
  need(Number.isFinite(c.tokenPrior) && c.tokenPrior >= 0 && c.tokenPrior <= 1000, 'tokenPrior', `tokenPrior must be in [0, 1000] (0 = no positional bias; got ${c.tokenPrior})`);
  need(Number.isFinite(c.tokenLr) && c.tokenLr >= 0 && c.tokenLr <= 100, 'tokenLr', `tokenLr must be in [0, 100] (a fraction of lr; 0 freezes the selector; got ${c.tokenLr})`);
  need(TOKEN_SELECTORS.includes(c.tokenSelector), 'tokenSelector', `tokenSelector must be one of ${TOKEN_SELECTORS.join(', ')} (got ${c.tokenSelector})`);
  need(typeof c.regrowPruned === 'boolean', 'regrowPruned', `regrowPruned must be true or false (got ${c.regrowPruned})`);
  if (c.method === 's2vite' && isInt(c.numHeads))
    need(c.numHeads >= 2, 'numHeads', `S²ViTE prunes whole heads: it needs at least 2 heads per block (got ${c.numHeads})`);
  return out;
}

/** Divisors of n up to `max`, increasing. */
export function divisors(n: number, max = n): number[] {
  const out: number[] = [];
  for (let d = 1; d <= Math.min(n, max); d++) if (n % d === 0) out.push(d);
  return out;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid experiment config:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function assertValidConfig(c: ExperimentConfig): void {
  const issues = validateConfig(c);
  if (issues.length) throw new ConfigError(issues);
}

