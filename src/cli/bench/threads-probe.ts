// One measurement of the `threads` section, in a process of its own (the WASM backend initialises
// once per process): `node scripts/run-ts.mjs src/cli/bench/threads-probe.ts THREADS ROUND`.
// Initialises WASM on THREADS threads as the CLI does (this one and THREADS − 1 kernel helpers,
// engine/kernels/kernel-pool.ts), then times fmnist training steps and inference batches and
// prints one JSON line (ThreadRun).
import { presetConfig } from '../../engine/config';
import { useBackend, wasmThreadsInUse } from '../../backend/node';
import { errorText } from '../../backend/error-text';
import { loadForConfig } from '../load-data';
import type { ThreadRun } from './results';
import { timeSteps } from './step-time';

const INIT_TIMEOUT_MS = 60_000;

async function probe(asked: number, round: number, reps: number): Promise<ThreadRun> {
  const run: ThreadRun = { round, asked, backend: null, actualThreads: null, trainMs: null, inferMs: null, imagesPerSec: null, cpuPerWall: null, error: null };
  const notes: string[] = [];
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`init did not finish in ${INIT_TIMEOUT_MS / 1000} s`)), INIT_TIMEOUT_MS).unref());
  try {
    run.backend = await Promise.race([useBackend('wasm', (s) => notes.push(s), asked), timeout]);
  } catch (e) {
    run.error = errorText(e);
    return run;
  }
  if (run.backend !== 'wasm') {
    run.error = notes.join('; ').slice(0, 400) || 'the WASM backend did not initialise';
    return run;
  }
  run.actualThreads = wasmThreadsInUse();
  const c = presetConfig('fmnist');
  const data = loadForConfig(c);
  await timeSteps(c, data, 1); // warm-up (WARMUP_STEPS) outside the CPU/wall window
  const cpu0 = process.cpuUsage(), wall0 = performance.now();
  const t = await timeSteps(c, data, reps, 1);
  const cpu = process.cpuUsage(cpu0), wall = performance.now() - wall0;
  run.trainMs = t.trainMs;
  run.inferMs = t.inferMs;
  run.imagesPerSec = t.imagesPerSec;
  run.cpuPerWall = (cpu.user + cpu.system) / 1000 / wall;
  return run;
}

const [asked = '1', round = '1'] = process.argv.slice(2);
probe(Number(asked), Number(round), Number(process.env.THREADS_PROBE_REPS) || 10)
  .then((r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  })
  .catch((e) => {
    console.error(errorText(e));
    process.exit(1);
  });
