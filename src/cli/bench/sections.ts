// The Node benchmark sections. Each returns its section's data (results.ts); render.ts turns it into
// BENCHMARKS.md. The browser section is measured by scripts/bench-browser.ts.
import * as tf from '../../engine/tf';
import { presetConfig, type ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import type { Dataset } from '../../engine/data/types';
import { computeFlops } from '../../engine/flops';
import { syntheticDataset } from '../../engine/data/synthetic';
import { Trainer } from '../../engine/trainer';
import { loadForConfig } from '../load-data';
import { useBackend } from '../../backend/node';
import { trainRun } from '../train-run';
import { mean, std } from '../../engine/stats';
import type { AccuracyData, AccuracyRow, KernelsData, NodeThroughputData, SectionData, SectionName, StructuredSpeedRow, SviteOverheadData } from './results';
import { ablations } from './ablations';
import { topology } from './topology';
import { paperTable } from './paper-table';
import { peerSection } from './peer';
import { threadsSection } from './threads';
import { checkpointSection } from './checkpoint';
import { scaleOutSection } from './scale-out';
import { profileConfig } from '../profile';
import { pairedRatio, timeInterleaved, timeSteps } from './step-time';
import type { Provenance } from './provenance';
import { FMNIST_10MIN_STEPS, FMNIST_BUDGET_MS, fmnist10Min } from './fmnist-budget';
import { CHECK_FMNIST_LOSSES } from './check';
import { lossDigest } from './digest';

export interface SectionContext {
  quick: boolean;
  log: (s: string) => void;
  /** `--only section:part`: the part to measure (a section that has parts keeps the others' results). */
  part?: string;
  /** The run's provenance so far (commit, clean tree, load): parts measured on their own record their own. */
  provenance: () => Provenance;
}

export interface Section<D> {
  title: string;
  /** `save` stores partial results of a long section as it goes. */
  run(ctx: SectionContext & { save: (data: D) => void }): Promise<D>;
}

/** Sections measured by `npm run bench`; the browser, soak, store and webgpu-steps sections have scripts of their own, the GPU one needs a lent machine. */
export type NodeSectionName = Exclude<SectionName, 'browser' | 'soak' | 'gpu' | 'store' | 'webgpu-steps'>;

const fmnist = (over: Partial<ExperimentConfig> = {}): ExperimentConfig => ({ ...presetConfig('fmnist'), ...over });

let fmnistData: Dataset | null = null;
const fmnistSet = (): Dataset => (fmnistData ??= loadForConfig(fmnist()));

/** Accuracy of several configs over seeds with the same step budget. */
async function accuracyTable(ctx: SectionContext, variants: [string, Partial<ExperimentConfig>][]): Promise<AccuracyData> {
  await useBackend('wasm');
  const steps = ctx.quick ? 60 : 600;
  const seeds = ctx.quick ? [0] : [0, 1, 2];
  const rows: AccuracyRow[] = [];
  for (const [name, over] of variants) {
    const accs: number[] = [];
    const runs: AccuracyRow['runs'] = [];
    for (const seed of seeds) {
      const c = fmnist({ steps, evalEvery: 0, updateInterval: 20, warmupSteps: 30, seed, ...over });
      const { summary, trainer } = await trainRun(c, fmnistSet(), 'wasm', { quiet: true, trainEvalImages: 2000 });
      trainer.dispose();
      accs.push(summary.testAccuracy);
      runs.push({ seed, config: summary.config, testAccuracy: summary.testAccuracy, wallMs: summary.wallMs, globalDensity: summary.globalDensity, updates: summary.updates.length, savedTheoretical: summary.flops.savedTheoretical, savedExecuted: summary.flops.savedExecuted });
      ctx.log(`   ${name} seed ${seed}: ${(summary.testAccuracy * 100).toFixed(2)}%`);
    }
    rows.push({ name, meanAccuracy: mean(accs), stdAccuracy: std(accs), runs });
  }
  return { steps, batchSize: fmnist().batchSize, seeds, testImages: fmnistSet().test.count, rows };
}

/** The methods whose kernels per step the `kernels` section counts (cli profile's measurement). */
const KERNEL_ROWS: [string, Partial<ExperimentConfig>][] = [
  ['dense', {}],
  ['SViTE d=0.5', { method: 'svite', density: 0.5 }],
  ['S²ViTE (0.5, 0.5)', { method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5 }],
  ['SViTE+ d=0.5 keep 0.7', { method: 'svite', density: 0.5, tokenKeep: 0.7 }],
];

export const SECTIONS: { [N in NodeSectionName]: Section<SectionData[N]> } = {
  'node-throughput': {
    title: 'Training throughput in Node (fmnist preset)',
    async run(ctx) {
      const rows: NodeThroughputData['rows'] = [];
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await useBackend(backend);
        const r = await timeSteps(fmnist(), fmnistSet(), ctx.quick ? 3 : 10);
        rows.push({ backend: got, ...r });
        ctx.log(`   ${got}: ${r.imagesPerSec.toFixed(0)} images/s`);
      }
      return { config: encodeConfig(fmnist()), batchSize: fmnist().batchSize, rows };
    },
  },

  peer: {
    title: 'The PyTorch peer: the same shapes on the CPU, side by side',
    run: (ctx) => peerSection(ctx, fmnist(), fmnistSet()),
  },

  kernels: {
    title: 'Kernels per step (fmnist shapes): dense, SViTE, S²ViTE, SViTE+',
    async run(ctx) {
      const backend = await useBackend('wasm');
      const rows: KernelsData['rows'] = [];
      for (const [name, over] of KERNEL_ROWS) {
        const r = await profileConfig(fmnist(over), fmnistSet(), backend);
        rows.push({ name, ...r });
        ctx.log(`   ${name}: ${r.kernelsPerStep} kernels per training step, ${r.inference.kernels} per inference batch`);
      }
      return { backend, targetDense: 300, rows };
    },
  },

  threads: {
    title: 'WASM threads: 1 and 2 in Node (and the count in Chromium, from the browser benchmark)',
    run: (ctx) => threadsSection(ctx, fmnist()),
  },

  'fmnist-10min': {
    title: 'Fashion-MNIST accuracy after a 10-minute budget',
    async run(ctx) {
      const started = Date.now();
      const backend = await useBackend('wasm');
      if (ctx.part === 'calibrate') {
        // The step count that would fit now, keeping ~8% of the budget for the final evaluation.
        const probe = await timeSteps(fmnist(), fmnistSet(), 10);
        ctx.log(`   ${probe.trainMs.toFixed(1)} ms/step here: ${Math.floor((FMNIST_BUDGET_MS * 0.92) / (probe.trainMs * 1.12) / 10) * 10} steps would fit (FMNIST_10MIN_STEPS is ${FMNIST_10MIN_STEPS})`);
      }
      // The run is the fixed 10-minute step count, never cut short by the clock, so its link
      // reproduces it; the wall time says whether it still fits the budget on this machine.
      const c = ctx.quick ? fmnist10Min({ steps: 100, warmupSteps: 5 }) : fmnist10Min();
      const { summary, trainer } = await trainRun(c, fmnistSet(), backend, { quiet: true, trainEvalImages: 10000, log: ctx.log });
      trainer.dispose();
      ctx.log(`   test accuracy ${(summary.testAccuracy * 100).toFixed(2)}% in ${(summary.wallMs / 1000).toFixed(0)} s`);
      const wallMs = Date.now() - started;
      return {
        backend, budgetMs: FMNIST_BUDGET_MS, config: summary.config, steps: summary.steps, plannedSteps: c.steps, totalWallMs: wallMs,
        epochs: (summary.steps * c.batchSize) / fmnistSet().train.count, testAccuracy: summary.testAccuracy, trainAccuracy: summary.trainAccuracy,
        testImages: summary.testImages, wallMs: summary.wallMs, imagesPerSec: summary.imagesPerSec, confusion: summary.confusion,
        losses: summary.losses.slice(0, CHECK_FMNIST_LOSSES), lossDigest: lossDigest(summary.losses),
      };
    },
  },

  'svite-overhead': {
    title: 'SViTE step time over dense, same backend',
    async run(ctx) {
      const out: SviteOverheadData['rows'] = [];
      for (const backend of ['wasm', 'cpu'] as const) {
        await useBackend(backend);
        const reps = ctx.quick ? 4 : backend === 'cpu' ? 8 : 20;
        // Interleave dense and sparse measurements so machine noise hits both alike.
        const dense: number[] = [], sparse: number[] = [], update: number[] = [];
        for (let round = 0; round < 2; round++) {
          dense.push((await timeSteps(fmnist(), fmnistSet(), reps)).trainMs);
          const s = await timeSteps(fmnist({ method: 'svite', density: 0.5, updateInterval: 5 }), fmnistSet(), reps);
          sparse.push(s.trainMs);
          if (s.updateMs !== null) update.push(s.updateMs);
        }
        const d = Math.min(...dense), s = Math.min(...sparse), u = Math.min(...update);
        out.push({ backend, denseMs: d, sviteMs: s, ratio: s / d, updateMs: u, updateInOrdinarySteps: u / s });
        ctx.log(`   ${backend}: svite/dense ${(s / d).toFixed(3)}, update = ${(u / s).toFixed(2)} ordinary steps`);
      }
      return { config: encodeConfig(fmnist({ method: 'svite', density: 0.5 })), rows: out };
    },
  },

  'structured-speed': {
    title: 'S²ViTE (0.5, 0.5) + token keep 0.7 over dense: time vs executed FLOPs',
    async run(ctx) {
      await useBackend('wasm');
      const shapes: [string, ExperimentConfig, number][] = [
        ['fmnist', fmnist(), 64],
        ['cifar10', presetConfig('cifar10'), 32],
        ['deit-tiny', { ...presetConfig('deit-tiny'), numClasses: 10 }, 2],
      ];
      const rows: StructuredSpeedRow[] = [];
      for (const [name, base, batchSize] of shapes) {
        const dense = { ...base, batchSize, dataset: 'synthetic' as const, augment: false, numClasses: 10 };
        // Topology updates every 4th step, so their cost is measured too (the ordinary steps are timed apart).
        const sparse = { ...dense, method: 's2vite' as const, attnDensity: 0.5, mlpDensity: 0.5, tokenKeep: 0.7, updateInterval: 4, updateEnd: 1 };
        const data = syntheticDataset({ imageSize: dense.imageSize, channels: dense.inChans as 1 | 3, seed: 0, trainCount: batchSize * 4, testCount: batchSize });
        const reps = ctx.quick ? 4 : { fmnist: 80, cifar10: 30 }[name] ?? 8;
        // Interleaved: each round times a dense step then a sparse one, and the ratio is the median
        // over rounds of their quotient, so a slow spell of the machine hits both sides of a ratio.
        const [a, b] = await timeInterleaved([dense, sparse], data, reps);
        const fd = computeFlops(dense), t = await Trainer.create(sparse, data);
        const fs = t.flops();
        t.dispose();
        const flopsRatio = fs.executed / fd.dense;
        const trainRatio = pairedRatio(b.trainSamples, a.trainSamples); // rounds with a sparse update step left out
        const inferRatio = pairedRatio(b.inferSamples, a.inferSamples);
        const updateRatio = b.updateMs === null ? null : b.updateMs / a.trainMs;
        const interval = base.updateInterval;
        const amortisedRatio = updateRatio === null ? trainRatio : ((interval - 1) * trainRatio + updateRatio) / interval;
        const row: StructuredSpeedRow = {
          name, config: encodeConfig(sparse), batchSize, reps, flopsRatio, theoreticalRatio: fs.theoretical / fd.dense,
          denseTrainMs: a.trainMs, sparseTrainMs: b.trainMs, trainRatio,
          denseInferMs: a.inferMs, sparseInferMs: b.inferMs, inferRatio,
          updateMs: b.updateMs, updateRatio, presetUpdateInterval: interval, amortisedRatio,
          trainSavingRealised: (1 - trainRatio) / (1 - flopsRatio), inferSavingRealised: (1 - inferRatio) / (1 - flopsRatio),
          amortisedSavingRealised: (1 - amortisedRatio) / (1 - flopsRatio),
        };
        rows.push(row);
        ctx.log(`   ${name}: FLOPs ×${flopsRatio.toFixed(3)}, train ×${trainRatio.toFixed(3)} (update step ×${updateRatio?.toFixed(2)}), infer ×${inferRatio.toFixed(3)}`);
        tf.disposeVariables();
      }
      return { backend: 'wasm', rows };
    },
  },

  'accuracy-svite': {
    title: 'Fashion-MNIST accuracy: dense vs SViTE',
    run: (ctx) => accuracyTable(ctx, [
      ['dense', {}],
      ['SViTE d=0.5', { method: 'svite', density: 0.5 }],
      ['SViTE d=0.3', { method: 'svite', density: 0.3 }],
    ]),
  },

  'paper-table': {
    title: "The paper's table in miniature: accuracy against FLOPs, three seeds",
    run: (ctx) => paperTable(ctx),
  },

  ablations: {
    title: 'Ablations behind the training defaults (tiny, three seeds)',
    run: (ctx) => ablations(ctx),
  },

  topology: {
    title: "S²ViTE's topology updates and SViTE+'s tokens against their baselines (issue 19)",
    run: (ctx) => topology(ctx),
  },

  checkpoint: {
    title: 'Checkpoints: size, write and read time (fmnist and cifar10)',
    run: (ctx) => checkpointSection(ctx),
  },

  'scale-out': {
    title: 'Scale out: PyTorch DDP (python/sparse_vit) with 1 and 2 processes on the CPU, next to the TypeScript engine',
    run: (ctx) => scaleOutSection(ctx),
  },

  'accuracy-structured': {
    title: 'Fashion-MNIST accuracy: S²ViTE and SViTE+',
    run: (ctx) => accuracyTable(ctx, [
      ['S²ViTE (0.7, 0.6)', { method: 's2vite', attnDensity: 0.7, mlpDensity: 0.6 }],
      ['S²ViTE (0.5, 0.5)', { method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5 }],
      ['SViTE+ d=0.5 keep 0.9', { method: 'svite', density: 0.5, tokenKeep: 0.9 }],
      ['SViTE+ d=0.5 keep 0.7', { method: 'svite', density: 0.5, tokenKeep: 0.7 }],
    ]),
  },
};
