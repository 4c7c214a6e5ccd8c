// Fused kernels compiled from C (wasm/*.c) to WebAssembly with SIMD128: four floats per
// instruction, where the JavaScript loops they replace ran one double at a time. The module has
// its own memory: each call copies its inputs in, runs, and copies the outputs out into the tfjs
// backend's buffers (registered through registerJsKernel, for 'cpu' and 'wasm'). An input that is
// an output of the call before (LayerNorm → Linear → attention → Linear, …) is read where that
// call left it, not copied in again. Where the engine
// cannot run SIMD128 (WebAssembly.validate fails) these kernels are not registered, and the
// callers take the composed tfjs ops (see `fusedOn`).
import { registerJsKernel } from './js-kernel';
import { canShareMemory, readyHelpers, runChunks, type KernelCall, type SharedKernels } from './kernel-pool';
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './wasm/kernels.generated';

/** The C functions; pointers are byte offsets into the module's memory, counts are floats. */
export interface KernelFunctions {
  /** e^x, for its accuracy test. */
  sv_exp(x: number, y: number, n: number): void;
  sv_attention_scratch(tokens: number, headDim: number): number;
  sv_attention(qkv: number, out: number, probs: number, scratch: number, batch: number, tokens: number, queries: number, heads: number, headDim: number): void;
  sv_attention_grad(dy: number, qkv: number, probs: number, dqkv: number, scratch: number, batch: number, tokens: number, heads: number, headDim: number): void;
  sv_gelu(x: number, y: number, n: number): void;
  sv_gelu_grad(dy: number, x: number, dx: number, n: number): void;
  sv_layer_norm(x: number, gamma: number, beta: number, y: number, rows: number, cols: number, eps: number): void;
  sv_layer_norm_grad(dy: number, x: number, gamma: number, dx: number, dgamma: number, dbeta: number, rows: number, cols: number, eps: number): void;
  sv_gemm(a: number, lda: number, transA: number, b: number, bias: number, hasBias: number, c: number, rows: number, K: number, N: number): void;
  sv_tokens(patches: number, cls: number, pos: number, out: number, batch: number, tokens: number, dim: number): void;
  sv_add_rows(a: number, lda: number, b: number, out: number, rows: number, dim: number): void;
  sv_transpose(src: number, dst: number, rows: number, cols: number): void;
  sv_column_sums(x: number, ldx: number, out: number, M: number, N: number): void;
  sv_adamw(m: number, v: number, age: number, scale: number, p: number, g: number, mOut: number, vOut: number, ageOut: number, pOut: number, n: number,
    lr: number, keep: number, beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number, eps: number, bc1: number, bc2: number,
    lnBeta1: number, lnBeta2: number): void;
}

export interface KernelModule {
  fns: KernelFunctions;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  /** Where the free memory starts, 16-byte aligned. */
  heapBase: number;
}

/** The parts of the WebAssembly API used here (the engine's TypeScript lib has no DOM types). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => KernelModule['memory'];
}

function decodeBase64(text: string): Uint8Array {
  const binary = (globalThis as unknown as { atob(s: string): string }).atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** An instance of a compiled kernels module; its memory is its own export, or the one it imports. */
function instantiate(api: WasmApi, module: object, imported?: KernelModule['memory']): KernelModule {
  const { exports } = new api.Instance(module, imported ? { env: { memory: imported } } : {});
  const heapBase = (exports.__heap_base as { value: number }).value;
  return { fns: exports as unknown as KernelFunctions, memory: imported ?? (exports.memory as KernelModule['memory']), heapBase: Math.ceil(heapBase / 16) * 16 };
}

/** The kernels' module, or null where this engine cannot run it (no WebAssembly, no SIMD128). */
export function loadKernelModule(api: WasmApi | undefined, bytes: Uint8Array): KernelModule | null {
  if (!api || !api.validate(bytes)) return null;
  return instantiate(api, new api.Module(bytes));
}

const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
/** The kernels this thread calls: the plain build, or the threads build once helpers run. */
let kernels = loadKernelModule(wasmApi, decodeBase64(KERNELS_WASM_BASE64));

/** Each thread's slice of the threads build's stack (16 slices below the heap base). */
const STACK_SLICE = 65536;
/** Pages the threads build needs at least: its stack and data lie below the heap base (~1 MiB). */
const SHARED_INITIAL_PAGES = 32;

/**
 * Switch this thread's kernels to the threads build, on a new shared memory, and return what
 * helper threads need to run it beside this one; null (nothing switched) where memory cannot be
 * shared or the build does not run.
 */
export function shareKernels(): SharedKernels | null {
  if (!wasmApi || !kernels || !canShareMemory()) return null;
  const bytes = decodeBase64(KERNELS_SHARED_WASM_BASE64);
  let shared: KernelModule, module: object;
  try {
    module = new wasmApi.Module(bytes);
    shared = instantiate(wasmApi, module, new wasmApi.Memory({ initial: SHARED_INITIAL_PAGES, maximum: 65536, shared: true }));
  } catch {
    return null;
  }
  kernels = shared;
  resident = [];
  const names = Object.keys(shared.fns).filter((k) => typeof (shared.fns as unknown as Record<string, unknown>)[k] === 'function').sort();
  const stackTop = (i: number) => {
    if (i < 1 || i >= 16) throw new Error(`kernel helpers: at most 15 (asked for helper ${i})`);
    return shared.heapBase - i * STACK_SLICE;
  };
  return { module, memory: shared.memory, names, stackTop };
}

/** Bytes of the module's memory now (0 without the module): it grows only when a call needs more. */
export const simdMemoryBytes = (): number => kernels?.memory.buffer.byteLength ?? 0;

const PAGE_BYTES = 65536;

/** Bytes of a buffer of n floats: padded to whole 4-float vectors (16-byte aligned). */
const paddedBytes = (n: number) => Math.ceil(n / 4) * 16;

/**
 * Byte offsets for buffers of the given float counts, laid out from `start` (16-byte aligned),
 * each padded to whole 4-float vectors (the elementwise kernels read and write whole vectors).
 * Every call reuses the same memory; it grows only when a call needs more.
 */
function layout(m: KernelModule, floats: number[], start: number): number[] {
  let end = start;
  const offsets = floats.map((n) => {
    const at = end;
    end += paddedBytes(n);
    return at;
  });
  const missing = end - m.memory.buffer.byteLength;
  if (missing > 0) m.memory.grow(Math.ceil(missing / PAGE_BYTES));
  return offsets;
}

/** Chunks per thread a split call is cut into: threads take chunks until none is left. */
const CHUNKS_PER_THREAD = 4;

/** Which of `count` parts of a call this is (the threads take parts in any order). */
export interface KernelPart {
  index: number;
  count: number;
}

/** Part `part` of n items as [lo, hi), lo a multiple of `align`: near-equal shares, in order. */
export function shareOf(n: number, part: KernelPart, align = 1): [number, number] {
  const units = Math.ceil(n / align);
  const at = (i: number) => Math.min(n, Math.floor((units * i) / part.count) * align);
  return [at(part.index), at(part.index + 1)];
}

/** Byte offsets of a call's buffers in the module's memory. */
export interface KernelBuffers {
  inputs: number[];
  outputs: number[];
  /** This thread's scratch. */
  scratch: number;
  /** Buffers between stages (`temps`). */
  temps: number[];
}

/** One pass over a call's work: C calls for one part of it, and how it splits between threads. */
export interface KernelStage<A> {
  /** Calls the C functions for one part of the work (the whole work when the stage does not split). */
  call: (fns: KernelFunctions, at: KernelBuffers, attrs: A, shapes: number[][], part: KernelPart) => void;
  /**
   * How the work splits between threads: into at most `parts` parts (below 2: it does not).
   * Parts write disjoint parts of the outputs; a thread's parts share its scratch.
   */
  split?: { parts: (shapes: number[][], attrs: A) => number };
}

export interface WasmKernelSpec<A> extends Partial<KernelStage<A>> {
  name: string;
  /** Output shapes from the input shapes and attributes. */
  outputShapes: (shapes: number[][], attrs: A) => number[][];
  /** Floats of scratch memory the call needs besides its inputs and outputs (per thread). */
  scratch?: (fns: KernelFunctions, shapes: number[][], attrs: A) => number;
  /**
   * A kernel of several passes, each split on its own (every thread finishes one before the next
   * starts), instead of `call` and `split`: several layers in one call, whose buffers in between
   * (`temps`, float counts) never leave the module's memory.
   */
  stages?: KernelStage<A>[];
  temps?: (shapes: number[][], attrs: A) => number[];
}

/** A buffer of the module's memory that holds a tensor's data, by the data's identity. */
interface ResidentBuffer {
  id: object;
  at: number;
  floats: number;
}

/** The last call's outputs: they lie in the module's memory until the next call lays out its own. */
let resident: ResidentBuffer[] = [];

/**
 * Byte offsets of a call's inputs, then of its other buffers (`others`: float counts). An input
 * that is one of the last call's outputs stays where it lies (`copy` false); the rest are laid out
 * below the inputs that stay, where they fit, else above them.
 */
function placeBuffers(m: KernelModule, resident: ResidentBuffer[], inputs: Float32Array[], ids: object[], others: number[]): { at: number[]; copy: boolean[] } {
  const inPlace = inputs.map((x, i) => resident.find((r) => r.id === ids[i] && r.floats === x.length) ?? null);
  const fresh = [...inputs.filter((_, i) => inPlace[i] === null).map((x) => x.length), ...others];
  const kept = inPlace.filter((r): r is ResidentBuffer => r !== null);
  let start = m.heapBase;
  if (kept.length > 0) {
    const need = fresh.reduce((sum, n) => sum + paddedBytes(n), 0);
    if (start + need > Math.min(...kept.map((r) => r.at))) start = Math.max(...kept.map((r) => r.at + paddedBytes(r.floats)));
  }
  const laid = layout(m, fresh, start);
  let next = 0;
  const at = [...inputs.map((_, i) => inPlace[i]?.at ?? laid[next++]), ...laid.slice(next)];
  return { at, copy: inPlace.map((r) => r === null) };
}

/** The C calls a stage makes for a part, recorded for a helper thread instead of run. */
function recordCalls<A>(stage: KernelStage<A>, at: KernelBuffers, attrs: A, shapes: number[][], part: KernelPart): KernelCall[] {
  const calls: KernelCall[] = [];
  const recorder = new Proxy({}, { get: (_t, fn: string) => (...args: number[]) => void calls.push({ fn, args }) }) as KernelFunctions;
  stage.call(recorder, at, attrs, shapes, part);
  return calls;
}

/** Register a SIMD kernel for cpu and wasm, if this engine runs SIMD128; its inputs are named 0, 1, … */
export function registerWasmKernel<A>(spec: WasmKernelSpec<A>): void {
  if (!kernels) return;
  registerJsKernel<A>({
    name: spec.name,
    outputShapes: spec.outputShapes,
    compute: (inputs, outputs, attrs, shapes, ids) => {
      const m = kernels!;
      const stages = spec.stages ?? [{ call: spec.call!, split: spec.split }];
      const units = stages.map((stage) => stage.split?.parts(shapes, attrs) ?? 1);
      const team = Math.max(...units) > 1 ? readyHelpers() : [];
      // Scratch for each thread, one after another.
      const scratch = Math.ceil((spec.scratch?.(m.fns, shapes, attrs) ?? 0) / 4) * 4;
      const temps = spec.temps?.(shapes, attrs) ?? [];
      // Forgotten first: from here on this call writes over the memory they lie in.
      const last = resident;
      resident = [];
      const { at, copy } = placeBuffers(m, last, inputs, ids.inputs, [...outputs.map((y) => y.length), ...temps, scratch * (team.length + 1)]);
      // A view only after growing: growth detaches the older ones.
      const heap = new Float32Array(m.memory.buffer);
      inputs.forEach((x, i) => {
        if (copy[i]) heap.set(x, at[i] / 4);
      });
      const outAt = at.slice(inputs.length, inputs.length + outputs.length);
      const offsets = (thread: number): KernelBuffers => ({
        inputs: at.slice(0, inputs.length), outputs: outAt, temps: at.slice(inputs.length + outputs.length, -1), scratch: at[at.length - 1] + thread * scratch * 4,
      });
      const here = offsets(0);
      stages.forEach((stage, s) => {
        const helpers = units[s] > 1 ? team : [];
        const chunks = helpers.length ? Math.min(units[s], CHUNKS_PER_THREAD * (helpers.length + 1)) : 1;
        runChunks(helpers, chunks, (c, t) => recordCalls(stage, offsets(t), attrs, shapes, { index: c, count: chunks }), (c) => stage.call(m.fns, here, attrs, shapes, { index: c, count: chunks }));
      });
      outputs.forEach((y, i) => y.set(heap.subarray(outAt[i] / 4, outAt[i] / 4 + y.length)));
      resident = ids.outputs.map((id, i) => ({ id, at: outAt[i], floats: outputs[i].length }));
    },
  });
}
