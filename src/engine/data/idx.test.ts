import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findSharedDatasets } from '../../cli/node-datasets';
import { encodeIdxImages, encodeIdxLabels } from './encode';
import { idxImageSet, parseIdxImages, parseIdxLabels } from './idx';
import { labelCounts } from './image-set';
import { MAX_UNPACKED_BYTES } from './gzip';
import { DataFileError } from './types';

const shared = findSharedDatasets();
const read = (rel: string): Uint8Array => readFileSync(path.join(shared!, rel));

describe.skipIf(!shared)('IDX loader on the real files in ../shared/datasets (skipped: folder absent)', () => {
  it('parses Fashion-MNIST: 6000 per class in train, 1000 per class in test', () => {
    const train = idxImageSet(
      { name: 'train-images-idx3-ubyte.gz', bytes: read('fashion-mnist/train-images-idx3-ubyte.gz') },
      { name: 'train-labels-idx1-ubyte.gz', bytes: read('fashion-mnist/train-labels-idx1-ubyte.gz') });
    expect([train.count, train.height, train.width, train.channels]).toEqual([60000, 28, 28, 1]);
    expect(train.images.length).toBe(60000 * 784);
    expect(labelCounts(train)).toEqual(new Array(10).fill(6000));
    const test = parseIdxLabels('t10k-labels-idx1-ubyte.gz', read('fashion-mnist/t10k-labels-idx1-ubyte.gz'));
    expect(labelCounts({ ...train, labels: test, count: test.length })).toEqual(new Array(10).fill(1000));
  });

  it('parses the MNIST test set with its known label counts', () => {
    const test = idxImageSet(
      { name: 't10k-images-idx3-ubyte.gz', bytes: read('mnist/t10k-images-idx3-ubyte.gz') },
      { name: 't10k-labels-idx1-ubyte.gz', bytes: read('mnist/t10k-labels-idx1-ubyte.gz') });
    expect(test.count).toBe(10000);
    expect(labelCounts(test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(parseIdxLabels('train-labels-idx1-ubyte.gz', read('mnist/train-labels-idx1-ubyte.gz')).length).toBe(60000);
  });
});

describe('IDX loader errors name the file and say what is wrong', () => {
  const images = encodeIdxImages({ images: new Uint8Array(3 * 4 * 4).map((_, i) => i), count: 3, height: 4, width: 4 });
  const labels = encodeIdxLabels(Uint8Array.of(1, 2, 3));
  const err = (fn: () => unknown): DataFileError => {
    try { fn(); } catch (e) { expect(e).toBeInstanceOf(DataFileError); return e as DataFileError; }
    throw new Error('expected a DataFileError');
  };

  it('reads plain and gzipped files alike', () => {
    const a = parseIdxImages('x', images), b = parseIdxImages('x.gz', gzipSync(images));
    expect(b).toEqual(a);
    expect([a.count, a.height, a.width, a.images[47]]).toEqual([3, 4, 4, 47]);
  });

  it('wrong magic: gives the expected and the found number', () => {
    const e = err(() => parseIdxImages('train-images-idx3-ubyte.gz', labels));
    expect(e.file).toBe('train-images-idx3-ubyte.gz');
    expect(e.message).toMatch(/^train-images-idx3-ubyte\.gz: wrong magic number: expected 0x00000803 .*found 0x00000801 \(an IDX labels file\)/);
    expect(err(() => parseIdxLabels('l', images)).message).toMatch(/expected 0x00000801.*found 0x00000803/);
  });

  it('truncated: gives the bytes the header promises and the bytes found', () => {
    const e = err(() => parseIdxImages('t10k-images-idx3-ubyte', images.subarray(0, 40)));
    expect(e.message).toMatch(/^t10k-images-idx3-ubyte: truncated: .*3 images of 4×4.*64 bytes.*has 40/);
    expect(err(() => parseIdxLabels('lab', labels.subarray(0, 9))).message).toMatch(/lab: truncated.*11 bytes.*has 9/);
  });

  it('mismatched counts: names both files', () => {
    const e = err(() => idxImageSet({ name: 'imgs.gz', bytes: images }, { name: 'labs.gz', bytes: encodeIdxLabels(Uint8Array.of(1, 2)) }));
    expect(e.message).toMatch(/imgs\.gz: holds 3 images but labs\.gz holds 2 labels/);
  });

  it('an HTML page saved under the name: says the download failed and where to get the file', () => {
    const html = new TextEncoder().encode('\n<!DOCTYPE html><html><body>Not found</body></html>');
    const e = err(() => parseIdxImages('train-images-idx3-ubyte.gz', html, 'https://example.org/mnist/'));
    expect(e.message).toBe('train-images-idx3-ubyte.gz: this is an HTML page, not an IDX file: the download probably failed; re-download from https://example.org/mnist/');
  });

  it('corrupt gzip: truncated stream or flipped bits (CRC) are caught', () => {
    const gz = gzipSync(images);
    expect(err(() => parseIdxImages('a.gz', gz.subarray(0, gz.length - 10))).message).toMatch(/^a\.gz: corrupt gzip stream/);
    const flipped = gz.slice();
    flipped[gz.length - 8] ^= 1; // the stored CRC
    expect(err(() => parseIdxImages('b.gz', flipped)).message).toMatch(/^b\.gz: corrupt gzip stream \(CRC-32 mismatch\)/);
    const garbage = gz.slice();
    garbage[12] ^= 0xff;
    expect(err(() => parseIdxImages('c.gz', garbage)).message).toMatch(/^c\.gz: corrupt gzip stream/);
  });

  it('refuses a gzip that unpacks past the stated limit, before unpacking it', () => {
    const gz = gzipSync(images);
    const big = gz.slice();
    new DataView(big.buffer).setUint32(big.length - 4, 2 ** 30, true); // the trailer's size: 1 GiB
    expect(err(() => parseIdxImages('big.gz', big)).message).toBe(
      "big.gz: corrupt gzip stream (its trailer says it unpacks to 1024 MiB, past the 256 MiB limit for one data file; the largest real one, CIFAR-10's tarball, is ~176 MiB): the file is damaged or the download was cut short; re-download it");
    new DataView(big.buffer).setUint32(big.length - 4, MAX_UNPACKED_BYTES + 1, true);
    expect(err(() => parseIdxImages('big.gz', big)).message).toMatch(/past the 256 MiB limit/);
    // A trailer that understates the size does not get past the checks either.
    const small = gz.slice();
    new DataView(small.buffer).setUint32(small.length - 4, 10, true);
    expect(err(() => parseIdxImages('small.gz', small)).message).toMatch(/^small\.gz: corrupt gzip stream/);
  });

  it('labels outside 0..9 are rejected with their index', () => {
    expect(err(() => parseIdxLabels('l', encodeIdxLabels(Uint8Array.of(0, 12)))).message).toMatch(/label 12 at index 1/);
  });
});
