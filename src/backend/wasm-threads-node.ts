// tfjs-backend-wasm 4.22's threaded binary in Node. tfjs turns it off there (WASM_HAS_MULTITHREAD_SUPPORT
// is false under IS_NODE) because it hands Emscripten Blob URLs, which worker_threads cannot load
// ("The worker script ... must be an absolute path ... Received blob:nodedata:…"). The same two
// scripts ship as files in the package (wasm-out/): while the backend initialises, the Workers
// Emscripten creates get the pthread script's source, and their "load" message gets the main
// script's path instead of a Blob.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '../engine/tf';
import { withReportedCores } from './wasm-threads';

const require = createRequire(import.meta.url);
const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
const WASM_OUT = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));
const MAIN_SCRIPT = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.js');

/** The pthread script, as tfjs itself prepares it (its string keeps raw newlines inside literals). */
function pthreadScript(): string {
  const { wasmWorkerContents } = require(path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  return wasmWorkerContents.replace(/\n/g, '\\n');
}

/** A worker_threads Worker that takes Emscripten's Blob URL and Blob for the files they stand for. */
function fileBackedWorker(Base: typeof workerThreads.Worker, script: string, created: import('node:worker_threads').Worker[]): typeof workerThreads.Worker {
  return class extends Base {
    constructor(filename: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      const blob = typeof filename === 'string' && filename.startsWith('blob:');
      super(blob ? script : filename, blob ? { ...options, eval: true } : options);
      created.push(this);
    }

    override postMessage(message: unknown, transfer?: readonly import('node:worker_threads').TransferListItem[]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      super.postMessage(m?.cmd === 'load' && typeof m.urlOrBlob !== 'string' ? { ...m, urlOrBlob: MAIN_SCRIPT } : message, transfer);
    }
  };
}

/** Runs `init` (setBackend('wasm') and ready) so that tfjs loads its threaded binary with a pool of `threads`. */
export async function withThreadedWasm<T>(threads: number, init: () => Promise<T>): Promise<T> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const BaseWorker = workerThreads.Worker, baseCpus = os.cpus;
  const created: import('node:worker_threads').Worker[] = [];
  (workerThreads as { Worker: typeof BaseWorker }).Worker = fileBackedWorker(BaseWorker, pthreadScript(), created);
  try {
    return await withReportedCores(threads, (cores) => {
      os.cpus = () => Array.from({ length: cores }, () => baseCpus()[0]);
      return () => {
        os.cpus = baseCpus;
      };
    }, init);
  } finally {
    (workerThreads as { Worker: typeof BaseWorker }).Worker = BaseWorker;
    // The pool's threads only ever work for the main thread, which waits on them with Atomics, so
    // they must not keep the process alive: without this a script that used WASM never exited.
    // Not before init is done: until then the main thread awaits their messages.
    for (const w of created) w.unref();
  }
}
