// One SViTE topology update of one layer, entirely on the device: exact top-k selections, no
// readback of weights. Prune the k active entries of smallest |W|, then grow k entries among the
// inactive ones (just-pruned included) by largest |grad| (RigL) or by a seeded random score (SET).
import * as tf from '../tf';

/** 0/1 tensor of `shape` with ones at the flat `indices`. */
function scatterOnes(indices: tf.Tensor1D, size: number, shape: number[]): tf.Tensor {
  const ones = tf.cast(tf.onesLike(indices), 'float32');
  return tf.reshape(tf.scatterND(tf.reshape(indices, [-1, 1]), ones, [size]), shape);
}

/**
 * @param mask current 0/1 mask
 * @param weight weights after the optimizer step (zeros where masked)
 * @param growScore |gradient| for RigL, uniform random values for SET (same shape)
 * @param k entries to swap (≤ active count)
 * @returns the new 0/1 mask, same shape as the weight
 */
export function pruneAndGrow(mask: tf.Tensor, weight: tf.Tensor, growScore: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const size = mask.size;
    const shape = mask.shape;
    const m = tf.reshape(mask, [size]);
    if (k <= 0) return tf.reshape(m, shape);
    // Prune: the k smallest |W| among active entries; inactive ones are pushed to -big and never picked.
    const pruneKey = tf.where(tf.greater(m, 0), tf.neg(tf.abs(tf.reshape(weight, [size]))), tf.fill([size], -3e38));
    const pruneIdx = tf.topk(pruneKey, k).indices as tf.Tensor1D;
    const pruned = scatterOnes(pruneIdx, size, [size]);
    const afterPrune = tf.sub(m, pruned);
    // Grow: the k largest scores among entries inactive after pruning (scores are ≥ 0, actives get -1).
    const growKey = tf.where(tf.greater(afterPrune, 0), tf.fill([size], -1), tf.abs(tf.reshape(growScore, [size])));
    const growIdx = tf.topk(growKey, k).indices as tf.Tensor1D;
    const grown = scatterOnes(growIdx, size, [size]);
    return tf.reshape(tf.add(afterPrune, grown), shape);
  });
}
