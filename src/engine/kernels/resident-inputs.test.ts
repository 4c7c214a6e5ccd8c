// A kernel's input that the call before it produced is read where that call left it in the SIMD
// module's memory, not copied in again (wasm-kernel.ts). Only the last call's outputs may be read
// so: by then an older call's lie under newer buffers. Each result must equal the same kernel run
// on a fresh copy of its input (new data: always copied in), bit for bit.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { useBackend } from '../../backend/node';
import { dense2d, gelu, layerNorm } from '../model/layers';

const fresh = (t: tf.Tensor) => tf.tensor(t.dataSync().slice(), t.shape);
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(t.dataSync().slice().buffer));

describe('inputs left in the SIMD memory by the call before', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('are read in place when the last call made them, copied when an older one did', async () => {
    expect(await useBackend('wasm', undefined, 2)).toBe('wasm');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([96, 40], 0, 2, 'float32', 11) as tf.Tensor2D;
      const w = tf.randomNormal([40, 72], 0, 0.3, 'float32', 12), b = tf.randomNormal([72], 0, 0.1, 'float32', 13);
      const g = tf.randomNormal([40], 1, 0.1, 'float32', 14), beta = tf.randomNormal([40], 0, 0.1, 'float32', 15);
      const y1 = layerNorm(x, g, beta);
      const h = dense2d(tf.reshape(y1, [96, 40]) as tf.Tensor2D, w, b); // y1 (reshaped: the same data) where LayerNorm left it
      const a = gelu(h); // h where the Linear left it
      const other = dense2d(gelu(tf.neg(x)) as tf.Tensor2D, w, b); // newer calls lay out over y1, h and a
      const again = dense2d(y1, w, b); // y1 now lies under them: copied in
      const fromA = gelu(a); // a too
      expect(bits(h)).toEqual(bits(dense2d(fresh(y1) as tf.Tensor2D, w, b)));
      expect(bits(a)).toEqual(bits(gelu(fresh(h))));
      expect(bits(again)).toEqual(bits(h));
      expect(bits(fromA)).toEqual(bits(gelu(fresh(a))));
      expect(bits(other)).toEqual(bits(dense2d(fresh(gelu(fresh(tf.neg(x)))) as tf.Tensor2D, w, b)));
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
