// How many threads the WASM backend runs on, and how tfjs-backend-wasm 4.22 is talked into it.
// Shared by Node (node.ts, wasm-threads-node.ts) and the studio's worker (worker.ts).
//
// tfjs 4.22's C side caps XNNPACK's pool at min(asked, 8, logical cores ÷ 2): backend.cc assumes
// two hardware threads per core (tfjs#4995), so on a 2-core machine every request gives 1 thread.
// The core count is read once, by a static initialiser, when the module is instantiated; reporting
// 2 × threads logical cores for that moment makes the pool exactly the size asked for.

/** More threads than this gain little for our shapes (and XNNPACK's default is every core). */
export const WASM_MAX_THREADS = 4;

/** Env variable (Node) naming the WASM thread count; 1 keeps tfjs's single-threaded SIMD binary. */
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

/** The logical core count to report while tfjs instantiates its module, so that its pool is `threads`. */
export function coresToReport(threads: number): number {
  return 2 * threads;
}

/**
 * Runs `init` (the backend's initialisation) while `report(n)` makes the runtime report n logical
 * cores; the function report returns undoes that, whatever init does.
 */
export async function withReportedCores<T>(threads: number, report: (cores: number) => () => void, init: () => Promise<T>): Promise<T> {
  const restore = report(coresToReport(threads));
  try {
    return await init();
  } finally {
    restore();
  }
}
