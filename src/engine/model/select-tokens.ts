// SViTE+ token selection as a pure op (method.md §4): a Linear(D→1) scorer after the position
// embedding, Gumbel top-k with a straight-through estimator, cls always kept. The kept rows are
// gathered, so every block runs on k+1 tokens. Evaluation is deterministic: top-k of the scores.
// The selector's state (noise, temperature) is token-selector.ts's; the forward calls this op.
import * as tf from '../tf';
import { dense2d, gatherUniqueScattered } from './layers';
import { POSITION_BIAS } from './params';
import type { ParamMap, TokenPlan } from './vit';

/** Selector scores of the patch tokens [B, N] from embedded tokens x [B·(N+1), D], plus the per-patch bias where there is one. */
export function patchScores(P: ParamMap, x: tf.Tensor2D, B: number, N: number): tf.Tensor2D {
  const s = dense2d(x, P.get('token_selector.score.weight')!, P.get('token_selector.score.bias')!); // [B·(N+1), 1]
  const scores = tf.slice(tf.reshape(s, [B, N + 1]), [0, 1], [B, N]) as tf.Tensor2D; // drop cls: [B, N]
  const bias = P.get(POSITION_BIAS);
  return bias ? tf.add(scores, bias) as tf.Tensor2D : scores;
}

/** Flat rows into [B·(N+1)] for cls + the kept patches (patch indices [B, k], 0-based). */
export function keptRows(idx: tf.Tensor2D, N: number): tf.Tensor1D {
  const [B, k] = idx.shape;
  const base = tf.reshape(tf.mul(tf.range(0, B, 1, 'int32'), tf.scalar(N + 1, 'int32')), [B, 1]); // [B, 1]
  const patches = tf.add(tf.add(idx, 1), base); // [B, k]
  return tf.reshape(tf.concat([base, patches], 1), [B * (k + 1)]) as tf.Tensor1D; // cls first per image
}

/** Identity forward, zero gradient: tfjs has no stopGradient op. */
const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * Rows of cls + the top-k patches, as one kernel with a zero gradient: TopK has no gradient in
 * tfjs, and for backprop the choice is a constant. This lets the choice be made inside the
 * differentiated forward, on the tokens it embeds anyway (no second embedding pass).
 */
function topRows(logits: tf.Tensor2D, k: number, N: number): tf.Tensor1D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const l = args[0] as tf.Tensor2D;
    return { value: keptRows(tf.topk(l, k).indices as tf.Tensor2D, N), gradFunc: (dy: tf.Tensor) => tf.zerosLike(l) };
  }) as (l: tf.Tensor) => tf.Tensor;
  return f(logits) as tf.Tensor1D;
}

/**
 * Embedded tokens x [B·(N+1), D] → the kept ones [B·(k+1), D]. Training: Gumbel top-k of
 * log_softmax(s) + g, multiplied by the straight-through m = hard − stopgrad(y) + y (value 1) with
 * y = softmax((log_softmax(s) + g)/τ), so the scorer learns. Evaluation: top-k of s, no noise.
 */
export function selectTokens(P: ParamMap, x: tf.Tensor2D, B: number, N: number, plan: TokenPlan): tf.Tensor2D {
  if (plan.fixed) {
    const idx = tf.tile(tf.tensor2d(plan.fixed as number[], [1, plan.fixed.length], 'int32'), [B, 1]) as tf.Tensor2D;
    return gatherUniqueScattered(x, keptRows(idx, N)) as tf.Tensor2D;
  }
  const scores = patchScores(P, x, B, N); // [B, N]
  // The rows come out of a kernel on the differentiated path, so gather with our own gradient
  // (tf.gather's gradient for its indices is int32, which tfjs then refuses).
  if (!plan.noise) return gatherUniqueScattered(x, topRows(scores, plan.k, N)) as tf.Tensor2D;
  const logits = tf.add(tf.logSoftmax(scores), plan.noise) as tf.Tensor2D; // the forward choice does not depend on τ
  const rows = topRows(logits, plan.k, N);
  const y = tf.softmax(tf.div(logits, plan.tau ?? 1)); // [B, N]
  const m = tf.add(tf.sub(1, stopGradient(y)), y); // 1 in value, y's gradient
  const withCls = tf.concat([tf.ones([B, 1]), m], 1); // [B, N+1]
  const st = gatherUniqueScattered(tf.reshape(withCls, [B * (N + 1), 1]), rows); // [B·(k+1), 1]
  return tf.mul(gatherUniqueScattered(x, rows), st) as tf.Tensor2D;
}
