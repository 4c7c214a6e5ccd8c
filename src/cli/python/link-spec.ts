// The link format as data, for the PyTorch package (python/sparse_vit): fields, short keys, types,
// enum values, ranges, every preset and the engine facts the package follows (S²ViTE's unit table,
// SViTE+'s temperatures, file formats), generated from the TypeScript tables so the Python decoder
// has no copy of its own. `npm run spec:python` writes it; link-spec.test.ts fails when the
// committed file differs.
import path from 'node:path';
import {
  DATASET_GEOMETRY, DATASETS, DEFAULT_PRESET, DISTRIBUTIONS, GROWTHS, INT_LIMITS, METHODS, MOMENT_RULES,
  NEURON_PRUNE_SCORES, PRESET_CONFIGS, PRESETS, REAL_RANGES, TOKEN_SELECTORS, UNIT_INITS, UNIT_ROUNDINGS,
} from '../../engine/config';
import { REASONS, URL_FIELDS, URL_VERSION, UI_KEYS } from '../../engine/config-url';
import { TEST_SPLIT_TRAIN_FRACTION } from '../../engine/data/sources';
import { CHECKPOINT_FORMAT } from '../../engine/io/checkpoint';
import { UNIT_PARAMS } from '../../engine/sparse/units';
import { BLOCK_LAYERS, blockParam } from '../../engine/facts/shape';
import { RUN_FILE_FORMAT } from '../../ui/runs/run-file';
import { repoRoot } from '../node-datasets';

export const LINK_SPEC_PATH = path.join(repoRoot(), 'python', 'sparse_vit', 'link_spec.json');

export function linkSpec(): Record<string, unknown> {
  return {
    generatedBy: 'npm run spec:python (src/cli/python/link-spec.ts) from src/engine/config.ts and config-url.ts: do not edit',
    version: URL_VERSION,
    defaultPreset: DEFAULT_PRESET,
    fields: URL_FIELDS.map((f) => ({ field: f.field, key: f.key, type: f.type.kind, ...(f.type.kind === 'enum' ? { values: f.type.values } : {}) })),
    uiKeys: UI_KEYS,
    enums: {
      datasets: DATASETS, methods: METHODS, distributions: DISTRIBUTIONS, growths: GROWTHS, momentRules: MOMENT_RULES, presets: PRESETS,
      unitRoundings: UNIT_ROUNDINGS, unitInits: UNIT_INITS, neuronPruneScores: NEURON_PRUNE_SCORES, tokenSelectors: TOKEN_SELECTORS,
    },
    reasons: REASONS,
    intLimits: INT_LIMITS,
    realRanges: REAL_RANGES,
    datasetGeometry: DATASET_GEOMETRY,
    presets: PRESET_CONFIGS,
    // Engine facts the PyTorch package follows, so it keeps no copy of its own.
    engine: {
      mnistTestSplitTrainFraction: TEST_SPLIT_TRAIN_FRACTION,
      modelFileFormat: CHECKPOINT_FORMAT, runFileFormat: RUN_FILE_FORMAT, unitParams: UNIT_PARAMS,
      // timm path of each block layer inside `blocks.<i>.` (qkv → attn.qkv).
      blockLayerPaths: Object.fromEntries(BLOCK_LAYERS.map((l) => [l, blockParam(0, l).slice('blocks.0.'.length, -'.weight'.length)])),
    },
  };
}

/** The file's text: stable key order, two-space indent, final newline. */
export const linkSpecText = (): string => `${JSON.stringify(linkSpec(), null, 2)}\n`;
