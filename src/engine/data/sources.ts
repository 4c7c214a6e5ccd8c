// Assemble a Dataset from raw file bytes, wherever they came from (a fetch, a file picker, the disk).
// Files are recognised by content first (IDX magic, tar header, CIFAR record size) and by name for
// the split; MNIST and Fashion-MNIST are identical by content, so their name comes from a hint.
import { cifarFilesFromTarball, isCifarBatchName, parseCifarBatch, parseCifarMeta, shownFileName } from './cifar';
import { gunzipIfNeeded } from './gzip';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, idxImageSet, type NamedBytes } from './idx';
import { concatImageSets, sliceImageSet } from './image-set';
import { channelStats } from './normalize';
import { CLASS_NAMES, DATA_FILES, OFFICIAL_PAGE, type DataFileSpec, type FileRole, type RealDatasetName } from './official-sources';
import { assertNotHtml, isTar } from './sniff';
import { DataFileError, type Dataset, type ImageSet } from './types';

export interface AssembleOptions {
  /** Which set IDX files belong to (required unless a file name says "fashion" or "mnist"). */
  name?: RealDatasetName;
  /**
   * MNIST only: when the train images are missing (the shared copy has only the test set), split
   * the 10,000 test images into train (first 80 %: 8,000) and test (last 2,000) instead of failing.
   */
  allowTestSplit?: boolean;
}

export interface MissingFile {
  file: string;
  url: string;
  reason: string; // e.g. "not given", "HTTP 404", "the server answered with an HTML page"
}

/** A data set lacks required files; `missing` says which and where to get them. */
export class MissingDataError extends Error {
  constructor(readonly dataset: RealDatasetName, readonly missing: MissingFile[], advice: string) {
    super(`${dataset} is incomplete: ${missing.map((m) => `${m.file} is missing (${m.reason}; official source: ${m.url})`).join('; ')}. ${advice}`);
    this.name = 'MissingDataError';
  }
}

/** Share of the MNIST test images used for training under allowTestSplit. */
export const TEST_SPLIT_TRAIN_FRACTION = 0.8;

const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);
const u32be = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

interface Recognised {
  role: FileRole;
  file: NamedBytes; // unpacked bytes
}

/** Which split an IDX file holds: by name, else by the usual counts (60,000 train / 10,000 test). */
function idxSplit(name: string, count: number): 'train' | 'test' {
  const n = baseName(name).toLowerCase();
  if (n.includes('t10k') || n.includes('test')) return 'test';
  if (n.includes('train')) return 'train';
  if (count === 60000) return 'train';
  if (count === 10000) return 'test';
  throw new DataFileError(name, `cannot tell whether this IDX file is the train or the test split: put "train" or "t10k" in its name`);
}

function recognise(f: NamedBytes, officialUrl: string): Recognised[] {
  assertNotHtml(f.name, f.bytes, 'a data file', officialUrl);
  const b = gunzipIfNeeded(f.name, f.bytes);
  const file = { name: f.name, bytes: b };
  if (isTar(b)) return cifarFilesFromTarball(f.name, b).flatMap((e) => recognise(e, officialUrl));
  const magic = b.length >= 8 ? u32be(b, 0) : -1;
  if (magic === IDX_IMAGES_MAGIC) return [{ role: `${idxSplit(f.name, u32be(b, 4))}-images`, file }];
  if (magic === IDX_LABELS_MAGIC) return [{ role: `${idxSplit(f.name, u32be(b, 4))}-labels`, file }];
  if (isCifarBatchName(f.name)) return [{ role: baseName(f.name).startsWith('test') ? 'test-batch' : 'train-batch', file }];
  if (baseName(f.name) === 'batches.meta.txt') return [{ role: 'meta', file }];
  throw new DataFileError(f.name,
    'not recognised: expected an IDX file (MNIST / Fashion-MNIST), a CIFAR-10 batch (data_batch_N.bin, test_batch.bin), batches.meta.txt or cifar-10-binary.tar.gz');
}

function guessName(files: Recognised[], hint: RealDatasetName | undefined): RealDatasetName {
  const isIdx = files.some((r) => /-(images|labels)$/.test(r.role));
  const isCifar = files.some((r) => r.role === 'train-batch' || r.role === 'test-batch' || r.role === 'meta');
  if (!isIdx && !isCifar) {
    if (hint) return hint; // nothing given: the assembly lists every missing file
    throw new Error('no data files given');
  }
  if (isIdx && isCifar) throw new Error(`got both IDX files and CIFAR-10 batches (${files.map((r) => r.file.name).join(', ')}): give one data set at a time`);
  if (isCifar) {
    if (hint && hint !== 'cifar10') throw new Error(`expected ${hint} files but got CIFAR-10 batches`);
    return 'cifar10';
  }
  if (hint === 'cifar10') throw new Error(`expected CIFAR-10 batches but got IDX files (${files.map((r) => r.file.name).join(', ')})`);
  if (hint) return hint;
  const names = files.map((r) => r.file.name.toLowerCase()).join(' ');
  if (names.includes('fashion')) return 'fashion-mnist';
  if (names.includes('mnist')) return 'mnist';
  throw new Error('IDX files look the same for MNIST and Fashion-MNIST: say which data set these are (the `name` option)');
}

const missingOf = (name: RealDatasetName, roles: FileRole[]): MissingFile[] =>
  DATA_FILES[name].filter((s: DataFileSpec) => roles.includes(s.role)).map((s) => ({ file: s.file, url: s.url, reason: 'not given' }));

interface Parts {
  train: ImageSet;
  test: ImageSet;
  /** The image file of each split, for errors (CIFAR-10: the first train batch). */
  files: { train: string; test: string };
  notes: string[];
  classNames?: string[];
}

function assembleIdx(name: RealDatasetName, byRole: Map<FileRole, Recognised[]>, opts: AssembleOptions): Parts {
  const one = (role: FileRole): NamedBytes | undefined => byRole.get(role)?.[0]?.file;
  const url = OFFICIAL_PAGE[name];
  const absent = (['train-images', 'train-labels', 'test-images', 'test-labels'] as FileRole[]).filter((r) => !one(r));
  const trainAbsent = absent.filter((r) => r.startsWith('train'));
  if (absent.length && !(name === 'mnist' && opts.allowTestSplit && absent.length === trainAbsent.length))
    throw new MissingDataError(name, missingOf(name, absent),
      `Run \`npm run datasets\` to prepare the data sets${name === 'mnist' && trainAbsent.length === absent.length ? ', or allow splitting the MNIST test set (allowTestSplit)' : ''}.`);
  const test = idxImageSet(one('test-images')!, one('test-labels')!, url);
  if (absent.length) {
    const cut = Math.round(test.count * TEST_SPLIT_TRAIN_FRACTION);
    if (cut === 0 || cut === test.count) throw new Error(`cannot split ${test.count} MNIST test images into train and test`);
    return {
      train: sliceImageSet(test, 0, cut), test: sliceImageSet(test, cut), files: { train: one('test-images')!.name, test: one('test-images')!.name },
      notes: [`MNIST train images are missing: the ${test.count} test images are split into ${cut} for training and ${test.count - cut} for testing.`],
    };
  }
  return {
    train: idxImageSet(one('train-images')!, one('train-labels')!, url), test, notes: [],
    files: { train: one('train-images')!.name, test: one('test-images')!.name },
  };
}

function assembleCifar(byRole: Map<FileRole, Recognised[]>): Parts {
  const batchNo = (r: Recognised): number => Number(/data_batch_(\d+)/.exec(r.file.name)?.[1] ?? 0);
  const trainFiles = [...(byRole.get('train-batch') ?? [])].sort((a, b) => batchNo(a) - batchNo(b));
  const absent: FileRole[] = [];
  if (!trainFiles.length) absent.push('train-batch');
  if (!byRole.get('test-batch')?.length) absent.push('test-batch');
  if (absent.length)
    throw new MissingDataError('cifar10', missingOf('cifar10', absent).filter((m) => !/data_batch_[2-5]/.test(m.file)),
      'Run `npm run datasets`, or give the official cifar-10-binary.tar.gz.');
  const train = concatImageSets(trainFiles.map((r) => parseCifarBatch(r.file.name, r.file.bytes)));
  const testFile = byRole.get('test-batch')![0].file;
  const test = parseCifarBatch(testFile.name, testFile.bytes);
  const meta = byRole.get('meta')?.[0];
  const names = meta ? parseCifarMeta(meta.file.bytes) : [];
  const notes = trainFiles.length < 5 ? [`CIFAR-10: training on ${trainFiles.length} of 5 batches (${train.count} images): ${trainFiles.map((r) => shownFileName(r.file.name)).join(', ')}.`] : [];
  return { train, test, notes, classNames: names.length === 10 ? names : undefined, files: { train: trainFiles[0].file.name, test: testFile.name } };
}

/** Both splits hold images, of one geometry: otherwise training fails later without naming a file. */
function checkSplits({ train, test, files }: Parts): void {
  for (const split of ['train', 'test'] as const)
    if ((split === 'train' ? train : test).count === 0)
      throw new DataFileError(files[split], `holds no images: the ${split} split is empty; give the complete file`);
  const geo = (s: ImageSet): string => `${s.height}×${s.width}×${s.channels}`;
  if (geo(train) !== geo(test))
    throw new DataFileError(files.test, `its images are ${geo(test)} but the train images (${files.train}) are ${geo(train)}: give the test split of the same data set`);
}

/** A full Dataset from the files of one real data set; throws MissingDataError or DataFileError. */
export function datasetFromFiles(files: NamedBytes[], opts: AssembleOptions = {}): Dataset {
  const officialUrl = opts.name ? OFFICIAL_PAGE[opts.name] : 'the official source';
  const recognised = files.flatMap((f) => recognise(f, officialUrl));
  const name = guessName(recognised, opts.name);
  const byRole = new Map<FileRole, Recognised[]>();
  for (const r of recognised) byRole.set(r.role, [...(byRole.get(r.role) ?? []), r]);
  for (const [role, rs] of byRole) {
    const keys = rs.map((r) => (role === 'train-batch' ? baseName(r.file.name) : role));
    if (new Set(keys).size < keys.length) throw new Error(`two files for the same ${name} ${role}: ${rs.map((r) => r.file.name).join(', ')}`);
  }
  const parts = name === 'cifar10' ? assembleCifar(byRole) : assembleIdx(name, byRole, opts);
  checkSplits(parts);
  return {
    name, classNames: parts.classNames ?? [...CLASS_NAMES[name]],
    train: parts.train, test: parts.test, ...channelStats(parts.train), notes: parts.notes,
  };
}
