// The scale-out section: training images/s of the PyTorch package (python/sparse_vit) with 1 and 2
// gloo processes on this CPU, next to the TypeScript engine (Node WASM) on the same link. Every run
// trains the same experiment from the same link; each process runs one BLAS thread. No GPU is
// measured here: the GPU section says whether one was lent.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { presetConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { useBackend } from '../../backend/node';
import { loadForConfig } from '../load-data';
import { repoRoot } from '../node-datasets';
import { trainRun } from '../train-run';
import { loadAverage, type ScaleOutData } from './results';
import type { SectionContext } from './sections';
import { findTorchPython } from './torch-peer';

/** One `python -m sparse_vit.train` run (through torch.distributed.run for 2+ processes); its summary's images/s. */
function pythonRun(python: string, link: string, processes: number): number {
  const out = mkdtempSync(path.join(os.tmpdir(), 'scale-out-'));
  try {
    const launch = processes === 1 ? [] : ['-m', 'torch.distributed.run', '--standalone', `--nproc_per_node=${processes}`, '--redirects', '9:1', '--tee', '9:1'];
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const r = spawnSync(python, [...launch, '-m', 'sparse_vit.train', '--url', link, '--out', out, '--quiet'],
      { cwd: path.join(repoRoot(), 'python'), env, encoding: 'utf8', timeout: 3_600_000 });
    if (r.status !== 0) throw new Error(`sparse_vit.train with ${processes} process(es) failed (exit ${r.status}): ${r.error?.message ?? r.stderr.trim().slice(-2000)}`);
    return (JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { imagesPerSec: number }).imagesPerSec;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function scaleOutSection(ctx: SectionContext): Promise<ScaleOutData> {
  const c = { ...presetConfig('fmnist'), steps: ctx.quick ? 40 : 400, evalEvery: 0, evalSize: 1000 };
  const link = encodeConfig(c);
  const load = loadAverage();
  await useBackend('wasm');
  const { summary, trainer } = await trainRun(c, loadForConfig(c), 'wasm', { quiet: true, trainEvalImages: 1000 });
  trainer.dispose();
  const rows: ScaleOutData['rows'] = [{ engine: 'TypeScript engine (Node WASM)', processes: 1, imagesPerSec: summary.imagesPerSec }];
  ctx.log(`   TypeScript engine: ${summary.imagesPerSec.toFixed(0)} images/s`);
  const found = findTorchPython();
  if ('python' in found)
    for (const processes of [1, 2]) {
      const ips = pythonRun(found.python, link, processes);
      rows.push({ engine: 'PyTorch DDP (gloo, CPU)', processes, imagesPerSec: ips });
      ctx.log(`   PyTorch DDP ×${processes}: ${ips.toFixed(0)} images/s`);
    }
  return { config: link, batchSize: c.batchSize, steps: c.steps, skipped: 'skipped' in found ? found.skipped : null, loadAverage: load, rows };
}
