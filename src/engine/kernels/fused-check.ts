// Test support: a fused op against its composed reference, values and gradients, on the current
// backend. Gradients are taken of Σ f(x)·w for a fixed random w, with respect to every input.
import { expect } from 'vitest';
import * as tf from '../tf';

/**
 * max |a − b| / max |b|: the error relative to the tensor's scale. (Entry by entry, float32
 * rounding of the reference itself, e.g. in sums that cancel to near zero, would dominate.)
 */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    diff = Number.isNaN(d) || d > diff ? (Number.isNaN(d) ? Infinity : d) : diff;
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

export function expectFusedMatches(
  inputs: tf.Tensor[],
  fused: (...x: tf.Tensor[]) => tf.Tensor,
  composed: (...x: tf.Tensor[]) => tf.Tensor,
  tol = 1e-5,
): void {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const ref = composed(...inputs), got = fused(...inputs);
    expect(got.shape).toEqual(ref.shape);
    expect(maxRelDiff(got.dataSync(), ref.dataSync())).toBeLessThan(tol);
    const w = tf.randomNormal(ref.shape, 0, 1, 'float32', 7);
    const gRef = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(composed(...x), w)))(inputs);
    const gGot = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(fused(...x), w)))(inputs);
    gRef.forEach((g, i) => {
      expect(gGot[i].shape).toEqual(g.shape);
      expect(maxRelDiff(gGot[i].dataSync(), g.dataSync()), `gradient of input ${i}`).toBeLessThan(tol);
    });
  });
  expect(tf.memory().numTensors).toBe(before);
}
