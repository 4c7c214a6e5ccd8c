// The losses of a run's first steps: what tests and ablations compare runs by.
import type { ExperimentConfig } from './config';
import type { Dataset } from './data/types';
import { Trainer } from './trainer';

export async function trainLosses(c: ExperimentConfig, data: Dataset, steps: number): Promise<number[]> {
  const t = await Trainer.create(c, data);
  try {
    const out: number[] = [];
    for (let i = 0; i < steps; i++) out.push((await t.step()).loss);
    return out;
  } finally {
    t.dispose();
  }
}
