// The `threads` section: fmnist training and inference on WASM with 1 and 2 threads in Node. Each
// measurement runs in a process of its own (threads-probe.ts: the backend initialises once per
// process); the rounds alternate 1, 2, 1, 2, … so a slow spell of a shared machine hits both alike.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { repoRoot } from '../node-datasets';
import type { ThreadRun, ThreadsData } from './results';
import type { SectionContext } from './sections';

/** The thread counts compared: tfjs's single-threaded binary, and its threaded one on this machine's 2 cores. */
export const COMPARED_THREADS = [1, 2] as const;

function probe(threads: number, round: number, reps: number): ThreadRun {
  const root = repoRoot();
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-ts.mjs'), 'src/cli/bench/threads-probe.ts', String(threads), String(round)],
    { cwd: root, encoding: 'utf8', env: { ...process.env, THREADS_PROBE_REPS: String(reps) }, timeout: 600_000, maxBuffer: 64 * 2 ** 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`threads probe (${threads} threads, round ${round}) failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().slice(-400)}`);
  return JSON.parse(line) as ThreadRun;
}

export async function threadsSection(ctx: SectionContext, c: ExperimentConfig): Promise<ThreadsData> {
  const runs: ThreadRun[] = [];
  const rounds = ctx.quick ? 1 : 3;
  for (let round = 1; round <= rounds; round++)
    for (const threads of COMPARED_THREADS) {
      const run = probe(threads, round, ctx.quick ? 3 : 10);
      runs.push(run);
      ctx.log(`   round ${round}, ${threads} thread(s): ${run.error ?? `${run.actualThreads} in use, ${run.imagesPerSec?.toFixed(0)} images/s, inference ${run.inferMs?.toFixed(1)} ms, CPU/wall ${run.cpuPerWall?.toFixed(2)}`}`);
    }
  return { config: encodeConfig(c), runs };
}
