// How many threads WASM computes on: tfjs's single-threaded binary on the calling thread, and our
// kernels split over it and threads − 1 helpers (engine/kernels/kernel-pool.ts). Shared by Node
// (node.ts) and the studio's worker (worker.ts). No tfjs import: the e2e tests read these rules, and
// Playwright's loader cannot load tfjs.

/**
 * tfjs takes its single-threaded SIMD binary, threads or not (our kernels split themselves, and
 * tfjs's threaded build split only its own, poorly at our sizes). Set after tfjs-backend-wasm is
 * imported (it registers the flag) and before the backend starts; `env` is tf.env(). The flag, not setThreadsCount(1):
 * with threads available, tfjs still picked the threaded binary for that.
 */
export function useSingleThreadedTfjsWasm(env: { set(flag: string, value: boolean): void }): void {
  env.set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

/** More threads than this gain little for our shapes. */
export const WASM_MAX_THREADS = 4;

/** Env variable (Node) naming the WASM thread count; 1 starts no helper thread. */
export const WASM_THREADS_ENV = 'SVITE_WASM_THREADS';

/** The threads we ask for on a machine with `cores` logical cores: all of them, at most WASM_MAX_THREADS. */
export function wasmThreadsFor(cores: number): number {
  return Math.max(1, Math.min(Math.floor(cores) || 1, WASM_MAX_THREADS));
}

/** A thread count given by the user (flag or env): a whole number in [1, WASM_MAX_THREADS], else a clear error. */
export function parseWasmThreads(text: string, source: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > WASM_MAX_THREADS) {
    throw new Error(`${source}: "${text}" is not a thread count; give a whole number from 1 to ${WASM_MAX_THREADS} (1 = single-threaded)`);
  }
  return n;
}
