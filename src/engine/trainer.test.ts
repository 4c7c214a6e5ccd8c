import { afterEach, describe, expect, it } from 'vitest';
import * as tf from './tf';
import { presetConfig, type ExperimentConfig } from './config';
import { syntheticDataset } from './data/synthetic';
import { trainLosses } from './train-losses';
import { NonFiniteLossError, Trainer } from './trainer';

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 2000, testCount: 400 });
const cfg = (over: Partial<ExperimentConfig> = {}): ExperimentConfig => ({ ...presetConfig('tiny'), batchSize: 16, ...over });

const losses = (c: ExperimentConfig, n: number): Promise<number[]> => trainLosses(c, data, n);

afterEach(() => tf.disposeVariables());

describe('Trainer', () => {
  it('same seed → identical losses; another seed → different', async () => {
    const a = await losses(cfg({ seed: 7 }), 6);
    expect(await losses(cfg({ seed: 7 }), 6)).toEqual(a);
    expect(await losses(cfg({ seed: 8 }), 6)).not.toEqual(a);
  });

  it('SViTE at density 1 trains exactly as dense, through its topology updates', async () => {
    // Every update prunes the k smallest weights and, with nothing else inactive, regrows them.
    const dense = await losses(cfg({ seed: 3 }), 12);
    expect(await losses(cfg({ seed: 3, method: 'svite', density: 1, updateInterval: 4 }), 12)).toEqual(dense);
    expect(await losses(cfg({ seed: 3, method: 'svite', density: 0.9, updateInterval: 4 }), 12)).not.toEqual(dense);
  });

  it('SViTE with no updates is static sparse training: the masks never move, whatever ΔT says', async () => {
    const none = await losses(cfg({ seed: 4, method: 'svite', updateEnd: 0, updateInterval: 2 }), 10);
    expect(await losses(cfg({ seed: 4, method: 'svite', updateInterval: 1000 }), 10)).toEqual(none);
    expect(await losses(cfg({ seed: 4, method: 'svite', updateInterval: 2 }), 10)).not.toEqual(none);
  });

  it('leaks no tensor over many steps, evaluations and snapshots, in every method', async () => {
    for (const over of [{}, { method: 'svite' as const, updateInterval: 5 }, { method: 's2vite' as const, updateInterval: 5 }, { tokenKeep: 0.5 }]) {
      const before = tf.memory().numTensors, buffersBefore = tf.memory().numDataBuffers;
      const t = await Trainer.create(cfg({ ...over, steps: 40 }), data);
      const afterCreate = tf.memory().numTensors, buffersAfterCreate = tf.memory().numDataBuffers;
      for (let i = 0; i < 12; i++) await t.step();
      expect(tf.memory().numTensors).toBe(afterCreate);
      expect(tf.memory().numDataBuffers).toBe(buffersAfterCreate);
      await t.evaluate(64);
      await t.snapshot();
      expect(tf.memory().numTensors).toBe(afterCreate);
      expect(tf.memory().numDataBuffers).toBe(buffersAfterCreate);
      t.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.memory().numDataBuffers).toBe(buffersBefore);
    }
  });

  it('refuses data that does not fit the model, with a message that says how to fix it', async () => {
    await expect(Trainer.create(cfg({ imageSize: 32, patchSize: 8 }), data)).rejects.toThrow(/16×16×1 but the model expects 32×32×1/);
    await expect(Trainer.create(cfg({ numHeads: 5 }), data)).rejects.toThrow(/not divisible by numHeads 5/);
  });

  it('stops at the first non-finite loss, naming the step; evaluation then reports no accuracy', async () => {
    const before = tf.memory().numTensors;
    const t = await Trainer.create(cfg({ seed: 5 }), data);
    await t.step();
    const good = await t.evaluate(64);
    expect(good.accuracy).toBeGreaterThanOrEqual(0);
    const params = await t.readParams();
    params.get('head.weight')![3] = NaN;
    t.model.write(params);
    const err = await t.step().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as NonFiniteLossError).step).toBe(2);
    expect((err as Error).message).toMatch(/^the loss at step 2 is NaN \(not finite\): training stopped there/);
    expect(t.stepsDone).toBe(1); // the last good step
    const bad = await t.evaluate(64);
    expect(bad.loss).toBeNaN();
    expect(bad.accuracy).toBeNull(); // not the chance accuracy of an argmax over NaNs
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
