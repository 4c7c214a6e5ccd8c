// Exact GELU, 0.5·x·(1 + erf(x/√2)) as torch.nn.GELU(), as one kernel each way (composed: five
// kernels forward, about ten backward). The loops are in C (wasm/gelu.c), compiled with SIMD128.
import * as tf from '../tf';
import { sizeOf } from '../facts/shape';
import { fusedOn, fusedOp } from './js-kernel';
import { registerWasmKernel, shareOf } from './wasm-kernel';

const FORWARD = 'SvGelu';
const BACKWARD = 'SvGeluGrad';

/** Entries per part: whole vectors, and enough that a helper's round trip pays. */
const split = { parts: ([shape]: number[][]) => Math.floor(sizeOf(shape) / 8192) };

registerWasmKernel<Record<string, never>>({
  name: FORWARD,
  outputShapes: ([x]) => [x],
  split,
  call: (f, { inputs: [x], outputs: [y] }, _a, [shape], part) => {
    const [lo, hi] = shareOf(sizeOf(shape), part, 4);
    if (hi > lo) f.sv_gelu(x + lo * 4, y + lo * 4, hi - lo);
  },
});
registerWasmKernel<Record<string, never>>({
  name: BACKWARD,
  outputShapes: ([dy]) => [dy],
  split,
  call: (f, { inputs: [dy, x], outputs: [dx] }, _a, [shape], part) => {
    const [lo, hi] = shareOf(sizeOf(shape), part, 4);
    if (hi > lo) f.sv_gelu_grad(dy + lo * 4, x + lo * 4, dx + lo * 4, hi - lo);
  },
});

/** The composed GELU: the reference, and the path on backends without the kernel. */
export function geluComposed(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

const geluOp = fusedOp(FORWARD, BACKWARD, {}, ([x]) => [x]);

/** Exact GELU, 0.5·x·(1 + erf(x/√2)). */
export function geluFused(x: tf.Tensor): tf.Tensor {
  return fusedOn(FORWARD) ? geluOp(x) : geluComposed(x);
}
