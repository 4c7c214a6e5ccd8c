// The official CIFAR-10 binary format: records of 1 label byte + 3072 pixel bytes
// (1024 R, 1024 G, 1024 B, each row-major 32×32). We store HWC, as every other loader does.
import { gunzipIfNeeded } from './gzip';
import type { NamedBytes } from './idx';
import { CIFAR10_TARBALL_URL } from './official-sources';
import { asciiPrefix, assertNotHtml, isTar } from './sniff';
import { readTar } from './tar';
import { DataFileError, type ImageSet } from './types';

const SIDE = 32;
const PLANE = SIDE * SIDE;
export const CIFAR_RECORD_BYTES = 1 + 3 * PLANE; // 3073

export const isCifarBatchName = (name: string): boolean => /(^|\/)(data_batch_\d+|test_batch)\.bin$/.test(name);

/** A lone batch split at import is passed on as two parts named `<file>#<part>/<batch name>`: the
 * loaders read the batch name (its role), messages show the file the user gave. */
export const importPartName = (file: string, part: 'train' | 'test'): string =>
  `${file}#${part}/${part === 'train' ? 'data_batch_1.bin' : 'test_batch.bin'}`;

/** The name to show for a data file: its base name, or the imported file and part it came from. */
export function shownFileName(name: string): string {
  const part = /^(.*)#(train|test)\/[^/]+$/.exec(name);
  const base = (n: string): string => n.slice(n.lastIndexOf('/') + 1);
  return part ? `${base(part[1])} (its ${part[2]} part)` : base(name);
}

export function parseCifarBatch(file: string, raw: Uint8Array): ImageSet {
  assertNotHtml(file, raw, 'a CIFAR-10 batch', CIFAR10_TARBALL_URL);
  const b = gunzipIfNeeded(file, raw);
  if (b.length === 0 || b.length % CIFAR_RECORD_BYTES !== 0)
    throw new DataFileError(file,
      `${b.length} bytes is not a multiple of ${CIFAR_RECORD_BYTES} (1 label byte + 3072 pixel bytes per image): truncated or not a CIFAR-10 binary batch`);
  const count = b.length / CIFAR_RECORD_BYTES;
  const images = new Uint8Array(count * PLANE * 3);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const rec = i * CIFAR_RECORD_BYTES;
    const label = b[rec];
    if (label > 9) throw new DataFileError(file, `record ${i} has label byte ${label}; CIFAR-10 labels are 0..9 (corrupt file?)`);
    labels[i] = label;
    const out = i * PLANE * 3;
    for (let p = 0; p < PLANE; p++) {
      images[out + 3 * p] = b[rec + 1 + p];
      images[out + 3 * p + 1] = b[rec + 1 + PLANE + p];
      images[out + 3 * p + 2] = b[rec + 1 + 2 * PLANE + p];
    }
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 };
}

/** `batches.meta.txt`: one class name per line. */
export function parseCifarMeta(bytes: Uint8Array): string[] {
  return asciiPrefix(bytes, bytes.length).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
}

/** The batch and meta files inside the official `cifar-10-binary.tar.gz`, under their base names. */
export function cifarFilesFromTarball(file: string, raw: Uint8Array): NamedBytes[] {
  assertNotHtml(file, raw, 'the CIFAR-10 tarball', CIFAR10_TARBALL_URL);
  const tar = gunzipIfNeeded(file, raw);
  if (!isTar(tar)) throw new DataFileError(file, `not a tar archive; expected the official ${CIFAR10_TARBALL_URL}`);
  const entries = readTar(file, tar);
  const wanted = entries.filter((e) => isCifarBatchName(e.name) || e.name.endsWith('batches.meta.txt'));
  if (!wanted.some((e) => isCifarBatchName(e.name)))
    throw new DataFileError(file,
      `holds no CIFAR-10 batch files (cifar-10-batches-bin/data_batch_1..5.bin, test_batch.bin); it holds: ${entries.slice(0, 8).map((e) => e.name).join(', ') || 'nothing'}${entries.length > 8 ? ', …' : ''}`);
  return wanted.map((e) => ({ name: e.name.slice(e.name.lastIndexOf('/') + 1), bytes: e.bytes }));
}
