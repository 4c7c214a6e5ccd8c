import { describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { gatherUniqueScattered } from './layers';

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
