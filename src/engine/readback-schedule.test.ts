// Trainer.steps reads the losses of up to `readbackEvery` steps at once (8 on WebGPU). These run
// the schedule on the CPU backend, where it is exact and deterministic: reading 8 steps at a time
// must give what reading every step gives, through topology updates, evaluations and a NaN.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from './tf';
import { presetConfig, type ExperimentConfig } from './config';
import { syntheticDataset } from './data/synthetic';
import type { Dataset } from './data/types';
import { NonFiniteLossError, Trainer } from './trainer';

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 400, testCount: 64 });
const cfg = (over: Partial<ExperimentConfig> = {}): ExperimentConfig => ({ ...presetConfig('tiny'), batchSize: 16, steps: 40, ...over });

afterEach(() => tf.disposeVariables());

/** Runs to `until` steps (or the first non-finite loss) in chunks; returns each chunk's length and the error. */
async function trainTo(t: Trainer, until: number): Promise<{ chunks: number[]; error: NonFiniteLossError | null }> {
  const chunks: number[] = [];
  try {
    while (t.stepsDone < until) chunks.push((await t.steps(until - t.stepsDone)).length);
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) throw e;
    return { chunks, error: e };
  }
  return { chunks, error: null };
}

describe('the loss readback schedule', () => {
  it('reading 8 steps at a time gives the losses and the state of reading every step, in every method', async () => {
    const runs: [Partial<ExperimentConfig>, number[]][] = [
      [{}, [8, 8, 4]],
      [{ method: 'svite', updateInterval: 5 }, [4, 1, 4, 1, 4, 1, 4, 1]], // an update step runs alone
      [{ method: 's2vite', updateInterval: 6 }, [5, 1, 5, 1, 5, 1, 2]],
      [{ tokenKeep: 0.5, evalEvery: 7 }, [7, 7, 6]], // a chunk ends at an evaluation step
    ];
    for (const [over, expectedChunks] of runs) {
      const c = cfg({ seed: 11, ...over });
      const every = await Trainer.create(c, data, { readbackEvery: 1 });
      const chunked = await Trainer.create(c, data, { readbackEvery: 8 });
      const tensors = tf.memory().numTensors;
      expect((await trainTo(every, 20)).chunks).toEqual(Array(20).fill(1));
      expect((await trainTo(chunked, 20)).chunks).toEqual(expectedChunks);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(chunked.losses).toEqual(every.losses);
      expect(await chunked.checkpoint()).toEqual(await every.checkpoint()); // parameters, moments, data cursor, noise
      every.dispose();
      chunked.dispose();
    }
  });

  it('a NaN read late stops the run at its step, as reading every step does, and a resume stops there again', async () => {
    // A data set with near-zero spread (std 1e-300): one image's pixels normalise to ±Infinity.
    // Shuffled with seed 5, it is in step 7's batch: inside a chunk of 8, not at its edge.
    const poisoned = 6, pixels = 16 * 16;
    const source = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 160, testCount: 64 });
    const images = new Uint8Array(source.train.images.length); // the others are black: they normalise to 0
    images.set(source.train.images.subarray(poisoned * pixels, (poisoned + 1) * pixels), poisoned * pixels);
    const bad: Dataset = { ...source, train: { ...source.train, images }, mean: [0], std: [1e-300] };
    const c = cfg({ seed: 5 });
    const before = tf.memory().numTensors;

    const every = await Trainer.create(c, bad, { readbackEvery: 1 });
    await trainTo(every, 2);
    const saved = await every.checkpoint();
    const stopped = (await trainTo(every, 20)).error;
    expect(stopped?.step).toBe(7);
    expect(every.stepsDone).toBe(6);
    const stateAtNaN = await every.checkpoint();
    const everyLosses = [...every.losses];
    every.dispose();

    const chunked = await Trainer.create(c, bad, { readbackEvery: 8 });
    const afterCreate = tf.memory().numTensors;
    const run = await trainTo(chunked, 20);
    expect(run.chunks).toEqual([]); // steps 1–8 were one chunk: it rolled back and replayed 1–7 one by one
    expect(run.error?.step).toBe(7);
    expect(run.error?.message).toBe(stopped?.message);
    expect(run.error?.completed.map((s) => s.loss)).toEqual(everyLosses); // for the log and the chart
    expect(chunked.stepsDone).toBe(6);
    expect(tf.memory().numTensors).toBe(afterCreate);
    expect(await chunked.checkpoint()).toEqual(stateAtNaN);
    chunked.dispose();

    const resumed = await Trainer.fromCheckpoint(saved, bad, { readbackEvery: 8 });
    expect((await trainTo(resumed, 20)).error?.step).toBe(7); // the chunk of steps 3–10
    expect(await resumed.checkpoint()).toEqual(stateAtNaN);
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
