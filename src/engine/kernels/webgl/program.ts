// GLSL programs for the fused kernels on tfjs-backend-webgl, through its `runWebGLProgram`
// (duck-typed: the engine imports no backend package). The backend wraps `userCode` in its shader
// prelude: a getter per input (`getX(r, c)` for input `x`), `getOutputCoords()` and `setOutput(v)`.
// One program computes one output value per fragment; sizes are baked into the code (the backend
// caches a shader per code and shapes).
import * as tf from '../../tf';

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

type KernelFunc = (inputs: tf.TensorInfo[], backend: WebGlBackendLike, attrs: Record<string, unknown>) => tf.TensorInfo | tf.TensorInfo[];

/** Registers a fused kernel for 'webgl'; inputs are named 0, 1, … in order, as runJsKernel passes them. */
export function registerWebGlKernel(name: string, run: KernelFunc): void {
  if (tf.getKernel(name, 'webgl')) return; // registered already (HMR, tests)
  tf.registerKernel({
    kernelName: name,
    backendName: 'webgl',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const list = Object.keys(inputs).sort((a, b) => Number(a) - Number(b)).map((k) => (inputs as Record<string, tf.TensorInfo>)[k]);
      for (const t of list) if (t.dtype !== 'float32') throw new Error(`${name}: inputs must be float32 (got ${t.dtype})`);
      return run(list, backend as unknown as WebGlBackendLike, attrs as Record<string, unknown>);
    },
  });
}
