import { afterEach, describe, expect, it } from 'vitest';
import * as tf from './tf';
import { presetConfig, validateConfig, type ExperimentConfig } from './config';
import { applyOverrides, decodeConfig } from './config-url';
import { syntheticDataset } from './data/synthetic';
import { estimateTrainingMemory, evalBatchSize, TRAINING_MEMORY_LIMIT, validateForTraining } from './memory';
import { Trainer } from './trainer';

const messages = (c: ExperimentConfig): string[] => validateForTraining(c).map((i) => i.message);

afterEach(() => tf.disposeVariables());

describe('training memory', () => {
  it('the small presets and deit-tiny fit; deit-small and deit-base validate (FLOPs, export) but are refused for training', () => {
    for (const p of ['tiny', 'fmnist', 'cifar10', 'deit-tiny'] as const) expect(messages(presetConfig(p))).toEqual([]);
    for (const p of ['deit-small', 'deit-base'] as const) {
      expect(validateConfig(presetConfig(p))).toEqual([]);
      expect(messages(presetConfig(p))).toEqual([expect.stringMatching(/^this config does not fit in memory: its tensors need about [\d.]+ GiB to train \(.*\), past the 2\.00 GiB limit\. Shrink batchSize/)]);
    }
    // Evaluation batches of 128 fit the small presets; deit-tiny's would not, so it evaluates in its training batch.
    expect(['tiny', 'fmnist', 'cifar10', 'deit-tiny'].map((p) => evalBatchSize(presetConfig(p as 'tiny')))).toEqual([128, 128, 128, 8]);
  });

  it('refuses the configs that validated, then crashed (issue 22), with the estimate and the limit', () => {
    // 1024² single-pixel patches: a million tokens, attention maps of 10^12 entries.
    expect(messages(decodeConfig('v=1&p=tiny&img=1024&ps=1&st=1').config)).toEqual([expect.stringMatching(
      /its tensors need about 2,097,745 GiB to train \(activations of a batch \(attention maps 2,097,156 GiB\).*past the 2\.00 GiB limit; its synthetic images take 6\.84 GiB, past the 2\.00 GiB limit/)]);
    expect(messages(applyOverrides(presetConfig('tiny'), ['embedDim=4096', 'depth=48', 'numHeads=64'])))
      .toEqual([expect.stringMatching(/its tensors need about 115 GiB to train \(weights and gradients 48 GiB, AdamW moments 48 GiB, .*past the 2\.00 GiB limit/)]);
    // A zero-width MLP is refused by validation itself, for every use.
    expect(validateConfig(applyOverrides(presetConfig('tiny'), ['mlpRatio=0.001'])).map((i) => i.message))
      .toEqual(["mlpRatio 0.001 gives an MLP of no neurons (embedDim 48 × 0.001, rounded down): use mlpRatio ≥ 0.020833333333333332 (timm's default is 4)"]);
    expect(decodeConfig('p=tiny&mlp=0.001').ignored.map((i) => i.key)).toEqual(['mlp']);
  });

  it('the trainer refuses before allocating anything', async () => {
    const before = tf.memory().numTensors;
    const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 20, testCount: 10 });
    await expect(Trainer.create({ ...presetConfig('tiny'), batchSize: 4096, embedDim: 1024, numHeads: 8, depth: 24 }, data)).rejects.toThrow(/past the 2\.00 GiB limit/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('bounds the tensors a step and an evaluation really keep (cpu backend), 256 tokens per image', async () => {
    const c: ExperimentConfig = { ...presetConfig('tiny'), imageSize: 32, patchSize: 2, batchSize: 8, embedDim: 32, numHeads: 4, steps: 4, evalSize: 16 };
    const e = estimateTrainingMemory(c);
    expect(e.bytes).toBeLessThan(TRAINING_MEMORY_LIMIT);
    const data = syntheticDataset({ imageSize: 32, channels: 1, seed: 0, trainCount: 32, testCount: 128 });
    const before = tf.memory().numTensors;
    const t = await Trainer.create(c, data);
    const step = await tf.profile(async () => void await t.step());
    const evaluation = await tf.profile(async () => void await t.evaluate(128));
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const tensors = e.bytes;
    expect(step.peakBytes).toBeLessThanOrEqual(tensors);
    expect(evaluation.peakBytes).toBeLessThanOrEqual(tensors);
    expect(Math.max(step.peakBytes, evaluation.peakBytes)).toBeGreaterThan(tensors / 3); // an estimate, not a blanket
  });
});
