// `cli sweep`: every row's link, run alone as `cli train --url` runs it (its own data, built from
// its own config), gives that row's result. The synthetic set depends on the seed, so a sweep that
// reused the base seed's data for every seed would fail here on the second seed.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../engine/tf';
import { presetConfig } from '../engine/config';
import { decodeConfig } from '../engine/config-url';
import { cachedLoader, loadForConfig } from './load-data';
import { sweep } from './sweep';
import { trainRun } from './train-run';

afterEach(() => tf.disposeVariables());

describe('sweep rows reproduce from their links', () => {
  it('each run of each row, retrained alone from its link, gives the same losses, test loss and accuracy', async () => {
    const before = tf.memory().numTensors;
    const base = { ...presetConfig('tiny'), embedDim: 16, numHeads: 2, batchSize: 16, steps: 12, updateInterval: 4, evalEvery: 0, evalSize: 64, seed: 3 };
    const table = await sweep(base, ['dense', 's2vite', 's2vite-frozen'], 2, cachedLoader(), 'cpu');
    const runs = table.rows.flatMap((row) => row.runs);
    expect(runs.map((r) => r.seed)).toEqual([3, 4, 3, 4, 3, 4]);
    // S²ViTE's row carries its gap to the frozen topology trained beside it; the others have none.
    const [dense, s2, frozen] = table.rows;
    expect([dense.baseline, s2.baseline, frozen.baseline]).toEqual([null, frozen.name, null]);
    expect(s2.gapToBaseline).toBeCloseTo(s2.accuracyMean - frozen.accuracyMean, 12);
    expect(dense.gapToBaseline).toBeNull();
    for (const run of runs) {
      const { config, ignored } = decodeConfig(run.config);
      expect(ignored).toEqual([]);
      const { summary, trainer } = await trainRun(config, loadForConfig(config), 'cpu', { quiet: true });
      trainer.dispose();
      expect({ seed: run.seed, testLoss: summary.testLoss, testAccuracy: summary.testAccuracy })
        .toEqual({ seed: run.seed, testLoss: run.testLoss, testAccuracy: run.testAccuracy });
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
