// Cross-entropy with label smoothing (timm's LabelSmoothingCrossEntropy) as one kernel each way.
// Composed it is a log-softmax, one-hot, cast, the smoothing, a product, two reductions and a
// negation forward, and about twice that backward. With target t = (1 − s)·onehot + s/C (which
// sums to 1), the gradient is (softmax − t) / B, from the probabilities the forward keeps.
import * as tf from '../tf';
import { fusedOn, fusedOp, registerJsKernel } from './js-kernel';

interface CrossEntropyAttrs {
  smoothing: number;
}

const FORWARD = 'SvSmoothedCrossEntropy';
const BACKWARD = 'SvSmoothedCrossEntropyGrad';

/** Target probability of class c for a sample of class `label`. */
const target = (c: number, label: number, C: number, s: number): number => (c === label ? 1 - s : 0) + s / C;

registerJsKernel<CrossEntropyAttrs>({
  name: FORWARD,
  outputShapes: ([logits]) => [[], logits],
  // logits [B, C], labels [B] → mean loss [] and softmax [B, C]
  compute: ([logits, labels], [loss, probs], { smoothing }, [[B, C]]) => {
    let total = 0;
    for (let b = 0; b < B; b++) {
      const o = b * C;
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, logits[o + c]);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(logits[o + c] - max);
      const logSum = Math.log(sum) + max;
      for (let c = 0; c < C; c++) {
        const logp = logits[o + c] - logSum;
        probs[o + c] = Math.exp(logp);
        total -= target(c, labels[b], C, smoothing) * logp;
      }
    }
    loss[0] = total / B;
  },
});
registerJsKernel<CrossEntropyAttrs>({
  name: BACKWARD,
  outputShapes: ([, probs]) => [probs],
  // dy [], softmax [B, C], labels [B] → d logits
  compute: ([dy, probs, labels], [dx], { smoothing }, [, [B, C]]) => {
    const k = dy[0] / B;
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++) dx[b * C + c] = k * (probs[b * C + c] - target(c, labels[b], C, smoothing));
  },
});

/** The composed loss: the reference, and the path on backends without the kernel. */
export function smoothedCrossEntropyComposed(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, smoothing: number): tf.Scalar {
  const logp = tf.logSoftmax(logits);
  const onehot = tf.cast(tf.oneHot(labels, numClasses), 'float32');
  const t = smoothing > 0 ? tf.add(tf.mul(onehot, 1 - smoothing), smoothing / numClasses) : onehot;
  return tf.neg(tf.mean(tf.sum(tf.mul(t, logp), -1))) as tf.Scalar;
}

/** Mean cross-entropy of logits [B, C] against int32 labels [B], labels smoothed by `smoothing`. */
export function smoothedCrossEntropyFused(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, smoothing: number): tf.Scalar {
  if (!fusedOn(FORWARD) || logits.shape[1] !== numClasses) return smoothedCrossEntropyComposed(logits, labels, numClasses, smoothing);
  return fusedOp(FORWARD, BACKWARD, { smoothing }, (_, [, probs]) => [probs, labels], [labels])(logits) as tf.Scalar;
}
