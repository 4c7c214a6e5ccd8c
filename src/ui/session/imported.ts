// The bytes of imported data files, kept outside the store (typed arrays never enter reactive
// state). Each start sends copies, so the originals survive for the next run.
import type { DatasetName } from '../../engine/config';
import type { DataFile, DataSource } from '../../protocol/messages';
import { servedBase } from './served';

let imported: { dataset: DatasetName; files: DataFile[] } | null = null;

export function setImported(dataset: DatasetName, files: DataFile[]): void {
  imported = { dataset, files };
}

export function clearImported(): void {
  imported = null;
}

/** IDX files serve MNIST and Fashion-MNIST alike; CIFAR-10 files only CIFAR-10. */
export const compatible = (a: DatasetName, b: DatasetName): boolean =>
  a === b || ((a === 'mnist' || a === 'fashion-mnist') && (b === 'mnist' || b === 'fashion-mnist'));

export function importedFor(dataset: DatasetName): DataFile[] | null {
  return imported && compatible(imported.dataset, dataset) ? imported.files : null;
}

/** Where the worker should get the images of a run on `dataset`. */
export function dataSourceFor(dataset: DatasetName): DataSource {
  if (dataset === 'synthetic') return { kind: 'synthetic' };
  const files = importedFor(dataset);
  if (files) return { kind: 'files', files: files.map((f) => ({ name: f.name, bytes: f.bytes.slice() })) };
  return { kind: 'served', baseUrl: servedBase() };
}
