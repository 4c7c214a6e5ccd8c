// Running the PyTorch peer (bench/peer/torch_vit.py) on the CPU: finding a Python that imports torch,
// and one process's measurement. Kept free of tfjs so the browser benchmark (run by tsx) can use it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { ExperimentConfig } from '../../engine/config';
import { mlpHidden, numPatches } from '../../engine/facts/shape';
import { countParams, paramSpecs } from '../../engine/model/params';
import { WARMUP_STEPS } from './warmup';
import { repoRoot } from '../node-datasets';

/** Pythons tried in turn: the one on PATH, then Debian's (where python3-torch installs). */
const PYTHONS = ['python3', '/usr/bin/python3'];

function torchEnv(blasThreads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(blasThreads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** The first Python that imports torch, or why none does. */
export function findTorchPython(pythons: readonly string[] = PYTHONS): { python: string } | { skipped: string } {
  const tried: string[] = [];
  for (const python of pythons) {
    const r = spawnSync(python, ['-c', 'import torch'], { env: torchEnv(1), encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return { python };
    tried.push(`${python}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return { skipped: `no Python here imports torch (${tried.join('; ')}); install it with \`apt-get install -y python3-torch libopenblas0-pthread\`` };
}

export interface TorchOutput {
  torch: string; python: string; blasLibraries: string[]; blasInfo: string | null; mkldnn: boolean; params: number;
  rows: { threads: number; trainMs: number; imagesPerSec: number; inferMs: number; gemmMs: number; finalLoss: number }[];
}

/** [M, K, N] of one block's forward matmuls (qkv, proj, fc1, fc2) on a batch: the GEMM work both sides time alone. */
export function blockGemmShapes(c: ExperimentConfig): [number, number, number][] {
  const m = c.batchSize * (numPatches(c) + 1), d = c.embedDim, h = mlpHidden(c);
  return [[m, d, 3 * d], [m, d, d], [m, d, h], [m, h, d]];
}

/** Floating-point operations of those matmuls (a multiply and an add per term). */
export const gemmFlop = (shapes: [number, number, number][]): number => shapes.reduce((a, [m, k, n]) => a + 2 * m * k * n, 0);

/** Steps (then inference batches) measured on each side, after WARMUP_STEPS unmeasured ones: nearer what a run of thousands of steps sees than 12. */
export const PEER_REPS = 60;

/** One PyTorch process: BLAS threads fixed by its environment, each of `torchThreads` measured in turn. */
export function runTorch(python: string, c: ExperimentConfig, blasThreads: number, torchThreads: number[], reps: number): TorchOutput {
  const input = {
    imageSize: c.imageSize, patchSize: c.patchSize, inChans: c.inChans, numClasses: c.numClasses,
    embedDim: c.embedDim, depth: c.depth, numHeads: c.numHeads, mlpHidden: mlpHidden(c),
    batchSize: c.batchSize, lr: c.lr, weightDecay: c.weightDecay, labelSmoothing: c.labelSmoothing, clipNorm: c.clipNorm,
    expectedParams: countParams(paramSpecs(c)), threads: torchThreads, warmup: WARMUP_STEPS, reps, gemmShapes: blockGemmShapes(c),
  };
  const script = path.join(repoRoot(), 'bench', 'peer', 'torch_vit.py');
  const r = spawnSync(python, [script], { input: JSON.stringify(input), env: torchEnv(blasThreads), encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`the PyTorch peer failed (exit ${r.status}): ${r.error?.message ?? r.stderr.trim()}`);
  return JSON.parse(r.stdout) as TorchOutput;
}
