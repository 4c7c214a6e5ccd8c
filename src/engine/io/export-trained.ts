// The model file of a trained run: one function, so the CLI's `export` and the studio's Export
// write the same bytes for the same run (config, weights, masks, live units, data facts).
import type { Trainer } from '../trainer';
import { exportModel, type Layout } from './checkpoint';

export async function exportTrained(trainer: Trainer, layout: Layout): Promise<Uint8Array> {
  const { config, dataset } = trainer;
  const st = await trainer.exportState();
  return exportModel({
    config, specs: trainer.model.specs, ...st, compact: layout === 'compact',
    data: { mean: dataset.mean, std: dataset.std, classNames: dataset.classNames },
  });
}
