import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { presetConfig, type ExperimentConfig } from '../config';
import { centrePatches, keptTokens, numPatches } from '../facts';
import { syntheticDataset } from '../data/synthetic';
import { Trainer } from '../trainer';
import { selectTokens } from './select-tokens';
import { embed } from './vit';

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 500, testCount: 64 });
const cfg = (over: Partial<ExperimentConfig> = {}): ExperimentConfig => ({ ...presetConfig('tiny'), batchSize: 8, steps: 20, tokenKeep: 0.5, ...over });

afterEach(() => tf.disposeVariables());

describe('SViTE+ token selector', () => {
  it('keeps exactly k patches plus cls, gathers them, and evaluates deterministically', async () => {
    const c = cfg();
    const t = await Trainer.create(c, data);
    const k = keptTokens(c), N = numPatches(c);
    expect(k).toBe(8);
    const x = tf.randomNormal([5, 16, 16, 1]) as tf.Tensor4D;
    // The gathered sequence: k + 1 rows per image, cls first, each a row of the embedded tokens.
    const [emb, kept] = tf.tidy(() => {
      const e = embed(t.model.params, x, c);
      return [e, selectTokens(t.model.params, e, 5, N, t.tokens!.evalPlan())];
    });
    expect(kept.shape).toEqual([5 * (k + 1), c.embedDim]);
    const E = emb.arraySync() as number[][], K = kept.arraySync() as number[][];
    const idx = await t.tokens!.keptIndices(x);
    for (let b = 0; b < 5; b++) {
      const mine = Array.from(idx.subarray(b * k, (b + 1) * k));
      expect(new Set(mine).size).toBe(k);
      for (const i of mine) expect(i >= 0 && i < N).toBe(true);
      expect(K[b * (k + 1)]).toEqual(E[b * (N + 1)]); // cls first
      const keptSet = new Set(K.slice(b * (k + 1) + 1, (b + 1) * (k + 1)).map((r) => r.join()));
      for (const i of mine) expect(keptSet.has(E[b * (N + 1) + 1 + i].join())).toBe(true);
    }
    tf.dispose([emb, kept]);
    const a = await t.tokens!.keptIndices(x), b = await t.tokens!.keptIndices(x);
    expect(Array.from(a)).toEqual(Array.from(b));
    const l1 = t.predict(x), l2 = t.predict(x);
    expect(Array.from(l1.dataSync())).toEqual(Array.from(l2.dataSync()));
    expect(t.flops().executed).toBeLessThan(t.flops().dense);
    tf.dispose([x, l1, l2]);
    t.dispose();
  });

  it('gradients reach the scorer through the straight-through estimator; τ decays 10 → 0.1', async () => {
    // No weight decay: any movement of the scorer comes from its gradient.
    const t = await Trainer.create(cfg({ weightDecay: 0 }), data);
    const w0 = await t.model.params.get('token_selector.score.weight')!.data();
    const before = Float32Array.from(w0);
    await t.step();
    await t.step();
    const w1 = await t.model.params.get('token_selector.score.weight')!.data();
    let moved = 0;
    for (let i = 0; i < w1.length; i++) if (w1[i] !== before[i]) moved++;
    expect(moved).toBe(w1.length);
    expect(t.tokens!.temperature(0)).toBeCloseTo(10);
    expect(t.tokens!.temperature(19)).toBeCloseTo(0.1);
    expect(t.tokens!.temperature(10)).toBeCloseTo(10 - 9.9 * (10 / 19));
    t.dispose();
  });

  it('the fixed-tokens baseline keeps the centre patches of every image, with no scorer to learn', async () => {
    // 4×4 grid: the 4 centre patches, then the 8 edge-middle ones, row-major on ties.
    expect(centrePatches(cfg(), 4)).toEqual([5, 6, 9, 10]);
    expect(centrePatches(cfg(), 6)).toEqual([1, 2, 5, 6, 9, 10]);
    const before = tf.memory().numTensors;
    const c = cfg({ tokenKeep: 0.7, tokenSelector: 'centre' });
    const t = await Trainer.create(c, data);
    expect(t.model.params.has('token_selector.score.weight')).toBe(false);
    const centre = centrePatches(c, keptTokens(c));
    expect(centre).toHaveLength(11);
    const x = tf.randomNormal([3, 16, 16, 1]) as tf.Tensor4D;
    expect(Array.from(await t.tokens!.keptIndices(x))).toEqual([...centre, ...centre, ...centre]);
    // The forward sees exactly those rows: cls, then the centre patches in order.
    const [emb, kept] = tf.tidy(() => {
      const e = embed(t.model.params, x, c);
      return [e, selectTokens(t.model.params, e, 3, numPatches(c), t.tokens!.trainPlan(3, 0))];
    });
    const E = emb.arraySync() as number[][], K = kept.arraySync() as number[][];
    for (let b = 0; b < 3; b++) [0, ...centre.map((p) => p + 1)].forEach((row, i) => expect(K[b * 12 + i]).toEqual(E[b * 17 + row]));
    await t.step();
    tf.dispose([x, emb, kept]);
    t.dispose();
    tf.disposeVariables();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a centre prior makes the learned selector start as the fixed crop, on every image; without it, it does not', async () => {
    const before = tf.memory().numTensors;
    // The first 32 test images, normalised as training normalises them.
    const pixels = Float32Array.from(data.test.images.subarray(0, 32 * 256), (v) => (v / 255 - data.mean[0]) / data.std[0]);
    const x = tf.tensor4d(pixels, [32, 16, 16, 1]);
    const firstChoice = async (c: ExperimentConfig): Promise<number[][]> => {
      const t = await Trainer.create(c, data);
      const idx = await t.tokens!.keptIndices(x);
      t.dispose();
      return Array.from({ length: 32 }, (_, b) => Array.from(idx.subarray(b * keptTokens(c), (b + 1) * keptTokens(c))));
    };
    const c = cfg({ tokenKeep: 0.7, tokenPrior: 20 });
    const centre = centrePatches(c, keptTokens(c));
    expect(await firstChoice(c)).toEqual(Array.from({ length: 32 }, () => centre));
    // The raw scorer alone spreads its scores by several units on these images: its first top-k is not the crop.
    const free = await firstChoice(cfg({ tokenKeep: 0.7, tokenPrior: 0 }));
    expect(free.filter((row) => row.join() !== centre.join()).length).toBeGreaterThan(16);
    x.dispose();
    tf.disposeVariables();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('tokenLr scales the selector\'s steps only: 0 freezes the scorer and the prior while the model trains', async () => {
    const before = tf.memory().numTensors;
    const t = await Trainer.create(cfg({ tokenKeep: 0.7, tokenPrior: 20, tokenLr: 0 }), data);
    const read = async (): Promise<Map<string, Float32Array>> => t.model.read();
    const p0 = await read();
    await t.step();
    await t.step();
    const p1 = await read();
    for (const name of ['token_selector.score.weight', 'token_selector.score.bias', 'token_selector.position_bias'])
      expect(Array.from(p1.get(name)!)).toEqual(Array.from(p0.get(name)!));
    expect(Array.from(p1.get('head.weight')!)).not.toEqual(Array.from(p0.get('head.weight')!));
    t.dispose();
    tf.disposeVariables();
    expect(tf.memory().numTensors).toBe(before);
  });
});
