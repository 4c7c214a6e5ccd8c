// Building blocks written on tfjs-core ops, 2-D matmuls only (tfjs 4.22's broadcast matMul has a
// wrong gradient shape, see tfjs-notes.md).
import * as tf from '../tf';
import { smoothedCrossEntropyFused } from '../kernels/cross-entropy';
import { denseFused, denseFusedOn, denseGeluInference } from '../kernels/dense';
import { geluFused } from '../kernels/gelu';
import { layerNormFused } from '../kernels/layer-norm';

/**
 * Linear layer with the backward written as plain matmuls on explicit transposes. tfjs's WASM
 * backend runs transposed-flag matmuls (what the built-in MatMul gradient emits) about 15× slower
 * than a transpose plus a plain matmul, and the CPU backend is faster this way too.
 */
const denseExplicitGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]); // kept alive for the backward pass
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      // dW = xᵀ·dy contracts over the M rows. The second matmul operand gets repacked on every
      // call, so make it the narrower of x [M, in] and dy [M, out]: ~30% faster when they differ.
      let dW: tf.Tensor, db: tf.Tensor;
      if (sx.shape[1] < d.shape[1]) {
        const dT = tf.transpose(d); // [out, M]: db is then a sum along rows, which WASM does without a transpose
        dW = tf.transpose(tf.matMul(dT, sx));
        db = tf.sum(dT, 1);
      } else {
        dW = tf.matMul(tf.transpose(sx), d);
        db = tf.sum(d, 0);
      }
      return [tf.matMul(d, tf.transpose(sw)) /* dx [M, in] */, dW /* [in, out] */, db /* [out] */];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** Backends whose matmul kernels prefer explicit transposes (GPU kernels read transposed inputs for free). */
const EXPLICIT_TRANSPOSE_BACKENDS = new Set(['wasm', 'cpu']);

/** x [M, in] · W [in, out] + b [out] → [M, out] */
export function dense2d(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  if (denseFusedOn()) return denseFused(x, w, b);
  if (EXPLICIT_TRANSPOSE_BACKENDS.has(tf.getBackend())) return denseExplicitGrad(x, w, b);
  return tf.add(tf.matMul(x, w as tf.Tensor2D), b);
}

/**
 * x + f for the residual stream, x and f of one shape. tfjs's Add keeps both inputs for its
 * backward pass (a clone kernel each) and reshapes the gradient for each input; a same-shape
 * sum's gradient is dy for both, so this keeps nothing and the backward is one clone of dy: 2
 * kernels per residual connection instead of 5 (the Add and the accumulation excluded).
 */
const residualAddOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, f] = args as [tf.Tensor, tf.Tensor];
  return { value: tf.add(x, f), gradFunc: (dy: tf.Tensor) => [dy, tf.clone(dy)] };
}) as (x: tf.Tensor2D, f: tf.Tensor2D) => tf.Tensor2D;

export function residualAdd(x: tf.Tensor2D, f: tf.Tensor2D): tf.Tensor2D {
  if (x.shape.join() !== f.shape.join()) throw new Error(`residualAdd: shapes [${x.shape}] and [${f.shape}] differ`);
  return residualAddOp(x, f);
}

/** timm's ViT LayerNorm epsilon. */
export const LN_EPS = 1e-6;

/** LayerNorm over the last axis, eps 1e-6 as timm's ViT. x [M, D]; one kernel each way where the backend has it. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  return layerNormFused(x, gamma, beta, LN_EPS);
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as torch.nn.GELU(). */
export const gelu = geluFused;

/** GELU(x·W + b) at inference (no gradient): one kernel on WASM, the same bits as dense2d then gelu. */
export function denseGelu(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return denseFusedOn() ? denseGeluInference(x, w, b) : (gelu(dense2d(x, w, b)) as tf.Tensor2D);
}

/** Cross-entropy with label smoothing (timm's LabelSmoothingCrossEntropy). logits [B, C], labels int32 [B]. */
export const smoothedCrossEntropy = smoothedCrossEntropyFused;

/**
 * Rows of x [M, D] at unique indices [K] → [K, D]. Backward by scatterND: tfjs's gather gradient
 * needs UnsortedSegmentSum, which the WASM backend lacks. Indices must be unique (ours are: live
 * units and kept tokens), so the scatter is exact.
 */
const gatherRowsScatterGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, idx, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([idx]);
  const shape = x.shape;
  return {
    value: tf.gather(x, idx, 0),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.scatterND(tf.reshape(saved[0], [-1, 1]), dy, shape), // dx [M, D]
      tf.zeros(saved[0].shape), // no gradient for indices (float: tfjs checks gradient dtypes)
    ],
  };
}) as (x: tf.Tensor, idx: tf.Tensor1D) => tf.Tensor;

/** Gather along axis 0 or 1 of a 1-D/2-D tensor at unique indices, with a gradient on every backend. */
export function gatherUniqueScattered(x: tf.Tensor, idx: tf.Tensor1D, axis: 0 | 1 = 0): tf.Tensor {
  if (x.rank === 1) return tf.reshape(gatherRowsScatterGrad(tf.reshape(x, [-1, 1]), idx), [-1]);
  if (axis === 0) return gatherRowsScatterGrad(x, idx);
  return tf.transpose(gatherRowsScatterGrad(tf.transpose(x), idx)); // columns via rows of xᵀ
}
