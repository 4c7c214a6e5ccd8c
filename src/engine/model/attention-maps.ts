// Attention probabilities for the Try-it panel. The fused attention kernel (kernels/attention.ts)
// keeps its probabilities to itself, so at evaluation the forward can run attention as composed
// ops instead and hand out each block's cls row: what the cls token attends to, per head.
import * as tf from '../tf';
import type { AttentionAttrs } from '../kernels/attention';

/**
 * qkv [B·T, 3·H·hd] (the qkv Linear's layout) → merged head outputs [B·T, H·hd] and the cls
 * token's row of the probabilities [B, H, T]. Forward only (no custom gradient needed at eval).
 */
export function attentionWithClsRow(qkv: tf.Tensor2D, { batch: B, tokens: T, heads: H, headDim: hd }: AttentionAttrs): { out: tf.Tensor2D; clsRow: tf.Tensor3D } {
  const parts = tf.transpose(tf.reshape(qkv, [B, T, 3, H, hd]), [2, 0, 3, 1, 4]); // [3, B, H, T, hd]
  const [q, k, v] = tf.unstack(parts).map((t) => tf.reshape(t, [B * H, T, hd]) as tf.Tensor3D);
  const probs = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd))); // [B·H, T, T]
  const heads = tf.reshape(tf.matMul(probs, v), [B, H, T, hd]);
  const out = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [B * T, H * hd]) as tf.Tensor2D;
  const clsRow = tf.reshape(tf.slice(probs, [0, 0, 0], [B * H, 1, T]), [B, H, T]) as tf.Tensor3D;
  return { out, clsRow };
}
