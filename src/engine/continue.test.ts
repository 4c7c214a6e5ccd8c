// Continue (issue #12): a finished run goes on past config.steps with every schedule held at its
// final value, and a checkpoint of the continued run resumes exactly, extension included.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from './tf';
import { presetConfig } from './config';
import { syntheticDataset } from './data/synthetic';
import { readCheckpointHeader } from './io/training-checkpoint';
import { Trainer } from './trainer';

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 400, testCount: 50 });
// SViTE+: an lr schedule, topology updates and a token temperature, all tied to `steps`.
const config = { ...presetConfig('tiny'), method: 'svite' as const, density: 0.5, tokenKeep: 0.5, updateInterval: 2, updateEnd: 1, batchSize: 8, steps: 6, warmupSteps: 0 };

afterEach(() => tf.disposeVariables());

describe('Continue', () => {
  it('trains past the end at minLr, final τ and no topology updates; its checkpoint resumes exactly', async () => {
    const before = tf.memory().numTensors;
    const t = await Trainer.create(config, data);
    const updates: number[] = [];
    while (!t.finished) if ((await t.step()).update?.length) updates.push(t.stepsDone);
    expect(updates.length).toBeGreaterThan(0); // the schedule does update within the run
    expect(readCheckpointHeader(await t.checkpoint()).continued).toBeUndefined();
    expect(() => t.continueBy(0)).toThrow(/whole number of steps above 0/);

    t.continueBy(4);
    expect([t.finished, t.totalSteps]).toEqual([false, 10]);
    const tail = [];
    for (let i = 0; i < 2; i++) tail.push(await t.step());
    const mid = await t.checkpoint();
    while (!t.finished) tail.push(await t.step());
    expect(t.stepsDone).toBe(10);
    for (const info of tail) {
      expect(info.lr).toBeCloseTo(config.minLr, 12);
      expect(info.tau).toBeCloseTo(0.1, 6);
      expect(info.update ?? []).toEqual([]);
      expect(Number.isFinite(info.loss)).toBe(true);
    }

    expect(readCheckpointHeader(mid)).toMatchObject({ step: 8, continued: 4 });
    const resumed = await Trainer.fromCheckpoint(mid, data);
    expect([resumed.totalSteps, resumed.finished]).toEqual([10, false]);
    while (!resumed.finished) await resumed.step();
    expect(Array.from(resumed.losses)).toEqual(Array.from(t.losses));
    // The extension is covered by the checksum: a changed count is refused, not trusted.
    const text = new TextDecoder('latin1').decode(mid);
    const at = text.indexOf('"continued":"4"');
    expect(at).toBeGreaterThan(0);
    const tampered = mid.slice();
    tampered[at + '"continued":"'.length] = '5'.charCodeAt(0);
    await expect(Trainer.fromCheckpoint(tampered, data)).rejects.toThrow(/is damaged/);
    resumed.dispose();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
