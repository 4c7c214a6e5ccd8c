// The CLI's run when the loss stops being finite: it stops there and still returns what it has;
// S²ViTE's update record replays into the summary's final live units.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../engine/tf';
import { presetConfig } from '../engine/config';
import { syntheticDataset } from '../engine/data/synthetic';
import { replayUnits } from '../engine/sparse/replay';
import { NonFiniteLossError, Trainer } from '../engine/trainer';
import { trainRun } from './train-run';

afterEach(() => {
  vi.restoreAllMocks();
  tf.disposeVariables();
});

describe('trainRun', () => {
  it('stops at a non-finite loss, keeping the losses so far and the error in the summary', async () => {
    const before = tf.memory().numTensors;
    const steps = Trainer.prototype.steps;
    vi.spyOn(Trainer.prototype, 'steps').mockImplementation(async function (this: Trainer, limit?: number) {
      if (this.stepsDone === 2) throw new NonFiniteLossError(3, NaN, 1e-3);
      return steps.call(this, limit);
    });
    const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 100, testCount: 40 });
    const { summary, trainer } = await trainRun({ ...presetConfig('tiny'), batchSize: 8, steps: 10, evalEvery: 0 }, data, 'cpu', { quiet: true, trainEvalImages: 40 });
    expect(summary.error).toMatch(/^the loss at step 3 is NaN/);
    expect(summary.stoppedBy).toBe('non-finite-loss');
    expect(summary.steps).toBe(2);
    expect(summary.losses).toHaveLength(2);
    expect(summary.testImages).toBe(40);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("S²ViTE's update events carry the unit ids: replayed from the start they give the summary's final heads and neurons", async () => {
    const before = tf.memory().numTensors;
    const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 100, testCount: 40 });
    const c = { ...presetConfig('tiny'), method: 's2vite' as const, batchSize: 8, steps: 24, updateInterval: 4, updateEnd: 1, evalEvery: 0, unitRounding: 'ceil' as const, regrowPruned: false };
    const { summary, trainer } = await trainRun(c, data, 'cpu', { quiet: true, trainEvalImages: 40 });
    trainer.dispose();
    const { heads, neurons } = summary;
    if (!heads || !neurons) throw new Error('the S²ViTE summary has no live units');
    const replayed = replayUnits({ heads: heads.start, neurons: neurons.start }, summary.updates);
    const last = (sets: number[][][]): number[][] => sets.map((block) => block[block.length - 1]);
    expect(summary.updates.filter((u) => u.layer.endsWith('.heads')).length).toBe(5 * c.depth);
    expect(last(replayed.head)).toEqual(heads.end);
    expect(last(replayed.neuron)).toEqual(neurons.end);
    expect(heads.end).not.toEqual(heads.start); // the replay had something to do
    expect(tf.memory().numTensors).toBe(before);
  });
});
