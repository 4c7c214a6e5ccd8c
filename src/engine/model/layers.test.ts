import { describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { expectFusedMatches } from '../kernels/fused-check';
import { gatherUniqueScattered, residualAdd } from './layers';

describe('gatherUniqueScattered (the WASM path)', () => {
  it('matches tf.gather in value and gradient, for rows, columns and vectors', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([5, 7]);
      const cases: [tf.Tensor, tf.Tensor1D, 0 | 1][] = [
        [x, tf.tensor1d([4, 0, 2], 'int32'), 0],
        [x, tf.tensor1d([6, 1, 3], 'int32'), 1],
        [tf.randomNormal([9]), tf.tensor1d([8, 2, 5], 'int32'), 0],
      ];
      for (const [t, idx, axis] of cases) {
        const ref = (v: tf.Tensor): tf.Tensor => tf.gather(v, idx, axis);
        const ours = (v: tf.Tensor): tf.Tensor => gatherUniqueScattered(v, idx, axis);
        expect(Array.from(ours(t).dataSync())).toEqual(Array.from(ref(t).dataSync()));
        const w = tf.randomNormal(ref(t).shape);
        const g1 = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(ref(v), w)))(t);
        const g2 = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(ours(v), w)))(t);
        expect(Array.from(g2.dataSync())).toEqual(Array.from(g1.dataSync()));
      }
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('residualAdd', () => {
  it('is tf.add in value and in both gradients, also when x feeds another branch', () => {
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 1), f = tf.randomNormal([4, 6], 0, 1, 'float32', 2);
    // x used twice, as in a block (x + attn(LN(x))): the engine accumulates its two gradients.
    expectFusedMatches([x, f], (a, b) => tf.mul(residualAdd(a as tf.Tensor2D, tf.tanh(tf.mul(a, b)) as tf.Tensor2D), a), (a, b) => tf.mul(tf.add(a, tf.tanh(tf.mul(a, b))), a));
    tf.tidy(() => { expect(() => residualAdd(x as tf.Tensor2D, tf.zeros([4, 5]) as tf.Tensor2D)).toThrow(/shapes \[4,6\] and \[4,5\] differ/); });
    tf.dispose([x, f]);
  });
});
