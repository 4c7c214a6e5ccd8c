// tfjs backends in Node: WASM by default (about 4× the pure-JS CPU backend here), CPU as the
// fallback. tfjs-node is not used: it downloads a native binary at install time.
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import * as tf from '../engine/tf';
import { kernelHelperCount, startKernelHelpers, type SpawnHelper } from '../engine/kernels/kernel-pool';
import { shareKernels } from '../engine/kernels/wasm-kernel';
import { applyWasmPatches } from './wasm-patches';
import { parseWasmThreads, useSingleThreadedTfjsWasm, wasmThreadsFor, WASM_THREADS_ENV } from './wasm-threads';

export type NodeBackend = 'wasm' | 'cpu';

/** WASM threads in Node: $SVITE_WASM_THREADS if set (1 = single-threaded), else the cores (at most 4). */
export function nodeWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const given = env[WASM_THREADS_ENV];
  return given ? parseWasmThreads(given, WASM_THREADS_ENV) : wasmThreadsFor(os.availableParallelism());
}

/** A kernel helper thread (kernel-pool.ts) as a Node worker; unref'd, so it never keeps Node alive. */
const spawnNodeHelper: SpawnHelper = (source) => {
  const worker = new Worker(source, { eval: true });
  worker.unref();
  return { post: (message) => worker.postMessage(message), terminate: () => void worker.terminate() };
};

/** The threads WASM computes on (after useBackend chose wasm): this one and the kernel helpers. */
export function wasmThreadsInUse(): number {
  return 1 + kernelHelperCount();
}

/**
 * Initialises `wanted` (falling back to cpu). WASM runs on `threads` threads: tfjs's single-
 * threaded SIMD binary, and our kernels split over this thread and threads − 1 helpers
 * (kernel-pool.ts). Measured against tfjs's threaded binary with the same helpers (its pool and
 * ours then contend for the cores), the single-threaded one trained as fast or faster.
 */
export async function useBackend(wanted: NodeBackend = 'wasm', log: (s: string) => void = () => {}, threads = nodeWasmThreads()): Promise<NodeBackend> {
  tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner (IS_TEST would trip on a WASM kernel's known leak check)
  if (wanted === 'wasm') {
    // The .wasm binaries ship inside the package; the Emscripten loader reads them from disk.
    setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    useSingleThreadedTfjsWasm(tf.env());
    const init = async () => {
      if (!(await tf.setBackend('wasm'))) return false;
      await tf.ready();
      return true;
    };
    try {
      if (await init()) {
        if (tf.getBackend() === 'wasm') {
          applyWasmPatches();
          const shared = threads > 1 ? shareKernels() : null;
          if (shared) startKernelHelpers(shared, threads - 1, spawnNodeHelper);
          return 'wasm';
        }
      }
    } catch (e) {
      log(`WASM backend failed (${(e as Error).message}); falling back to cpu`);
    }
    log('WASM backend unavailable; using the (slower) cpu backend');
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('could not initialise the tfjs cpu backend');
  await tf.ready();
  return 'cpu';
}
