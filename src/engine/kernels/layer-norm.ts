// LayerNorm over the last axis as one kernel each way. Composed, it is ~8 kernels forward (two
// means, the centring, square, rsqrt, scale, shift) and ~12 backward, each a full pass over x.
import * as tf from '../tf';
import { fusedOn, registerJsKernel, runJsKernel } from './js-kernel';

interface LayerNormAttrs {
  eps: number;
}

const FORWARD = 'SvLayerNorm';
const BACKWARD = 'SvLayerNormGrad';

/** x [M, D], γ, β [D] → y [M, D] and per row (mean, 1/σ) [M, 2], the backward pass's statistics. */
function forwardLoops([x, gamma, beta]: Float32Array[], [y, stats]: Float32Array[], { eps }: LayerNormAttrs, [shape]: number[][]): void {
  const [M, D] = shape;
  for (let r = 0; r < M; r++) {
    const o = r * D;
    let sum = 0;
    for (let d = 0; d < D; d++) sum += x[o + d];
    const mean = sum / D;
    let sq = 0;
    for (let d = 0; d < D; d++) sq += (x[o + d] - mean) ** 2;
    const rstd = 1 / Math.sqrt(sq / D + eps);
    for (let d = 0; d < D; d++) y[o + d] = (x[o + d] - mean) * rstd * gamma[d] + beta[d];
    stats[2 * r] = mean;
    stats[2 * r + 1] = rstd;
  }
}

/** dy, x, γ, stats → dx [M, D], dγ [D], dβ [D]. */
function backwardLoops([dy, x, gamma, stats]: Float32Array[], [dx, dgamma, dbeta]: Float32Array[], _a: LayerNormAttrs, [shape]: number[][]): void {
  const [M, D] = shape;
  const dg = new Float64Array(D), db = new Float64Array(D);
  for (let r = 0; r < M; r++) {
    const o = r * D, mean = stats[2 * r], rstd = stats[2 * r + 1];
    // With g = dy·γ and x̂ the normalised row: dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)).
    let gSum = 0, gxSum = 0;
    for (let d = 0; d < D; d++) {
      const xh = (x[o + d] - mean) * rstd, g = dy[o + d] * gamma[d];
      gSum += g;
      gxSum += g * xh;
      dg[d] += dy[o + d] * xh;
      db[d] += dy[o + d];
    }
    const gMean = gSum / D, gxMean = gxSum / D;
    for (let d = 0; d < D; d++) {
      const xh = (x[o + d] - mean) * rstd;
      dx[o + d] = rstd * (dy[o + d] * gamma[d] - gMean - xh * gxMean);
    }
  }
  for (let d = 0; d < D; d++) {
    dgamma[d] = dg[d];
    dbeta[d] = db[d];
  }
}

registerJsKernel<LayerNormAttrs>({
  name: FORWARD,
  outputShapes: ([x]) => [x, [x[0], 2]],
  compute: forwardLoops,
});
registerJsKernel<LayerNormAttrs>({
  name: BACKWARD,
  outputShapes: ([dy, , gamma]) => [dy, gamma, gamma],
  compute: backwardLoops,
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
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g, b, save] = args as [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, stats] = runJsKernel(FORWARD, [xs, g, b], { eps });
    save([xs, g, stats]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runJsKernel(BACKWARD, [dy, ...saved], {}),
    };
  }) as (x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor2D;
  return op(x, gamma, beta);
}
