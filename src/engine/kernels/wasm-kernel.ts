// Fused kernels compiled from C (wasm/*.c) to WebAssembly with SIMD128: four floats per
// instruction, where the JavaScript loops they replace ran one double at a time. The module has
// its own memory: each call copies its inputs in, runs, and copies the outputs out into the tfjs
// backend's buffers (registered through registerJsKernel, for 'cpu' and 'wasm'). Where the engine
// cannot run SIMD128 (WebAssembly.validate fails) these kernels are not registered, and the
// callers take the composed tfjs ops (see `fusedOn`).
import { registerJsKernel } from './js-kernel';
import { KERNELS_WASM_BASE64 } from './wasm/kernels.generated';

/** The C functions; pointers are byte offsets into the module's memory, counts are floats. */
export interface KernelFunctions {
  /** e^x, for its accuracy test. */
  sv_exp(x: number, y: number, n: number): void;
  sv_attention_scratch(tokens: number, headDim: number): number;
  sv_attention(qkv: number, out: number, probs: number, scratch: number, batch: number, tokens: number, heads: number, headDim: number): void;
  sv_attention_grad(dy: number, qkv: number, probs: number, dqkv: number, scratch: number, batch: number, tokens: number, heads: number, headDim: number): void;
  sv_gelu(x: number, y: number, n: number): void;
  sv_gelu_grad(dy: number, x: number, dx: number, n: number): void;
  sv_layer_norm(x: number, gamma: number, beta: number, y: number, rows: number, cols: number, eps: number): void;
  sv_layer_norm_grad(dy: number, x: number, gamma: number, dx: number, dgamma: number, dbeta: number, rows: number, cols: number, eps: number): void;
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
}

function decodeBase64(text: string): Uint8Array {
  const binary = (globalThis as unknown as { atob(s: string): string }).atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The kernels' module, or null where this engine cannot run it (no WebAssembly, no SIMD128). */
export function loadKernelModule(api: WasmApi | undefined, bytes: Uint8Array): KernelModule | null {
  if (!api || !api.validate(bytes)) return null;
  const { exports } = new api.Instance(new api.Module(bytes), {});
  const heapBase = (exports.__heap_base as { value: number }).value;
  return { fns: exports as unknown as KernelFunctions, memory: exports.memory as KernelModule['memory'], heapBase: Math.ceil(heapBase / 16) * 16 };
}

const kernels = loadKernelModule((globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly, decodeBase64(KERNELS_WASM_BASE64));

/** Bytes of the module's memory now (0 without the module): it grows only when a call needs more. */
export const simdMemoryBytes = (): number => kernels?.memory.buffer.byteLength ?? 0;

const PAGE_BYTES = 65536;

/**
 * Byte offsets for buffers of the given float counts, laid out from the heap base, each 16-byte
 * aligned and padded to whole 4-float vectors (the elementwise kernels read and write whole
 * vectors). Every call reuses the same memory; it grows only when a call needs more.
 */
function layout(m: KernelModule, floats: number[]): number[] {
  let end = m.heapBase;
  const offsets = floats.map((n) => {
    const at = end;
    end += Math.ceil(n / 4) * 16;
    return at;
  });
  const missing = end - m.memory.buffer.byteLength;
  if (missing > 0) m.memory.grow(Math.ceil(missing / PAGE_BYTES));
  return offsets;
}

export interface WasmKernelSpec<A> {
  name: string;
  /** Output shapes from the input shapes and attributes. */
  outputShapes: (shapes: number[][], attrs: A) => number[][];
  /** Floats of scratch memory the call needs besides its inputs and outputs. */
  scratch?: (fns: KernelFunctions, shapes: number[][], attrs: A) => number;
  /** Calls the C function with the byte offsets of the inputs, outputs and scratch. */
  call: (fns: KernelFunctions, at: { inputs: number[]; outputs: number[]; scratch: number }, attrs: A, shapes: number[][]) => void;
}

/** Register a SIMD kernel for cpu and wasm, if this engine runs SIMD128; its inputs are named 0, 1, … */
export function registerWasmKernel<A>(spec: WasmKernelSpec<A>): void {
  const m = kernels;
  if (!m) return;
  registerJsKernel<A>({
    name: spec.name,
    outputShapes: spec.outputShapes,
    compute: (inputs, outputs, attrs, shapes) => {
      const scratch = spec.scratch?.(m.fns, shapes, attrs) ?? 0;
      const at = layout(m, [...inputs.map((x) => x.length), ...outputs.map((y) => y.length), scratch]);
      // A view only after growing: growth detaches the older ones.
      const heap = new Float32Array(m.memory.buffer);
      inputs.forEach((x, i) => heap.set(x, at[i] / 4));
      const outAt = at.slice(inputs.length, inputs.length + outputs.length);
      spec.call(m.fns, { inputs: at.slice(0, inputs.length), outputs: outAt, scratch: at[at.length - 1] }, attrs, shapes);
      outputs.forEach((y, i) => y.set(heap.subarray(outAt[i] / 4, outAt[i] / 4 + y.length)));
    },
  });
}
