// The SIMD kernels' module: built from the C sources as they are now, loadable here, its vector
// exponential accurate, and absent (so the composed ops run) where an engine cannot validate it.
import { describe, expect, it } from 'vitest';
import { kernelSourcesHash } from '../../../scripts/build-kernels';
import { loadKernelModule, type KernelModule, type WasmApi } from './wasm-kernel';
import { KERNEL_SOURCES_SHA256, KERNELS_WASM_BASE64 } from './wasm/kernels.generated';

// Node's types declare WebAssembly's namespace without its value.
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const bytes = new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64'));

describe('SIMD kernels module', () => {
  it('was built from the current C sources', () => {
    expect(kernelSourcesHash(), 'src/engine/kernels/wasm/ changed since the module was generated: run npm run build:kernels').toBe(KERNEL_SOURCES_SHA256);
  });

  it('validates here (Node has SIMD128), and is not loaded where validation fails', () => {
    expect(wasm.validate(bytes)).toBe(true);
    expect(loadKernelModule(wasm, bytes)).not.toBeNull();
    const noSimd = { ...wasm, validate: () => false };
    expect(loadKernelModule(noSimd, bytes)).toBeNull();
    expect(loadKernelModule(undefined, bytes)).toBeNull();
  });

  it('exp: within 2 float ulps of Math.exp over the normal range, 0 below it, NaN through', () => {
    const m = loadKernelModule(wasm, bytes) as KernelModule;
    const xs = [-Infinity, -1000, -88, NaN];
    for (let x = -87.3; x <= 88.7; x += 0.00731) xs.push(x);
    const n = xs.length, at = m.heapBase, out = at + Math.ceil(n / 4) * 16;
    const needed = out + Math.ceil(n / 4) * 16 - m.memory.buffer.byteLength;
    if (needed > 0) m.memory.grow(Math.ceil(needed / 65536));
    new Float32Array(m.memory.buffer, at, n).set(xs);
    m.fns.sv_exp(at, out, n);
    const x32 = new Float32Array(xs), y = new Float32Array(m.memory.buffer, out, n);
    let worst = 0;
    for (let i = 4; i < n; i++) {
      const want = Math.exp(x32[i]);
      // One float ulp at `want` is 2^(exponent − 23).
      worst = Math.max(worst, Math.abs(y[i] - want) / 2 ** (Math.floor(Math.log2(want)) - 23));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(Array.from(y.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(y[3]).toBeNaN();
  });
});
