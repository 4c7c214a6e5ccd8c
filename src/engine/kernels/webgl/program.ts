// GLSL programs for the fused kernels on tfjs-backend-webgl, through its `runWebGLProgram`
// (duck-typed: the engine imports no backend package). The backend wraps `userCode` in its shader
// prelude: a getter per input (`getX(r, c)` for input `x`), `getOutputCoords()` and `setOutput(v)`.
// One program computes one output value per fragment; sizes are baked into the code (the backend
// caches a shader per code and shapes).
import * as tf from '../../tf';
import { registerFusedKernel, type FusedKernelFunc } from '../register';

export interface GlslProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms?: { name: string; type: 'float' | 'int' }[];
}

export interface WebGlBackendLike {
  runWebGLProgram(program: GlslProgram, inputs: tf.TensorInfo[], dtype: tf.DataType, customUniformValues?: number[][]): tf.TensorInfo;
  disposeIntermediateTensorInfo(t: tf.TensorInfo): void;
}

/** Registers a fused kernel for 'webgl'; inputs are named 0, 1, … in order, as runJsKernel passes them. */
export function registerWebGlKernel(name: string, run: FusedKernelFunc<WebGlBackendLike>): void {
  registerFusedKernel(name, 'webgl', ['float32'], run);
}
