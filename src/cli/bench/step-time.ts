// Timing of training and inference steps on the current backend: the median of `reps` measured
// steps after warm-up (first steps compile kernels / shaders and are excluded). Configs compared
// with each other are timed interleaved (a step of each in turn), so a slow spell of a shared
// machine hits all of them alike instead of biasing their ratio.
import * as tf from '../../engine/tf';
import type { ExperimentConfig } from '../../engine/config';
import type { Dataset } from '../../engine/data/types';
import { Trainer } from '../../engine/trainer';
import { median } from '../../engine/stats';
import { WARMUP_STEPS } from './warmup';

export interface StepTiming {
  trainMs: number; // median ordinary training step
  updateMs: number | null; // median topology-update step (null when the method has none)
  inferMs: number; // median forward pass of one batch in eval mode
  imagesPerSec: number;
  /** Every measured round, in order: the ordinary step's time, NaN where the round's step was an update. */
  trainSamples: number[];
  inferSamples: number[];
}

/**
 * Median over rounds of a/b, each round's pair measured back to back: robust to a shared
 * machine's slow spells. Rounds where either side is NaN (an update step) are left out.
 */
export function pairedRatio(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  return median(Array.from({ length: n }, (_, i) => a[i] / b[i]).filter((r) => !Number.isNaN(r)));
}

/** Step and inference timings of several configs on one data set, measured interleaved. */
export async function timeInterleaved(configs: ExperimentConfig[], data: Dataset, reps = 10, warmup = WARMUP_STEPS): Promise<StepTiming[]> {
  const trainers = await Promise.all(configs.map((c) => Trainer.create({ ...c, steps: Math.max(c.steps, warmup + reps * 2 + 10) }, data)));
  const train = configs.map((): number[] => []), update = configs.map((): number[] => []), infer = configs.map((): number[] => []);
  for (let i = 0; i < warmup + reps; i++)
    for (const [j, t] of trainers.entries()) {
      const s = await t.step();
      if (i < warmup) continue;
      train[j].push(s.update ? NaN : s.elapsedMs);
      if (s.update) update[j].push(s.elapsedMs);
    }
  const inputs = configs.map((c) => tf.randomNormal([c.batchSize, c.imageSize, c.imageSize, c.inChans]) as tf.Tensor4D);
  for (let i = 0; i < warmup + reps; i++)
    for (const [j, t] of trainers.entries()) {
      const t0 = performance.now();
      const y = t.predict(inputs[j]);
      await y.data();
      y.dispose();
      if (i >= warmup) infer[j].push(performance.now() - t0);
    }
  tf.dispose(inputs);
  for (const t of trainers) t.dispose();
  return configs.map((c, j) => {
    const trainMs = median(train[j].filter((x) => !Number.isNaN(x)));
    return {
      trainMs, updateMs: update[j].length ? median(update[j]) : null, inferMs: median(infer[j]), imagesPerSec: (c.batchSize * 1000) / trainMs,
      trainSamples: train[j], inferSamples: infer[j],
    };
  });
}

export async function timeSteps(c: ExperimentConfig, data: Dataset, reps = 10, warmup = WARMUP_STEPS): Promise<StepTiming> {
  return (await timeInterleaved([c], data, reps, warmup))[0];
}
