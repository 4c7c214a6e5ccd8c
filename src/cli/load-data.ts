// The data a config asks for, in Node: the built-in synthetic set, or a real set from the first
// folder that has it (--data-dir, ./data prepared by `npm run datasets`, ../shared/datasets).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ExperimentConfig } from '../engine/config';
import { syntheticDataset } from '../engine/data/synthetic';
import type { Dataset } from '../engine/data/types';
import { findSharedDatasets, loadDatasetFromDir, repoRoot } from './node-datasets';

export function loadForConfig(c: ExperimentConfig, dataDir?: string): Dataset {
  if (c.dataset === 'synthetic') return syntheticDataset({ imageSize: c.imageSize, channels: c.inChans as 1 | 3, seed: c.seed });
  const candidates = dataDir ? [path.resolve(dataDir)] : [path.join(repoRoot(), 'data'), findSharedDatasets()].filter((d): d is string => !!d);
  const dir = candidates.find((d) => existsSync(path.join(d, c.dataset))) ?? candidates[0];
  if (!dir) throw new Error(`no data folder for ${c.dataset}: run \`npm run datasets\` or pass --data-dir`);
  return loadDatasetFromDir(c.dataset, dir, { allowTestSplit: c.dataset === 'mnist' });
}

/**
 * loadForConfig for many runs: each data set is loaded once. The synthetic set depends on the
 * seed, as `cli train` builds it, so a run reproduces from its link.
 */
export function cachedLoader(dataDir?: string): (c: ExperimentConfig) => Dataset {
  const cache = new Map<string, Dataset>();
  return (c) => {
    const key = c.dataset === 'synthetic' ? `synthetic:${c.imageSize}:${c.inChans}:${c.seed}` : c.dataset;
    let d = cache.get(key);
    if (!d) cache.set(key, (d = loadForConfig(c, dataDir)));
    return d;
  };
}
