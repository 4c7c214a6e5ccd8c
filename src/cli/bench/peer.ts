// The `peer` section: the fmnist preset's shapes trained by PyTorch on the CPU (bench/peer/torch_vit.py)
// next to ours on Node WASM, in one run, rounds interleaved (ours, then PyTorch's configurations), so
// a slow spell of the shared machine hits both sides of a ratio. The shapes and the training
// settings go to Python as JSON from the preset: they live in src/engine/config.ts only.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import type { Dataset } from '../../engine/data/types';
import { mlpHidden } from '../../engine/facts/shape';
import { countParams, paramSpecs } from '../../engine/model/params';
import { useBackend } from '../../backend/node';
import { repoRoot } from '../node-datasets';
import type { PeerData, PeerRound, TorchRun } from './results';
import type { SectionContext } from './sections';
import { median } from './stats';
import { timeSteps } from './step-time';

/** Pythons tried in turn: the one on PATH, then Debian's (where python3-torch installs). */
const PYTHONS = ['python3', '/usr/bin/python3'];

/**
 * PyTorch's configurations: BLAS threads are fixed per process (OPENBLAS_NUM_THREADS), torch's
 * intra-op threads per measurement. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, set on this machine, are
 * removed: OpenBLAS then detects the CPU itself.
 */
const TORCH_CONFIGS: { blasThreads: number; torchThreads: number[] }[] = [
  { blasThreads: 1, torchThreads: [1, 2] },
  { blasThreads: 2, torchThreads: [2] },
];

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

interface TorchOutput {
  torch: string; python: string; blasLibraries: string[]; blasInfo: string | null; mkldnn: boolean; params: number;
  rows: { threads: number; trainMs: number; imagesPerSec: number; inferMs: number; finalLoss: number }[];
}

function runTorch(python: string, c: ExperimentConfig, blasThreads: number, torchThreads: number[], reps: number): TorchOutput {
  const input = {
    imageSize: c.imageSize, patchSize: c.patchSize, inChans: c.inChans, numClasses: c.numClasses,
    embedDim: c.embedDim, depth: c.depth, numHeads: c.numHeads, mlpHidden: mlpHidden(c),
    batchSize: c.batchSize, lr: c.lr, weightDecay: c.weightDecay, labelSmoothing: c.labelSmoothing, clipNorm: c.clipNorm,
    expectedParams: countParams(paramSpecs(c)), threads: torchThreads, warmup: 3, reps,
  };
  const script = path.join(repoRoot(), 'bench', 'peer', 'torch_vit.py');
  const r = spawnSync(python, [script], { input: JSON.stringify(input), env: torchEnv(blasThreads), encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`the PyTorch peer failed (exit ${r.status}): ${r.error?.message ?? r.stderr.trim()}`);
  return JSON.parse(r.stdout) as TorchOutput;
}

export async function peerSection(ctx: SectionContext, c: ExperimentConfig, data: Dataset): Promise<PeerData> {
  const base = { config: encodeConfig(c), batchSize: c.batchSize, params: countParams(paramSpecs(c)), loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) };
  const found = findTorchPython();
  if ('skipped' in found) {
    ctx.log(`   skipped: ${found.skipped}`);
    return { ...base, skipped: found.skipped, python: null, torch: null, blasLibraries: [], blasInfo: null, mkldnn: null, rounds: [], ours: null, torchRuns: [] };
  }
  const backend = await useBackend('wasm');
  const reps = ctx.quick ? 4 : 12;
  const rounds: PeerRound[] = [];
  let about: TorchOutput | null = null;
  for (let round = 0; round < (ctx.quick ? 1 : 3); round++) {
    const ours = await timeSteps(c, data, reps, 3);
    const torch: TorchRun[] = [];
    for (const tc of TORCH_CONFIGS) {
      about = runTorch(found.python, c, tc.blasThreads, tc.torchThreads, reps);
      for (const row of about.rows) torch.push({ blasThreads: tc.blasThreads, torchThreads: row.threads, trainMs: row.trainMs, inferMs: row.inferMs, imagesPerSec: row.imagesPerSec });
    }
    rounds.push({ ours: { trainMs: ours.trainMs, inferMs: ours.inferMs, imagesPerSec: ours.imagesPerSec }, torch });
    ctx.log(`   round ${round}: ours ${ours.imagesPerSec.toFixed(0)} images/s, ${ours.inferMs.toFixed(1)} ms/batch; ` +
      torch.map((t) => `torch ${t.torchThreads}t/BLAS ${t.blasThreads}t ${t.imagesPerSec.toFixed(0)} images/s, ${t.inferMs.toFixed(1)} ms/batch`).join('; '));
  }
  const at = (f: (r: PeerRound) => number): number => median(rounds.map(f));
  const torchRuns = rounds[0].torch.map((t, i) => ({
    blasThreads: t.blasThreads, torchThreads: t.torchThreads,
    trainMs: at((r) => r.torch[i].trainMs), inferMs: at((r) => r.torch[i].inferMs), imagesPerSec: at((r) => r.torch[i].imagesPerSec),
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
