// LayerNorm over the last axis as one kernel each way. Composed, it is ~8 kernels forward (two
// means, the centring, square, rsqrt, scale, shift) and ~12 backward, each a full pass over x.
// The loops are in C (wasm/layer_norm.c), compiled with SIMD128.
import * as tf from '../tf';
import { fusedOn, fusedOp } from './js-kernel';
import { registerWasmKernel, shareOf, type KernelFunctions, type KernelPart } from './wasm-kernel';

interface LayerNormAttrs {
  eps: number;
}

const FORWARD = 'SvLayerNorm';
const BACKWARD = 'SvLayerNormGrad';

/** Below this many entries a split costs more than it saves (a helper's round trip is a few µs). */
const MIN_SPLIT_ENTRIES = 1 << 14;

// Rows are independent: they split between threads. (The backward's dγ and dβ sum over rows, so
// splitting it would change their order of summation.)
/** Parts the forward over x [M, D] splits into. */
export const layerNormParts = (M: number, D: number): number => (M * D >= MIN_SPLIT_ENTRIES ? M : 1);

/** The forward on part `part` of the rows: x [M, D], γ, β [D] → y [M, D] (byte offsets). */
export function layerNormRows(f: KernelFunctions, x: number, gamma: number, beta: number, y: number, M: number, D: number, eps: number, part: KernelPart): void {
  const [r0, r1] = shareOf(M, part);
  if (r1 > r0) f.sv_layer_norm(x + r0 * D * 4, gamma, beta, y + r0 * D * 4, r1 - r0, D, eps);
}

registerWasmKernel<LayerNormAttrs>({
  name: FORWARD,
  outputShapes: ([x]) => [x],
  split: { parts: ([[M, D]]) => layerNormParts(M, D) },
  call: (f, { inputs: [x, gamma, beta], outputs: [y] }, { eps }, [[M, D]], part) => layerNormRows(f, x, gamma, beta, y, M, D, eps, part),
});
registerWasmKernel<LayerNormAttrs>({
  name: BACKWARD,
  outputShapes: ([dy, , gamma]) => [dy, gamma, gamma],
  // dy, x, γ → dx [M, D], dγ [D], dβ [D]
  call: (f, { inputs: [dy, x, gamma], outputs: [dx, dgamma, dbeta] }, { eps }, [, [M, D]]) => f.sv_layer_norm_grad(dy, x, gamma, dx, dgamma, dbeta, M, D, eps),
});

/**
 * The same LayerNorm in tfjs ops, its backward written out (~12 kernels instead of the ~30
 * autodiff makes of the moments, broadcasts and reductions): the reference, and the path on
 * backends without the kernel. x̂ and rstd are saved for the backward pass.
 */
const layerNormComposedOp = (eps: number): ((x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor2D) =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const xc = tf.sub(x, tf.mean(x, -1, true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps)); // [M, 1]
    const xhat = tf.mul(xc, rstd);
    save([xhat, rstd, gamma]);
    return {
      value: tf.add(tf.mul(xhat, gamma), beta),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sr, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const g = tf.mul(dy, sg); // d loss / d x̂
        const dx = tf.mul(sr, tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(sx, tf.mean(tf.mul(g, sx), -1, true))));
        return [dx, tf.sum(tf.mul(dy, sx), 0), tf.sum(dy, 0)];
      },
    };
  }) as (x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor2D;

export function layerNormComposed(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor2D {
  return layerNormComposedOp(eps)(x, gamma, beta);
}

/** LayerNorm of each row of x [M, D] with scale γ and shift β [D]. */
export function layerNormFused(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor2D {
  if (!fusedOn(FORWARD)) return layerNormComposed(x, gamma, beta, eps);
  return fusedOp(FORWARD, BACKWARD, { eps }, ([xs, g]) => [xs, g])(x, gamma, beta) as tf.Tensor2D;
}
