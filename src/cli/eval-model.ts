// Evaluate a saved model (safetensors from `cli export` or the studio) on its data set's test split.
import type { Dataset } from '../engine/data/types';
import type { FlopsReport } from '../engine/flops';
import { largestWeight, type importModel } from '../engine/io/checkpoint';
import { Trainer } from '../engine/trainer';

export interface EvalReport {
  testAccuracy: number | null;
  testImages: number;
  testLoss: number;
  flops: FlopsReport;
  /** Why there is no accuracy: finite weights whose outputs are not finite (float32 overflow). */
  error?: string;
}

export async function evaluateImported(m: ReturnType<typeof importModel>, data: Dataset): Promise<EvalReport> {
  const trainer = await Trainer.create(m.config, data);
  try {
    trainer.restore(m);
    const e = await trainer.evaluate(0);
    const report: EvalReport = { testAccuracy: e.accuracy, testImages: e.count, testLoss: e.loss, flops: trainer.flops() };
    if (e.accuracy === null && e.count > 0) {
      // importModel refused NaN and infinite weights, so the outputs overflowed on the way.
      const big = largestWeight(m.params);
      report.error = `the model's outputs on the test images are not finite (loss ${e.loss}): its weights are finite, ` +
        'but the forward pass overflows float32 (past ±3.4e38), so it has no accuracy' +
        (big ? `; its largest weight is ${big.value.toPrecision(3)}, in ${big.name}` : '') +
        '. The file is damaged, or the training diverged: export the model again from a run whose loss stayed finite';
    }
    return report;
  } finally {
    trainer.dispose();
  }
}
