// The fused kernels change only float rounding: 20 training steps on the CPU backend give the same
// losses as the composed tfjs ops, within 1e-5 relative, for dense training, for S²ViTE (whose
// step-15 topology update runs the head gate and probe through the fused attention) and SViTE+.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { presetConfig, type ExperimentConfig } from '../config';
import { syntheticDataset } from '../data/synthetic';
import { trainLosses } from '../train-losses';
import { setFusedKernels } from './js-kernel';

const STEPS = 20;
const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 1000, testCount: 100 });
const base: Partial<ExperimentConfig> = { steps: 400, updateInterval: 15, growth: 'gradient' };

afterEach(() => {
  setFusedKernels(true);
  tf.disposeVariables();
});

describe('fused and composed kernels train alike (tiny, CPU)', () => {
  for (const [name, over] of Object.entries({ dense: {}, s2vite: { method: 's2vite' }, 'svite+': { method: 'svite', tokenKeep: 0.5 } } as Record<string, Partial<ExperimentConfig>>)) {
    it(`${name}: ${STEPS} losses within 1e-5 relative`, async () => {
      const c = { ...presetConfig('tiny'), ...base, ...over };
      const before = tf.memory().numTensors;
      setFusedKernels(false);
      const composed = await trainLosses(c, data, STEPS);
      setFusedKernels(true);
      const fused = await trainLosses(c, data, STEPS);
      expect(tf.memory().numTensors).toBe(before);
      fused.forEach((l, i) => expect(Math.abs(l - composed[i]) / Math.abs(composed[i]), `step ${i + 1}: ${l} vs ${composed[i]}`).toBeLessThan(1e-5));
      // The losses move (so equal losses mean equal training, not a frozen model).
      expect(Math.abs(fused[STEPS - 1] - fused[0])).toBeGreaterThan(1e-3);
    });
  }
});
