// Evaluate a saved model (safetensors from `cli export` or the studio) on its data set's test split.
import type { Dataset } from '../engine/data/types';
import type { FlopsReport } from '../engine/flops';
import type { importModel } from '../engine/io/checkpoint';
import { Trainer } from '../engine/trainer';

export async function evaluateImported(m: ReturnType<typeof importModel>, data: Dataset): Promise<{ testAccuracy: number | null; testImages: number; testLoss: number; flops: FlopsReport }> {
  const trainer = await Trainer.create(m.config, data);
  try {
    trainer.restore(m);
    const e = await trainer.evaluate(0);
    return { testAccuracy: e.accuracy, testImages: e.count, testLoss: e.loss, flops: trainer.flops() };
  } finally {
    trainer.dispose();
  }
}
