// The `threads` section: does tfjs 4.22's WASM backend use threads in Node? Each measurement runs
// in a process of its own (threads-probe.ts: the backend initialises once per process): 1 and 2
// threads asked the ordinary way, then 2 with tfjs's multithread flag forced on.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { repoRoot } from '../node-datasets';
import type { ThreadRun, ThreadsData } from './results';
import type { SectionContext } from './sections';

const PROBES: { asked: number; forced: boolean }[] = [
  { asked: 1, forced: false },
  { asked: 2, forced: false },
  { asked: 2, forced: true },
];

function probe(asked: number, forced: boolean, reps: number): ThreadRun & { flag: boolean } {
  const root = repoRoot();
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-ts.mjs'), 'src/cli/bench/threads-probe.ts', String(asked), ...(forced ? ['force'] : [])],
    { cwd: root, encoding: 'utf8', env: { ...process.env, THREADS_PROBE_REPS: String(reps) }, timeout: 600_000, maxBuffer: 64 * 2 ** 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`threads probe (${asked}${forced ? ', forced' : ''}) failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().slice(-400)}`);
  return JSON.parse(line) as ThreadRun & { flag: boolean };
}

export async function threadsSection(ctx: SectionContext, c: ExperimentConfig): Promise<ThreadsData> {
  const runs: ThreadRun[] = [];
  let flag = false;
  for (const p of PROBES) {
    const { flag: f, ...run } = probe(p.asked, p.forced, ctx.quick ? 3 : 10);
    flag ||= f;
    runs.push(run);
    ctx.log(`   asked ${p.asked}${p.forced ? ' (flag forced)' : ''}: ${run.error ?? `${run.actualThreads} thread(s), ${run.imagesPerSec?.toFixed(0)} images/s, CPU/wall ${run.cpuPerWall?.toFixed(2)}`}`);
  }
  return { nodeMultithreadFlag: flag, config: encodeConfig(c), runs };
}
