// Recognise imported data files by their first bytes (and names where bytes cannot tell), without
// parsing them: the worker's loaders do the real reading and report corrupt files in detail.
// A lone CIFAR-10 batch is split 80/20 into train and test records, as the loaders do for a lone
// MNIST test set, so that one file is enough to try the data set.
import type { DatasetName } from '../../engine/config';
import { CIFAR_RECORD_BYTES, importPartName, isCifarBatchName } from '../../engine/data/cifar';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from '../../engine/data/idx';
import type { RealDatasetName } from '../../engine/data/official-sources';
import { isGzip, isHtml, isTar } from '../../engine/data/sniff';
import type { DataFile } from '../../protocol/messages';

export type Detected =
  | { ok: true; dataset: RealDatasetName; files: DataFile[]; notes: string[] }
  | { ok: false; error: string };

type Kind = 'idx' | 'cifar' | 'unknown';

const base = (name: string): string => name.slice(name.lastIndexOf('/') + 1);
const u32be = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

export const ACCEPTED =
  'MNIST / Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, …), CIFAR-10 binary batches (data_batch_1.bin … test_batch.bin) or the official cifar-10-binary.tar.gz';

function kindOf(f: DataFile): Kind {
  const n = base(f.name).toLowerCase();
  const b = f.bytes;
  if (isTar(b) || /\.(tar|tgz|tar\.gz)$/.test(n)) return 'cifar';
  if (idxMagic(b)) return 'idx';
  if (/ubyte|idx\d/.test(n)) return 'idx';
  if (isCifarBatchName(n) || n === 'batches.meta.txt' || (n.endsWith('.bin') && !isGzip(b))) return 'cifar';
  return 'unknown';
}

const idxMagic = (b: Uint8Array): boolean => b.length >= 8 && (u32be(b, 0) === IDX_IMAGES_MAGIC || u32be(b, 0) === IDX_LABELS_MAGIC);

/** What the size and first bytes already show to be wrong (junk is refused at import, not at Start);
 * null when the file is plausible. Compressed files are left to the loaders. */
function contentProblem(f: DataFile, kind: Kind): string | null {
  const b = f.bytes;
  if (isHtml(b)) return `${f.name}: this is an HTML page, not a data file (a failed download?)`;
  if (isGzip(b) || isTar(b)) return null;
  const n = base(f.name).toLowerCase();
  if (kind === 'cifar' && /\.(tar|tgz|tar\.gz)$/.test(n)) return `${f.name}: neither a gzip nor a tar archive: not the official cifar-10-binary.tar.gz`;
  if (kind === 'cifar' && n !== 'batches.meta.txt' && (b.length === 0 || b.length % CIFAR_RECORD_BYTES !== 0))
    return `${f.name}: ${b.length} bytes is not a whole number of CIFAR-10 records (${CIFAR_RECORD_BYTES} bytes each: 1 label byte + 3072 pixel bytes): truncated or not a CIFAR-10 binary batch`;
  if (kind === 'idx' && !idxMagic(b)) return `${f.name}: not an IDX file: it does not start with the IDX images or labels magic number`;
  return null;
}

/** Which IDX set: by name, else the current one, else Fashion-MNIST (they are identical in form). */
function idxName(files: DataFile[], current: DatasetName): RealDatasetName {
  const names = files.map((f) => f.name.toLowerCase()).join(' ');
  if (names.includes('fashion')) return 'fashion-mnist';
  if (names.includes('mnist')) return 'mnist';
  return current === 'mnist' ? 'mnist' : 'fashion-mnist';
}

/** Splits a lone CIFAR-10 batch into train (first 80 % of records) and test (the rest). */
function splitCifar(f: DataFile): { files: DataFile[]; note: string } | string {
  const records = f.bytes.length / CIFAR_RECORD_BYTES;
  if (!Number.isInteger(records) || records < 5)
    return `${f.name}: ${f.bytes.length} bytes is not a whole number of CIFAR-10 records (${CIFAR_RECORD_BYTES} bytes each: 1 label byte + 3072 pixel bytes): truncated or not a CIFAR-10 binary batch`;
  const cut = Math.round(records * 0.8);
  const at = cut * CIFAR_RECORD_BYTES;
  return {
    files: [
      { name: importPartName(f.name, 'train'), bytes: f.bytes.slice(0, at) },
      { name: importPartName(f.name, 'test'), bytes: f.bytes.slice(at) },
    ],
    note: `Only one CIFAR-10 batch was given: its ${records.toLocaleString('en')} images are split into ${cut.toLocaleString('en')} for training and ${(records - cut).toLocaleString('en')} for testing.`,
  };
}

export function detectImport(files: DataFile[], current: DatasetName): Detected {
  if (!files.length) return { ok: false, error: 'no files were given' };
  const kinds = files.map(kindOf);
  const unknown = files.filter((_, i) => kinds[i] === 'unknown');
  if (unknown.length)
    return { ok: false, error: `${unknown.map((f) => f.name).join(', ')}: not a data file the studio can read. Expected ${ACCEPTED}.` };
  const problems = files.map((f, i) => contentProblem(f, kinds[i])).filter((p): p is string => p !== null);
  if (problems.length) return { ok: false, error: problems.join('\n') };
  const hasIdx = kinds.includes('idx'), hasCifar = kinds.includes('cifar');
  if (hasIdx && hasCifar)
    return { ok: false, error: `got both IDX (MNIST-style) files and CIFAR-10 files: import one data set at a time` };
  if (hasIdx) {
    const name = idxName(files, current);
    const notes = name === 'fashion-mnist' && !files.some((f) => f.name.toLowerCase().includes('fashion'))
      ? ['IDX files look the same for MNIST and Fashion-MNIST: taken as Fashion-MNIST. Pick MNIST under Data set if they are digits.']
      : [];
    return { ok: true, dataset: name, files, notes };
  }
  const batches = files.filter((f) => isCifarBatchName(base(f.name)));
  const tarball = files.some((f) => isTar(f.bytes) || /\.(tar|tgz|tar\.gz)$/i.test(f.name));
  const hasTrain = batches.some((f) => base(f.name).startsWith('data_batch'));
  const hasTest = batches.some((f) => base(f.name).startsWith('test_batch'));
  if (!tarball && batches.length === 1 && hasTrain !== hasTest) {
    const split = splitCifar(batches[0]);
    if (typeof split === 'string') return { ok: false, error: split };
    return { ok: true, dataset: 'cifar10', files: [...files.filter((f) => f !== batches[0]), ...split.files], notes: [split.note] };
  }
  return { ok: true, dataset: 'cifar10', files, notes: [] };
}
