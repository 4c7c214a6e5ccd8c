// The forward at inference (ForwardPlan.inference) skips what no logit reads: the last block
// computes the cls token alone, attention frees its probabilities at once, and fc1 with its GELU is one
// kernel. Each token's arithmetic is row by row and the elementwise work is the same, so the logits
// must equal the training forward's bit for bit, on the CPU backend and on WASM with its kernels
// split over two threads.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { useBackend } from '../../backend/node';
import type { ModelConfig } from '../config';
import { Rng } from '../rng';
import { ViTModel } from './model';
import { forward, type ForwardPlan } from './vit';

const config: ModelConfig = { imageSize: 12, patchSize: 4, inChans: 2, numClasses: 5, embedDim: 12, depth: 3, numHeads: 3, mlpRatio: 2 };

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(t.dataSync().slice().buffer));

describe.each(['cpu', 'wasm'] as const)('the inference forward on %s', (backend) => {
  afterAll(async () => {
    tf.disposeVariables();
    await tf.setBackend('cpu');
  });

  it('gives the full forward\'s logits bit for bit, with and without token selection, and leaks nothing', async () => {
    expect(await useBackend(backend, undefined, 2)).toBe(backend);
    const model = new ViTModel(config, 5);
    // Weights far from the 0.02 init, so every path moves the logits.
    const rng = new Rng(3);
    for (const v of model.params.values())
      tf.tidy(() => v.assign(tf.add(v, tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal() * 0.4), v.shape))));
    const x = tf.tensor4d(Float32Array.from({ length: 7 * 12 * 12 * 2 }, () => rng.normal()), [7, 12, 12, 2]);
    const plans: ForwardPlan[] = [{}, { tokens: { k: 5, fixed: [0, 2, 3, 6, 8] } }];
    const before = tf.memory().numTensors;
    for (const plan of plans) {
      const full = tf.tidy(() => forward(model.params, x, config, plan));
      const inference = tf.tidy(() => forward(model.params, x, config, { ...plan, inference: true }));
      expect(inference.shape).toEqual([7, 5]);
      expect(bits(inference)).toEqual(bits(full));
      expect(full.dataSync().every(Number.isFinite)).toBe(true);
      tf.dispose([full, inference]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
