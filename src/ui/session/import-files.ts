// Importing local data files (file picker or drop): recognise them, adapt the experiment to their
// geometry and say so, keeping the previous config one click away. Nothing is parsed here; the
// worker's loaders read the files at Start and explain any corruption.
import { studio } from '../store';
import { adaptToDataset } from '../config/adapt';
import { bytes } from '../format';
import { detectImport } from './detect';
import { clearImported, setImported } from './imported';

const LABEL: Record<string, string> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST', cifar10: 'CIFAR-10' };

export async function importFiles(list: File[]): Promise<void> {
  if (!list.length) return;
  const s = studio.getState();
  let files;
  try {
    files = await Promise.all(list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  } catch (err) {
    s.pushNotice({ topic: 'data', tone: 'error', title: 'Could not read the files', lines: [err instanceof Error ? err.message : String(err)] });
    return;
  }
  const found = detectImport(files, s.config.dataset);
  if (!found.ok) {
    s.pushNotice({ topic: 'data', tone: 'error', title: 'Import failed: the experiment is unchanged', lines: [found.error] });
    return;
  }
  const before = s.config;
  const { config, changes } = adaptToDataset(before, found.dataset);
  setImported(found.dataset, found.files);
  s.setConfig(config);
  s.setData({ kind: 'files', dataset: found.dataset, files: list.map((f) => ({ name: f.name, size: f.size })) });
  const total = list.reduce((a, f) => a + f.size, 0);
  s.pushNotice({
    topic: 'data', tone: 'info',
    title: `Imported ${LABEL[found.dataset]}: ${list.map((f) => f.name).join(', ')} (${bytes(total)})`,
    lines: [
      ...(changes.length ? [`Adapted the experiment to the data: ${changes.join(', ')}.`] : []),
      ...found.notes,
      'Press Start to train on it; the files are read in the worker, which reports any damage.',
    ],
    undo: before,
  });
}

/** Back to the served copy (or the built-in set) of the current data set. */
export function removeImport(): void {
  clearImported();
  studio.getState().setData({ kind: 'builtin' });
}
