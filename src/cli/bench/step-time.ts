// Timing of training and inference steps for a config, on the current backend: the median of
// `reps` measured steps after warm-up (first steps compile kernels / shaders and are excluded).
import * as tf from '../../engine/tf';
import type { ExperimentConfig } from '../../engine/config';
import type { Dataset } from '../../engine/data/types';
import { Trainer } from '../../engine/trainer';

export interface StepTiming {
  trainMs: number; // median ordinary training step
  updateMs: number | null; // median topology-update step (null when the method has none)
  inferMs: number; // median forward pass of one batch in eval mode
  imagesPerSec: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

export async function timeSteps(c: ExperimentConfig, data: Dataset, reps = 10, warmup = 3): Promise<StepTiming> {
  const t = await Trainer.create({ ...c, steps: Math.max(c.steps, warmup + reps * 2 + 10) }, data);
  const train: number[] = [], update: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const s = await t.step();
    if (i < warmup) continue;
    (s.update ? update : train).push(s.elapsedMs);
  }
  const x = tf.randomNormal([c.batchSize, c.imageSize, c.imageSize, c.inChans]) as tf.Tensor4D;
  const infer: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    const y = t.predict(x);
    await y.data();
    y.dispose();
    if (i >= warmup) infer.push(performance.now() - t0);
  }
  x.dispose();
  t.dispose();
  const trainMs = median(train);
  return { trainMs, updateMs: update.length ? median(update) : null, inferMs: median(infer), imagesPerSec: (c.batchSize * 1000) / trainMs };
}
