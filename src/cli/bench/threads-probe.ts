// One measurement of the `threads` section, in a process of its own (the WASM backend initialises
// once per process): `node scripts/run-ts.mjs src/cli/bench/threads-probe.ts ASKED [force]`.
// Asks tfjs for ASKED threads (setThreadsCount before init), optionally forcing its multithread
// flag on, then times fmnist training steps and prints one JSON line (ThreadRun, plus the flag).
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../../engine/tf';
import { presetConfig } from '../../engine/config';
import { useBackend } from '../../backend/node';
import { errorText } from '../../backend/error-text';
import { loadForConfig } from '../load-data';
import type { ThreadRun } from './results';
import { timeSteps } from './step-time';

const INIT_TIMEOUT_MS = 60_000;

async function probe(asked: number, forced: boolean, reps: number): Promise<ThreadRun & { flag: boolean }> {
  const flag = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const run: ThreadRun & { flag: boolean } = { flag, asked, forced, backend: null, actualThreads: null, trainMs: null, imagesPerSec: null, cpuPerWall: null, error: null };
  if (forced) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(asked);
  const notes: string[] = [];
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`init did not finish in ${INIT_TIMEOUT_MS / 1000} s`)), INIT_TIMEOUT_MS).unref());
  try {
    run.backend = await Promise.race([useBackend('wasm', (s) => notes.push(s)), timeout]);
  } catch (e) {
    run.error = errorText(e);
    return run;
  }
  if (run.backend !== 'wasm') {
    // tfjs swallows the reason in prod mode (setBackend just returns false): ask the backend's factory itself.
    const reason = await Promise.race([Promise.resolve(tf.findBackendFactory('wasm')?.()).then(() => null, (e: unknown) => errorText(e)), timeout]).catch((e: unknown) => errorText(e));
    run.error = [...notes, reason].filter(Boolean).join('; ').slice(0, 400);
    return run;
  }
  run.actualThreads = wasm.getThreadsCount();
  const c = presetConfig('fmnist');
  const data = loadForConfig(c);
  await timeSteps(c, data, 2, 2); // warm-up outside the CPU/wall window
  const cpu0 = process.cpuUsage(), wall0 = performance.now();
  const t = await timeSteps(c, data, reps, 1);
  const cpu = process.cpuUsage(cpu0), wall = performance.now() - wall0;
  run.trainMs = t.trainMs;
  run.imagesPerSec = t.imagesPerSec;
  run.cpuPerWall = (cpu.user + cpu.system) / 1000 / wall;
  return run;
}

const [asked = '1', mode = ''] = process.argv.slice(2);
probe(Number(asked), mode === 'force', Number(process.env.THREADS_PROBE_REPS) || 10)
  .then((r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  })
  .catch((e) => {
    console.error(errorText(e));
    process.exit(1);
  });
