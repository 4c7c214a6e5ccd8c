import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findSharedDatasets, loadDatasetFromDir } from '../../cli/node-datasets';
import { encodeCifarRecords, encodeIdxImages, encodeIdxLabels } from './encode';
import { labelCounts } from './image-set';
import { datasetFromFiles, MissingDataError } from './sources';
import { DataFileError } from './types';

const shared = findSharedDatasets();

describe.skipIf(!shared)('loadDatasetFromDir on ../shared/datasets (skipped: folder absent)', () => {
  it('Fashion-MNIST: complete, with the usual normalisation stats', () => {
    const ds = loadDatasetFromDir('fashion-mnist', shared!);
    expect([ds.train.count, ds.test.count, ds.classNames[9]]).toEqual([60000, 10000, 'Ankle boot']);
    expect(labelCounts(ds.test)).toEqual(new Array(10).fill(1000));
    expect(ds.mean[0]).toBeCloseTo(0.2860, 3);
    expect(ds.std[0]).toBeCloseTo(0.3530, 3);
    expect(ds.notes).toEqual([]);
  });

  it('MNIST without train images: fails clearly, or splits the test set when allowed', () => {
    const e = (() => { try { loadDatasetFromDir('mnist', shared!); } catch (err) { return err as MissingDataError; } })();
    expect(e).toBeInstanceOf(MissingDataError);
    expect(e!.missing.map((m) => m.file)).toEqual(['train-images-idx3-ubyte.gz']);
    expect(e!.message).toMatch(/mnist is incomplete: train-images-idx3-ubyte\.gz is missing .*https:\/\/storage\.googleapis\.com\/cvdf-datasets\/mnist\/train-images-idx3-ubyte\.gz.*npm run datasets.*allowTestSplit/);
    const ds = loadDatasetFromDir('mnist', shared!, { allowTestSplit: true });
    expect([ds.train.count, ds.test.count]).toEqual([8000, 2000]);
    expect(labelCounts(ds.train).map((n, k) => n + labelCounts(ds.test)[k])).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(ds.notes?.[0]).toMatch(/split into 8000 for training and 2000 for testing/);
  });

  it('CIFAR-10 with only data_batch_1: trains on what is there, class names from the meta file', () => {
    const ds = loadDatasetFromDir('cifar10', shared!);
    expect([ds.train.count, ds.test.count, ds.train.channels]).toEqual([10000, 10000, 3]);
    expect(ds.classNames).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    expect(ds.notes?.[0]).toMatch(/1 of 5 batches/);
    [0.4914, 0.4822, 0.4465].forEach((m, c) => expect(Math.abs(ds.mean[c] - m)).toBeLessThan(0.01));
  });
});

describe('datasetFromFiles', () => {
  const img = (n: number): Uint8Array => encodeIdxImages({ images: new Uint8Array(n * 4 * 4).fill(100), count: n, height: 4, width: 4 });
  const lab = (n: number): Uint8Array => encodeIdxLabels(Uint8Array.from({ length: n }, (_, i) => i % 10));
  const idxFiles = (prefix = ''): { name: string; bytes: Uint8Array }[] => [
    { name: `${prefix}train-images-idx3-ubyte.gz`, bytes: gzipSync(img(20)) },
    { name: `${prefix}train-labels-idx1-ubyte.gz`, bytes: gzipSync(lab(20)) },
    { name: `${prefix}t10k-images-idx3-ubyte`, bytes: img(5) },
    { name: `${prefix}t10k-labels-idx1-ubyte`, bytes: lab(5) },
  ];
  const thrown = (fn: () => unknown): Error => {
    try { fn(); } catch (e) { return e as Error; }
    throw new Error('expected an error');
  };

  it('recognises IDX files by content, the split by name, the set from a hint or the path', () => {
    const ds = datasetFromFiles(idxFiles(), { name: 'fashion-mnist' });
    expect([ds.name, ds.train.count, ds.test.count, ds.train.height, ds.classNames[0]]).toEqual(['fashion-mnist', 20, 5, 4, 'T-shirt/top']);
    expect(datasetFromFiles(idxFiles('fashion-mnist/')).name).toBe('fashion-mnist');
    expect(datasetFromFiles(idxFiles('mnist/')).name).toBe('mnist');
    expect(thrown(() => datasetFromFiles(idxFiles())).message).toMatch(/look the same for MNIST and Fashion-MNIST.*`name` option/);
  });

  it('lists what is missing, with the official source', () => {
    const e = thrown(() => datasetFromFiles(idxFiles().slice(2), { name: 'fashion-mnist' })) as MissingDataError;
    expect(e).toBeInstanceOf(MissingDataError);
    expect(e.missing.map((m) => m.file)).toEqual(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    expect(e.message).toMatch(/fashion-mnist is incomplete: train-images-idx3-ubyte\.gz is missing \(not given; official source: http:\/\/fashion-mnist\.s3-website\.eu-central-1\.amazonaws\.com\/train-images-idx3-ubyte\.gz\)/);
    const c = thrown(() => datasetFromFiles([{ name: 'data_batch_1.bin', bytes: new Uint8Array(3073) }])) as MissingDataError;
    expect(c.missing.map((m) => m.file)).toEqual(['test_batch.bin']);
    const none = thrown(() => datasetFromFiles([], { name: 'cifar10' })) as MissingDataError;
    expect(none.missing.map((m) => m.file)).toEqual(['data_batch_1.bin', 'test_batch.bin']);
  });

  it('names the file at fault: HTML page, mismatched pair, unknown content, duplicates, mixed sets', () => {
    const html = { name: 't10k-labels-idx1-ubyte.gz', bytes: new TextEncoder().encode('<!DOCTYPE html><html></html>') };
    const h = thrown(() => datasetFromFiles([...idxFiles().slice(0, 3), html], { name: 'mnist' }));
    expect(h).toBeInstanceOf(DataFileError);
    expect(h.message).toMatch(/^t10k-labels-idx1-ubyte\.gz: this is an HTML page.*https:\/\/storage\.googleapis\.com\/cvdf-datasets\/mnist\//);
    const files = idxFiles();
    files[1] = { name: 'train-labels-idx1-ubyte.gz', bytes: lab(19) };
    expect(thrown(() => datasetFromFiles(files, { name: 'mnist' })).message).toMatch(/^train-images-idx3-ubyte\.gz: holds 20 images but train-labels-idx1-ubyte\.gz holds 19 labels/);
    expect(thrown(() => datasetFromFiles([{ name: 'notes.txt', bytes: new Uint8Array(50) }])).message).toMatch(/^notes\.txt: not recognised/);
    expect(thrown(() => datasetFromFiles([...idxFiles(), idxFiles()[0]], { name: 'mnist' })).message).toMatch(/two files for the same mnist train-images/);
    const cifar = { name: 'test_batch.bin', bytes: encodeCifarRecords({ images: new Uint8Array(3072), labels: Uint8Array.of(1), count: 1, height: 32, width: 32, channels: 3 }) };
    expect(thrown(() => datasetFromFiles([...idxFiles(), cifar])).message).toMatch(/both IDX files and CIFAR-10 batches/);
  });

  it('refuses empty splits and test images of another size, naming the file', () => {
    const files = idxFiles();
    files[2] = { name: 't10k-images-idx3-ubyte', bytes: encodeIdxImages({ images: new Uint8Array(5 * 3 * 3), count: 5, height: 3, width: 3 }) };
    const e = thrown(() => datasetFromFiles(files, { name: 'mnist' }));
    expect(e).toBeInstanceOf(DataFileError);
    expect(e.message).toBe('t10k-images-idx3-ubyte: its images are 3×3×1 but the train images (train-images-idx3-ubyte.gz) are 4×4×1: give the test split of the same data set');
    const emptyTest = [...idxFiles().slice(0, 2), { name: 't10k-images-idx3-ubyte', bytes: img(0) }, { name: 't10k-labels-idx1-ubyte', bytes: lab(0) }];
    expect(thrown(() => datasetFromFiles(emptyTest, { name: 'mnist' })).message).toBe('t10k-images-idx3-ubyte: holds no images: the test split is empty; give the complete file');
    const emptyTrain = [{ name: 'train-images-idx3-ubyte', bytes: img(0) }, { name: 'train-labels-idx1-ubyte', bytes: lab(0) }, ...idxFiles().slice(2)];
    expect(thrown(() => datasetFromFiles(emptyTrain, { name: 'mnist' })).message).toBe('train-images-idx3-ubyte: holds no images: the train split is empty; give the complete file');
    const emptyBatch = [{ name: 'data_batch_1.bin', bytes: new Uint8Array(0) }, { name: 'test_batch.bin', bytes: new Uint8Array(3073) }];
    expect(thrown(() => datasetFromFiles(emptyBatch)).message).toMatch(/^data_batch_1\.bin: /);
  });

  it('tells the IDX split by count when names do not say it', () => {
    const big = encodeIdxLabels(new Uint8Array(10000));
    const ds = datasetFromFiles([
      ...idxFiles().slice(0, 2),
      { name: 'a', bytes: encodeIdxImages({ images: new Uint8Array(10000 * 16), count: 10000, height: 4, width: 4 }) },
      { name: 'b', bytes: big },
    ], { name: 'mnist' });
    expect(ds.test.count).toBe(10000);
  });
});
