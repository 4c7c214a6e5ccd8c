// The data layer's public API: loaders for the real sets, the synthetic set, batching.
// Node-only loading from a directory lives in src/cli/node-datasets.ts (the engine has no fs).
export type { Dataset, ImageSet } from './types';
export { DataFileError } from './types';
export { syntheticDataset, type SyntheticOptions } from './synthetic';
export { SYNTHETIC_CLASS_NAMES } from './synthetic-shapes';
export { parseIdxImages, parseIdxLabels, idxImageSet, type IdxImages, type NamedBytes } from './idx';
export { parseCifarBatch, parseCifarMeta, cifarFilesFromTarball } from './cifar';
export { readTar, type TarEntry } from './tar';
export { channelStats, type ChannelStats } from './normalize';
export { Batcher, evalBatches, type Batch, type BatcherOptions } from './batch';
export { cropPadding, writeImage, type CropFlip } from './augment';
export { concatImageSets, sliceImageSet, labelCounts } from './image-set';
export { datasetFromFiles, MissingDataError, type AssembleOptions, type MissingFile } from './sources';
export { fetchDataset, type FetchDatasetOptions, type FetchLike } from './fetch-dataset';
export {
  CLASS_NAMES, DATA_FILES, OFFICIAL_PAGE, MANIFEST_FILE, CIFAR10_TARBALL, CIFAR10_TARBALL_URL,
  type RealDatasetName, type DataFileSpec, type DatasetManifest,
} from './official-sources';
