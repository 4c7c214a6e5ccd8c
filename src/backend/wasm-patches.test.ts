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
});
