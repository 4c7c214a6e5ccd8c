import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findSharedDatasets } from '../../cli/node-datasets';
import { cifarFilesFromTarball, parseCifarBatch, parseCifarMeta } from './cifar';
import { encodeCifarRecords, writeTar } from './encode';
import { labelCounts } from './image-set';
import { datasetFromFiles } from './sources';
import { DataFileError, type ImageSet } from './types';

const shared = findSharedDatasets();
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** n tiny CIFAR records with recognisable pixels: byte = (i + p + 7c) mod 256. */
function records(n: number, label = (i: number): number => i % 10): ImageSet {
  const images = new Uint8Array(n * 3072);
  for (let i = 0; i < n; i++) for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) images[(i * 1024 + p) * 3 + c] = (i + p + 7 * c) & 255;
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => label(i)), count: n, height: 32, width: 32, channels: 3 };
}

function err(fn: () => unknown): DataFileError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(DataFileError); return e as DataFileError; }
  throw new Error('expected a DataFileError');
}

describe.skipIf(!shared)('CIFAR-10 loader on the real files in ../shared/datasets (skipped: folder absent)', () => {
  const raw1 = shared ? readFileSync(path.join(shared, 'cifar10/data_batch_1.bin')) : new Uint8Array();
  const rawTest = shared ? readFileSync(path.join(shared, 'cifar10/test_batch.bin')) : new Uint8Array();

  it('data_batch_1 and test_batch have the known label counts and first labels', () => {
    const train = parseCifarBatch('data_batch_1.bin', raw1);
    const test = parseCifarBatch('test_batch.bin', rawTest);
    expect([train.count, train.height, train.width, train.channels]).toEqual([10000, 32, 32, 3]);
    expect(labelCounts(train)).toEqual([1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981]);
    expect(labelCounts(test)).toEqual(new Array(10).fill(1000));
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([3, 8, 8, 0, 6]);
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([6, 9, 9, 4, 1]);
  });

  it('converts planar records to HWC', () => {
    const train = parseCifarBatch('data_batch_1.bin', raw1);
    const i = 1234, y = 17, x = 5, rec = i * 3073;
    for (let c = 0; c < 3; c++) expect(train.images[((i * 32 + y) * 32 + x) * 3 + c]).toBe(raw1[rec + 1 + c * 1024 + y * 32 + x]);
    expect(train.labels[i]).toBe(raw1[rec]);
  });

  it('reads the class names from batches.meta.txt', () => {
    expect(parseCifarMeta(readFileSync(path.join(shared!, 'cifar10/batches.meta.txt')))).toEqual(
      ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
  });
});

describe('CIFAR-10 tarball', () => {
  it('parses an official-layout cifar-10-binary.tar.gz (made here) into train and test', () => {
    const a = records(30), b = records(20, () => 7), t = records(10, (i) => 9 - i);
    const tar = writeTar([
      { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: ascii('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n') },
      { name: 'cifar-10-batches-bin/data_batch_2.bin', bytes: encodeCifarRecords(b) },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: encodeCifarRecords(a) },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: encodeCifarRecords(t) },
      { name: 'cifar-10-batches-bin/readme.html', bytes: ascii('<html></html>') },
    ]);
    const gz = gzipSync(tar, { level: 1 });
    expect(cifarFilesFromTarball('cifar-10-binary.tar.gz', gz).map((f) => f.name)).toEqual(
      ['batches.meta.txt', 'data_batch_2.bin', 'data_batch_1.bin', 'test_batch.bin']);
    const ds = datasetFromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: gz }]);
    expect(ds.name).toBe('cifar10');
    expect(ds.train.count).toBe(50); // batch 1 then batch 2, in number order
    expect(Buffer.from(ds.train.images.subarray(0, 30 * 3072)).equals(a.images)).toBe(true);
    expect(Array.from(ds.train.labels.subarray(30))).toEqual(new Array(20).fill(7));
    expect(Buffer.from(ds.test.images).equals(t.images)).toBe(true);
    expect(ds.classNames[9]).toBe('truck');
    expect(ds.notes?.[0]).toMatch(/2 of 5 batches/);
  });

  it('a tarball without batch files says so and lists what it holds', () => {
    const gz = gzipSync(writeTar([{ name: 'cifar-10-batches-py/data_batch_1', bytes: new Uint8Array(10) }]));
    expect(err(() => cifarFilesFromTarball('cifar-10-binary.tar.gz', gz)).message).toMatch(
      /^cifar-10-binary\.tar\.gz: holds no CIFAR-10 batch files .*it holds: cifar-10-batches-py\/data_batch_1/);
  });
});

describe('CIFAR-10 loader errors name the file', () => {
  it('length not a multiple of 3073', () => {
    expect(err(() => parseCifarBatch('data_batch_3.bin', new Uint8Array(3073 * 2 + 5))).message).toMatch(/^data_batch_3\.bin: 6151 bytes is not a multiple of 3073/);
  });
  it('a label byte above 9, with the record index', () => {
    const bytes = encodeCifarRecords(records(4, (i) => (i === 2 ? 10 : 0)));
    expect(err(() => parseCifarBatch('test_batch.bin', bytes)).message).toMatch(/^test_batch\.bin: record 2 has label byte 10/);
  });
  it('an HTML page', () => {
    expect(err(() => parseCifarBatch('data_batch_1.bin', ascii('<html><head></head></html>'))).message).toMatch(
      /^data_batch_1\.bin: this is an HTML page.*re-download from https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz/);
    expect(err(() => cifarFilesFromTarball('cifar-10-binary.tar.gz', ascii('<!doctype html>'))).message).toMatch(/HTML page/);
  });
  it('a corrupt gzip tarball', () => {
    const gz = gzipSync(writeTar([{ name: 'x', bytes: new Uint8Array(3000) }]));
    expect(err(() => cifarFilesFromTarball('cifar-10-binary.tar.gz', gz.subarray(0, gz.length - 3))).message).toMatch(/corrupt gzip stream/);
  });
});
