// The WASM kernel replacements, on the real WASM backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../engine/tf';
import { useBackend } from './node';

// The CLI's own backend set-up: WASM binaries from node_modules, prod mode, our kernel patches.
beforeAll(async () => {
  expect(await useBackend('wasm')).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('WASM kernel patches', () => {
  it('gather rows by block copies, other gathers as before, bad indices refused', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor3d(Float32Array.from({ length: 5 * 2 * 3 }, (_, i) => i), [5, 2, 3]);
      const rows = tf.gather(x, tf.tensor1d([4, 0, 2, 0], 'int32'));
      expect(rows.shape).toEqual([4, 2, 3]);
      expect(Array.from(rows.dataSync())).toEqual([24, 25, 26, 27, 28, 29, 0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17, 0, 1, 2, 3, 4, 5]);
      const ints = tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([[1], [0]], [2, 1], 'int32'));
      expect(ints.shape).toEqual([2, 1, 2]);
      expect(Array.from(ints.dataSync())).toEqual([3, 4, 1, 2]);
      const cols = tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.tensor1d([2, 0], 'int32'), 1); // original kernel
      expect(Array.from(cols.dataSync())).toEqual([3, 1, 6, 4]);
      expect(() => tf.gather(x, tf.tensor1d([5], 'int32'))).toThrow(/index value 5 is not in \[0, 4\]/);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('clone and same-type cast share the buffer, safely; other casts convert', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const y = tf.clone(x), z = tf.cast(x, 'float32'), n = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2.25, 3]);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1.5, -2.25, 3]);
    expect(Array.from(n.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([z, n]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a bias row added to every row gives the bits of a same-shape add; other broadcasts as before', () => {
    const before = tf.memory().numTensors;
    const bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
    // Values whose sums round, overflow, cancel to -0 or stay subnormal, and NaN.
    const special = [1e-45, -1e-45, 3.4e38, -0, 0, NaN, Infinity, 1 / 3, 16777217, -7.5];
    const values = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? special[(i + seed) % special.length] : Math.sin(i * 12.9898 + seed) * 43758.5453));
    tf.tidy(() => {
      for (const shape of [[7, 5], [2, 3, 4], [1, 6], [9, 1]]) {
        const n = shape[shape.length - 1], rows = shape.reduce((a, b) => a * b, 1) / n;
        const x = tf.tensor(values(rows * n, 1), shape), b = tf.tensor1d(values(n, 4));
        const tiled = tf.add(x, tf.tile(tf.reshape(b, [...shape.slice(0, -1).map(() => 1), n]), [...shape.slice(0, -1), 1])); // same shape: the original kernel
        expect(tf.add(x, b).shape).toEqual(shape);
        expect(bits(tf.add(x, b))).toEqual(bits(tiled));
        expect(bits(tf.add(b, x))).toEqual(bits(tiled));
      }
      // Not a bias row: the original kernel's broadcasting.
      expect(Array.from(tf.add(tf.tensor2d([1, 2], [2, 1]), tf.tensor1d([10, 20, 30])).dataSync())).toEqual([11, 21, 31, 12, 22, 32]);
      expect(Array.from(tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor1d([10, 20], 'int32')).dataSync())).toEqual([11, 22, 13, 24]);
      expect(() => tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([1, 2, 3]))).toThrow(/could not be broadcast/);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
