// The data source of a start command → an engine Dataset. Real-data loaders are fetched lazily.
import type { ExperimentConfig } from '../engine/config';
import { syntheticDataset } from '../engine/data/synthetic';
import type { Dataset } from '../engine/data/types';
import type { DataSource } from '../protocol/messages';

export async function loadDataset(config: ExperimentConfig, source: DataSource): Promise<Dataset> {
  const name = config.dataset;
  if (name === 'synthetic') {
    if (source.kind === 'files') throw new Error('files were given but the config asks for the synthetic set: pick the data set the files hold');
    return syntheticDataset({ imageSize: config.imageSize, channels: config.inChans === 3 ? 3 : 1, seed: config.seed });
  }
  // The shared MNIST copy has test images only: like the CLI, split them rather than fail.
  const allowTestSplit = name === 'mnist';
  switch (source.kind) {
    case 'synthetic':
      throw new Error(`the config asks for ${name} but the data source is synthetic: set dataset=synthetic or provide the ${name} files`);
    case 'served': {
      const { fetchDataset } = await import('../engine/data/fetch-dataset');
      return fetchDataset(name, source.baseUrl, { allowTestSplit });
    }
    case 'files': {
      const { datasetFromFiles } = await import('../engine/data/sources');
      return datasetFromFiles(source.files, { name, allowTestSplit });
    }
  }
}
