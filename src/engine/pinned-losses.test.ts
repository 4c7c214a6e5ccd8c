// Behaviour pin for refactors: the first 20 losses of `tiny` in every method, on the CPU backend,
// must stay bit-for-bit what they were. Step 15 is a topology update (ΔT 15), so the update path is
// covered too. Regenerate the fixture only for an intended change of behaviour:
//   PIN_LOSSES=write npx vitest run src/engine/pinned-losses.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from './tf';
import { presetConfig, type ExperimentConfig } from './config';
import { syntheticDataset } from './data/synthetic';
import { trainLosses } from './train-losses';

const FIXTURE = new URL('./fixtures/pinned-losses.json', import.meta.url);
const STEPS = 20;
// The engine's behaviour, not the preset's: the schedule is pinned here, so retuning `tiny` does
// not move the pins (steps sets dr(t) at the step-15 update).
const PINNED: Partial<ExperimentConfig> = { steps: 400, updateInterval: 15, growth: 'gradient' };
const RUNS: Record<string, Partial<ExperimentConfig>> = {
  dense: {},
  svite: { method: 'svite' },
  s2vite: { method: 's2vite' },
  // The rule before issue 19: just-pruned units wait, α 0.5 for units, neurons pruned by magnitude.
  's2vite-just-pruned-wait': { method: 's2vite', regrowPruned: false, unitFraction: 0.5, neuronPrune: 'magnitude' },
  's2vite-frozen': { method: 's2vite', updateEnd: 0 },
  'svite+-centre': { method: 'svite', tokenKeep: 0.5, tokenSelector: 'centre' },
  'svite+': { method: 'svite', tokenKeep: 0.5 },
  // The learned selector before issue 19's centre prior: no per-patch bias.
  'svite+-no-prior': { method: 'svite', tokenKeep: 0.5, tokenPrior: 0 },
};

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 1000, testCount: 100 });

const losses = (over: Partial<ExperimentConfig>): Promise<number[]> => trainLosses({ ...presetConfig('tiny'), ...PINNED, ...over }, data, STEPS);

afterEach(() => tf.disposeVariables());

describe('pinned losses (tiny, CPU)', () => {
  const pinned = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, number[]>;
  const fresh: Record<string, number[]> = {};
  for (const [name, over] of Object.entries(RUNS)) {
    it(`${name}: the first ${STEPS} losses are unchanged`, async () => {
      const before = tf.memory().numTensors;
      fresh[name] = await losses(over);
      expect(tf.memory().numTensors).toBe(before);
      if (process.env.PIN_LOSSES === 'write') {
        writeFileSync(FIXTURE, JSON.stringify({ ...pinned, ...fresh }, null, 1) + '\n');
        return;
      }
      expect(fresh[name]).toEqual(pinned[name]);
    });
  }
});
