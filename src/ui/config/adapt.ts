// Pure helpers that keep an experiment runnable when its data set changes: the model's input
// geometry follows the data (image size, channels, classes), and the patch size is chosen to keep
// the sequence length (and so the cost per step) close to what it was.
import { DATASET_GEOMETRY, divisors, type DatasetName, type ExperimentConfig } from '../../engine/config';
import { numPatches } from '../../engine/facts';

export interface Adapted {
  config: ExperimentConfig;
  /** Human-readable changes, e.g. "imageSize 16 → 32". Empty when nothing changed. */
  changes: string[];
}

/** The divisor of imageSize whose patch grid is closest to `tokens` patches (ties: the larger patch). */
export function patchForTokens(imageSize: number, tokens: number): number {
  const candidates = divisors(imageSize).filter((p) => p >= 2 && imageSize / p >= 2);
  if (!candidates.length) return imageSize;
  let best = candidates[0];
  let bestErr = Infinity;
  for (const p of candidates) {
    const err = Math.abs(Math.log((imageSize / p) ** 2 / tokens));
    if (err < bestErr - 1e-9 || (Math.abs(err - bestErr) <= 1e-9 && p > best)) {
      best = p;
      bestErr = err;
    }
  }
  return best;
}

/** The config with dataset `name` and a matching input geometry. */
export function adaptToDataset(c: ExperimentConfig, name: DatasetName): Adapted {
  const next: ExperimentConfig = { ...c, dataset: name };
  if (name !== 'synthetic') {
    const g = DATASET_GEOMETRY[name];
    next.imageSize = g.imageSize;
    next.inChans = g.inChans;
    next.numClasses = g.numClasses;
  } else {
    next.numClasses = c.preset.startsWith('deit') ? c.numClasses : 10;
    if (next.imageSize < 8) next.imageSize = 16;
  }
  if (next.imageSize !== c.imageSize || next.imageSize % next.patchSize !== 0) {
    const tokens = c.imageSize % c.patchSize === 0 ? numPatches(c) : 16;
    next.patchSize = patchForTokens(next.imageSize, tokens);
  }
  const changes: string[] = [];
  for (const k of ['dataset', 'imageSize', 'inChans', 'numClasses', 'patchSize'] as const) {
    if (next[k] !== c[k]) changes.push(`${k} ${String(c[k])} → ${String(next[k])}`);
  }
  return { config: next, changes };
}
