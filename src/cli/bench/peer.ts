// The `peer` section: the fmnist preset's shapes trained by PyTorch on the CPU (bench/peer/torch_vit.py)
// next to ours on Node WASM, in one run, rounds interleaved (ours, then PyTorch's configurations), so
// a slow spell of the shared machine hits both sides of a ratio. The shapes and the training
// settings go to Python as JSON from the preset: they live in src/engine/config.ts only.
import type { ExperimentConfig } from '../../engine/config';
import * as tf from '../../engine/tf';
import { encodeConfig } from '../../engine/config-url';
import type { Dataset } from '../../engine/data/types';
import { countParams, paramSpecs } from '../../engine/model/params';
import { dense2d } from '../../engine/model/layers';
import { useBackend } from '../../backend/node';
import { loadAverage, type PeerData, type PeerRound, type TorchRun } from './results';
import type { SectionContext } from './sections';
import { median } from '../../engine/stats';
import { timeSteps } from './step-time';
import { WARMUP_STEPS } from './warmup';
import { blockGemmShapes, findTorchPython, PEER_REPS, runTorch, type TorchOutput } from './torch-peer';

/**
 * Our side of the matmul-alone measurement: the model's Linear layer (x·W + 0 on WASM: our GEMM
 * kernel, split over the helper threads), the summed medians of `reps` calls per shape. WASM
 * kernels finish before they return, so no readback is timed.
 */
function timeGemms(shapes: [number, number, number][], reps: number): number {
  return shapes.reduce((total, [m, k, n]) => {
    const a = tf.randomNormal([m, k]) as tf.Tensor2D, b = tf.randomNormal([k, n]) as tf.Tensor2D, bias = tf.zeros([n]);
    const ms: number[] = [];
    for (let i = 0; i < reps + 5; i++) {
      const t0 = performance.now();
      const y = dense2d(a, b, bias); // the model's Linear layer: on WASM, our GEMM kernel
      if (i >= 5) ms.push(performance.now() - t0);
      y.dispose();
    }
    tf.dispose([a, b, bias]);
    return total + median(ms);
  }, 0);
}

/**
 * PyTorch's configurations: BLAS threads are fixed per process (OPENBLAS_NUM_THREADS), torch's
 * intra-op threads per measurement. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, set on this machine, are
 * removed: OpenBLAS then detects the CPU itself.
 */
const TORCH_CONFIGS: { blasThreads: number; torchThreads: number[] }[] = [
  { blasThreads: 1, torchThreads: [1, 2] },
  { blasThreads: 2, torchThreads: [2] },
];

export async function peerSection(ctx: SectionContext, c: ExperimentConfig, data: Dataset): Promise<PeerData> {
  const reps = ctx.quick ? 4 : PEER_REPS;
  const base = { config: encodeConfig(c), batchSize: c.batchSize, warmupSteps: WARMUP_STEPS, measuredSteps: reps, params: countParams(paramSpecs(c)), loadAverage: loadAverage(), gemmShapes: blockGemmShapes(c) };
  const found = findTorchPython();
  if ('skipped' in found) {
    ctx.log(`   skipped: ${found.skipped}`);
    return { ...base, skipped: found.skipped, python: null, torch: null, blasLibraries: [], blasInfo: null, mkldnn: null, rounds: [], ours: null, torchRuns: [] };
  }
  const backend = await useBackend('wasm');
  const rounds: PeerRound[] = [];
  let about: TorchOutput | null = null;
  for (let round = 0; round < (ctx.quick ? 1 : 3); round++) {
    const ours = { ...(await timeSteps(c, data, reps)), gemmMs: timeGemms(base.gemmShapes, reps * 4) };
    const torch: TorchRun[] = [];
    for (const tc of TORCH_CONFIGS) {
      about = runTorch(found.python, c, tc.blasThreads, tc.torchThreads, reps);
      for (const row of about.rows) torch.push({ blasThreads: tc.blasThreads, torchThreads: row.threads, trainMs: row.trainMs, inferMs: row.inferMs, imagesPerSec: row.imagesPerSec, gemmMs: row.gemmMs });
    }
    rounds.push({ ours: { trainMs: ours.trainMs, inferMs: ours.inferMs, imagesPerSec: ours.imagesPerSec, gemmMs: ours.gemmMs }, torch });
    ctx.log(`   round ${round}: ours ${ours.imagesPerSec.toFixed(0)} images/s, ${ours.inferMs.toFixed(1)} ms/batch; ` +
      torch.map((t) => `torch ${t.torchThreads}t/BLAS ${t.blasThreads}t ${t.imagesPerSec.toFixed(0)} images/s, ${t.inferMs.toFixed(1)} ms/batch`).join('; '));
  }
  const at = (f: (r: PeerRound) => number): number => median(rounds.map(f));
  const torchRuns = rounds[0].torch.map((t, i) => ({
    blasThreads: t.blasThreads, torchThreads: t.torchThreads,
    trainMs: at((r) => r.torch[i].trainMs), inferMs: at((r) => r.torch[i].inferMs), imagesPerSec: at((r) => r.torch[i].imagesPerSec), gemmMs: at((r) => r.torch[i].gemmMs ?? NaN),
    // Ours ÷ PyTorch as speeds, each round's pair measured back to back.
    trainRatio: at((r) => r.ours.imagesPerSec / r.torch[i].imagesPerSec),
    inferRatio: at((r) => r.torch[i].inferMs / r.ours.inferMs),
  }));
  const a = about as TorchOutput;
  return {
    ...base, skipped: null, python: `${found.python} (Python ${a.python})`, torch: a.torch, blasLibraries: a.blasLibraries, blasInfo: a.blasInfo, mkldnn: a.mkldnn,
    rounds, ours: { backend, trainMs: at((r) => r.ours.trainMs), inferMs: at((r) => r.ours.inferMs), imagesPerSec: at((r) => r.ours.imagesPerSec) }, torchRuns,
  };
}
