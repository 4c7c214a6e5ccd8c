// Helper threads for the SIMD kernels (wasm-kernel.ts). tfjs's threaded WASM build splits its own
// kernels only, and those poorly at our sizes, so a second core mostly idled through a training
// step. Here every thread runs an instance of the kernels' module built for threads, all on one
// shared memory: the calling thread lays out a kernel's inputs as before, hands each helper the C
// calls of its part (which rows, images or entries), runs its own part and waits. Every output
// element is computed by one thread with the same arithmetic as unsplit, so the results do not
// depend on the thread count.
//
// The engine stays free of platform APIs: the backend (Node's worker_threads, a browser Worker)
// hands `startKernelHelpers` a function that starts a thread from a script's source.

/** A started helper thread, as the platform gives it. */
export interface HelperThread {
  post(message: unknown): void;
  terminate(): void;
}

/** Start a thread running `source` (a plain script, no imports). */
export type SpawnHelper = (source: string) => HelperThread;

/** One C call: the export's name and its arguments (byte offsets and counts). */
export interface KernelCall {
  fn: string;
  args: number[];
}

/** What helpers need of the kernels' module: the threads build, its shared memory, its exports. */
export interface SharedKernels {
  /** The compiled WebAssembly.Module: posted, not its bytes, so helpers run the code this thread has optimised. */
  module: unknown;
  memory: unknown;
  /** The exported functions' names. */
  names: string[];
  /** The top of helper i's stack (i from 1; the calling thread keeps the module's own). */
  stackTop: (i: number) => number;
}

// Control words, per helper.
const JOB_SEQ = 0;
const DONE_SEQ = 1;
const READY = 2;
const FAILED = 3;
const STOP = -1;
/** Doubles in a helper's job: the calls of every chunk. */
const JOB_DOUBLES = 8192;
/**
 * Milliseconds a thread busy-waits before it sleeps. Within a training step kernel calls come
 * every 0.05–2 ms, and waking a sleeping thread took ~1 ms on a 2-core VM (its idle core halts),
 * longer than most parts; so helpers spin through a step and sleep only when training pauses.
 */
const SPIN_MS = 5;

// The helper's script: plain JavaScript run from source (a Node worker or a browser Worker), so it
// is a string, not a function's text, which a bundler may rewrite. Control words as above.
export const HELPER_SOURCE = `
"use strict";
const port = typeof require === 'function' ? require('node:worker_threads').parentPort : self;
let fns, names, ctrl, job, next;
function run() {
  // The job: chunk count, then per chunk its call count and calls (function index, argument count, arguments).
  const starts = [];
  for (let c = 0, i = 1; c < job[0]; c++) {
    starts.push(i);
    const calls = job[i++];
    for (let k = 0; k < calls; k++) i += 2 + job[i + 1];
  }
  for (let c = Atomics.add(next, 0, 1); c < job[0]; c = Atomics.add(next, 0, 1)) {
    let i = starts[c];
    const calls = job[i++];
    for (let k = 0; k < calls; k++) {
      const n = job[i + 1];
      fns[names[job[i]]](...job.subarray(i + 2, i + 2 + n));
      i += 2 + n;
    }
  }
}
function loop() {
  let seen = 0;
  for (;;) {
    const until = performance.now() + ${SPIN_MS};
    for (let spins = 1; Atomics.load(ctrl, ${JOB_SEQ}) === seen; spins++) if (spins % 1024 === 0 && performance.now() > until) break;
    if (Atomics.load(ctrl, ${JOB_SEQ}) === seen) {
      Atomics.wait(ctrl, ${JOB_SEQ}, seen);
      continue;
    }
    seen = Atomics.load(ctrl, ${JOB_SEQ});
    if (seen === ${STOP}) return;
    try { run(); } catch (e) { Atomics.store(ctrl, ${FAILED}, 1); }
    Atomics.store(ctrl, ${DONE_SEQ}, seen);
    Atomics.notify(ctrl, ${DONE_SEQ});
  }
}
function onMessage(m) {
  if (fns) return;
  const { module, memory, stackTop } = m;
  fns = new WebAssembly.Instance(module, { env: { memory } }).exports;
  fns.__stack_pointer.value = stackTop;
  names = m.names;
  ctrl = new Int32Array(m.ctrl);
  job = new Float64Array(m.job);
  next = new Int32Array(m.next);
  Atomics.store(ctrl, ${READY}, 1);
  loop();
}
// The one message: init. The loop then keeps the thread.
if (port.on) port.on('message', onMessage);
else port.addEventListener('message', (e) => onMessage(e.data));
`;

export interface KernelHelper {
  thread: HelperThread;
  ctrl: Int32Array;
  job: Float64Array;
  seq: number;
}

let helpers: KernelHelper[] = [];
let names: string[] = [];
/** The next chunk of the call being split, which every thread takes from. */
let nextChunk: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** Whether this engine can share memory between threads (in a browser: cross-origin isolation). */
export function canShareMemory(): boolean {
  return typeof (globalThis as unknown as { SharedArrayBuffer?: unknown }).SharedArrayBuffer === 'function';
}

/** Start `count` helpers on `kernels` (stopping any running): kernels then split over count + 1 threads. */
export function startKernelHelpers(kernels: SharedKernels, count: number, spawn: SpawnHelper): void {
  stopKernelHelpers();
  names = kernels.names;
  nextChunk = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 1; i <= count; i++) {
    const ctrl = new Int32Array(new SharedArrayBuffer(16));
    const job = new Float64Array(new SharedArrayBuffer(JOB_DOUBLES * 8));
    const thread = spawn(HELPER_SOURCE);
    thread.post({ module: kernels.module, memory: kernels.memory, stackTop: kernels.stackTop(i), names, ctrl: ctrl.buffer, job: job.buffer, next: nextChunk.buffer });
    helpers.push({ thread, ctrl, job, seq: 0 });
  }
}

export function stopKernelHelpers(): void {
  for (const h of helpers) {
    Atomics.store(h.ctrl, JOB_SEQ, STOP);
    Atomics.notify(h.ctrl, JOB_SEQ);
    h.thread.terminate();
  }
  helpers = [];
}

/** Helper threads started (ready or starting). */
export const kernelHelperCount = (): number => helpers.length;

/** The helpers that have started and can take a part now. */
export const readyHelpers = (): KernelHelper[] => helpers.filter((h) => Atomics.load(h.ctrl, READY) === 1);

/**
 * Run `chunks` chunks of a call on this thread and the helpers `team`: every thread takes the
 * next chunk until none is left, so a helper that starts late (its core was busy) does less, and
 * the calling thread never waits on more than the chunk a helper is in. `record(c, i)` gives chunk
 * c's C calls for helper i (1, 2, …: each has its own scratch); `runHere(c)` runs chunk c here.
 */
export function runChunks(team: KernelHelper[], chunks: number, record: (chunk: number, helper: number) => KernelCall[], runHere: (chunk: number) => void): void {
  if (team.length === 0) {
    for (let c = 0; c < chunks; c++) runHere(c);
    return;
  }
  Atomics.store(nextChunk, 0, 0);
  team.forEach((h, t) => {
    const job = h.job;
    let i = 0;
    job[i++] = chunks;
    for (let c = 0; c < chunks; c++) {
      const calls = record(c, t + 1);
      job[i++] = calls.length;
      for (const call of calls) {
        if (i + 2 + call.args.length > JOB_DOUBLES) throw new Error(`kernel pool: a call's chunks exceed ${JOB_DOUBLES} doubles`);
        job[i++] = names.indexOf(call.fn);
        job[i++] = call.args.length;
        for (const a of call.args) job[i++] = a;
      }
    }
    h.seq++;
    Atomics.store(h.ctrl, JOB_SEQ, h.seq);
    Atomics.notify(h.ctrl, JOB_SEQ);
  });
  for (let c = Atomics.add(nextChunk, 0, 1); c < chunks; c = Atomics.add(nextChunk, 0, 1)) runHere(c);
  team.forEach(awaitHelper);
}

/** A part takes milliseconds: a helper this late has died (or its thread was taken away). */
const HELPER_TIMEOUT_MS = 30_000;

/** Wait until the helper is out of chunks. */
function awaitHelper(h: KernelHelper): void {
  const until = Date.now() + SPIN_MS;
  let spins = 0, slept = 0;
  while (Atomics.load(h.ctrl, DONE_SEQ) !== h.seq) {
    if (++spins % 1024 !== 0 || Date.now() < until) continue;
    if (Atomics.wait(h.ctrl, DONE_SEQ, Atomics.load(h.ctrl, DONE_SEQ), 10) === 'timed-out' && (slept += 10) > HELPER_TIMEOUT_MS) {
      throw new Error(`a kernel helper thread did not answer in ${HELPER_TIMEOUT_MS / 1000} s; run with 1 thread (--threads 1)`);
    }
  }
  if (Atomics.load(h.ctrl, FAILED)) throw new Error('a kernel helper thread failed; run with 1 thread (--threads 1)');
}
