// tfjs backends in Node: WASM by default (about 4× the pure-JS CPU backend here), CPU as the
// fallback. tfjs-node is not used: it downloads a native binary at install time.
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '../engine/tf';
import { applyWasmPatches } from './wasm-patches';
import { parseWasmThreads, wasmThreadsFor, WASM_THREADS_ENV } from './wasm-threads';
import { withThreadedWasm } from './wasm-threads-node';

export type NodeBackend = 'wasm' | 'cpu';

/** WASM threads in Node: $SVITE_WASM_THREADS if set (1 = single-threaded), else the cores (at most 4). */
export function nodeWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const given = env[WASM_THREADS_ENV];
  return given ? parseWasmThreads(given, WASM_THREADS_ENV) : wasmThreadsFor(os.availableParallelism());
}

/** The threads the WASM backend really runs on (after useBackend chose wasm). */
export function wasmThreadsInUse(): number {
  return getThreadsCount();
}

/**
 * Initialises `wanted` (falling back to cpu). WASM runs on `threads` threads: 1 is tfjs's
 * single-threaded SIMD binary, more its threaded one (wasm-threads-node.ts).
 */
export async function useBackend(wanted: NodeBackend = 'wasm', log: (s: string) => void = () => {}, threads = nodeWasmThreads()): Promise<NodeBackend> {
  tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner (IS_TEST would trip on a WASM kernel's known leak check)
  if (wanted === 'wasm') {
    // The .wasm binaries ship inside the package; the Emscripten loader reads them from disk.
    setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    setThreadsCount(threads);
    const init = async () => {
      if (!(await tf.setBackend('wasm'))) return false;
      await tf.ready();
      return true;
    };
    try {
      if (threads > 1 ? await withThreadedWasm(threads, init) : await init()) {
        if (tf.getBackend() === 'wasm') {
          applyWasmPatches();
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
