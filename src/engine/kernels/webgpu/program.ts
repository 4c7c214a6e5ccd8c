// WGSL programs for the fused kernels on tfjs-backend-webgpu, through its `runWebGPUProgram`
// (duck-typed: the engine imports no backend package). The backend wraps our code in its shader
// prelude: output `result` at binding 0, one read-only storage array per input, named after
// `variableNames`, and a `uniforms` struct holding every shape (`xShape`, …), `size` when asked,
// and our own uniforms. A backend program has one output, so a kernel with several outputs runs
// one program per output: still one tfjs kernel, and a few dispatches instead of tens.
import { sizeOf } from '../../facts/shape';
import * as tf from '../../tf';
import { registerFusedKernel, type FusedKernelFunc } from '../register';

/** The fields of tfjs-backend-webgpu 4.22's WebGPUProgram that we set. */
export interface WgslProgram {
  variableNames: string[];
  outputShape: number[];
  /** Part of the pipeline cache key: must name everything baked into the code (not uniforms). */
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** Adds `uniforms.size`, the output's element count. */
  size?: boolean;
  /** Our own uniform fields, WGSL struct syntax ("eps : f32, heads : i32,"). */
  uniforms?: string;
  getUserCode(): string;
}

export type Uniform = { type: 'float32' | 'int32'; data: number[] };

export interface WebGpuBackendLike {
  /** With `output`, the program writes into that tensor (several programs may fill one output). */
  runWebGPUProgram(program: WgslProgram, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: Uniform[], output?: tf.TensorInfo): tf.TensorInfo;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): void;
  /** One program binds at most maxStorageBuffersPerShaderStage storage buffers, its output included. */
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
}

/** Inputs one program can read besides its output. */
export const maxInputs = (backend: WebGpuBackendLike): number => backend.device.limits.maxStorageBuffersPerShaderStage - 1;

/** Threads per workgroup: one workgroup reduces one row; elementwise programs use it too. */
export const WG = 64;

/**
 * WGSL helpers for row programs: sum and max over the workgroup's threads, through workgroup
 * memory (WG is a power of two). Every thread must call them (they hold barriers).
 */
const REDUCE = `
  var<workgroup> partial : array<f32, ${WG}>;
  fn workgroupReduce(v : f32, isMax : bool) -> f32 {
    let tid = localId.x;
    partial[tid] = v;
    workgroupBarrier();
    for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
      if (tid < s) {
        partial[tid] = select(partial[tid] + partial[tid + s], max(partial[tid], partial[tid + s]), isMax);
      }
      workgroupBarrier();
    }
    let total = partial[0];
    workgroupBarrier(); // every thread has read it before partial is written again
    return total;
  }
  fn workgroupSum(v : f32) -> f32 { return workgroupReduce(v, false); }
  fn workgroupMax(v : f32) -> f32 { return workgroupReduce(v, true); }
`;

/**
 * One thread per output element: `body` sees `index` (flat, < uniforms.size) and assigns `value`.
 * `prelude` holds helper functions.
 */
export function elementwise(key: string, variableNames: string[], outputShape: number[], body: string, uniforms = '', prelude = ''): WgslProgram {
  return {
    variableNames, outputShape, shaderKey: `sv_${key}`, size: true, uniforms,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(sizeOf(outputShape) / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    getUserCode: () => `
      ${prelude}
      fn main(index : i32) {
        if (index < uniforms.size) {
          var value = 0.0;
          ${body}
          result[index] = value;
        }
      }`,
  };
}

/**
 * `threads` threads, one per `index` < uniforms.threads (pass it first among the uniforms): `body`
 * writes `result` itself, e.g. at an offset into an output that several programs fill.
 */
export function flat(key: string, variableNames: string[], outputShape: number[], threads: number, body: string, uniforms = ''): WgslProgram {
  return {
    variableNames, outputShape, shaderKey: `sv_${key}`, uniforms: `threads : i32, ${uniforms}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(threads / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.threads) {
          ${body}
        }
      }`,
  };
}

/**
 * One workgroup per row (`rows` of them): `body` sees `row` and `tid` (the thread, 0…WG−1), loops
 * over its columns with stride WG, reduces with workgroupSum / workgroupMax and writes `result`.
 * (Each thread may read back what it wrote to `result` itself.)
 */
export function perRow(key: string, variableNames: string[], outputShape: number[], rows: number, body: string, uniforms = '', prelude = ''): WgslProgram {
  return {
    variableNames, outputShape, shaderKey: `sv_${key}`, uniforms,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [rows, 1, 1],
    workgroupSize: [WG, 1, 1],
    getUserCode: () => `
      ${REDUCE}
      ${prelude}
      fn main(index : i32) {
        let row = index / ${WG};
        let tid = i32(localId.x);
        ${body}
      }`,
  };
}

export const f32 = (...data: number[]): Uniform => ({ type: 'float32', data });
export const i32 = (...data: number[]): Uniform => ({ type: 'int32', data });

/** Registers a fused kernel for 'webgpu'; inputs are named 0, 1, … in order, as runJsKernel passes them. */
export function registerWebGpuKernel(name: string, run: FusedKernelFunc<WebGpuBackendLike>): void {
  registerFusedKernel(name, 'webgpu', ['float32', 'int32'], run);
}
