import { describe, expect, it } from 'vitest';
import { CIFAR_RECORD_BYTES } from '../../engine/data/cifar';
import { datasetFromFiles } from '../../engine/data/sources';
import { detectImport } from './detect';

const idxHeader = (magic: number): Uint8Array => Uint8Array.from([0, 0, (magic >> 8) & 255, magic & 255, 0, 0, 0, 1]);

describe('detectImport', () => {
  it('splits a lone CIFAR-10 test batch 80/20 into train and test records', () => {
    const bytes = new Uint8Array(10 * CIFAR_RECORD_BYTES);
    const r = detectImport([{ name: 'test_batch.bin', bytes }], 'synthetic');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dataset).toBe('cifar10');
    expect(r.files.map((f) => [f.name, f.bytes.length])).toEqual([
      ['test_batch.bin#train/data_batch_1.bin', 8 * CIFAR_RECORD_BYTES],
      ['test_batch.bin#test/test_batch.bin', 2 * CIFAR_RECORD_BYTES],
    ]);
    // Each part owns its buffer (it can be transferred to the worker on its own).
    expect(r.files[0].bytes.buffer).not.toBe(r.files[1].bytes.buffer);
    expect(r.notes[0]).toMatch(/8 for training and 2 for testing/);
  });

  it('keeps full CIFAR-10 sets and tarballs as they are', () => {
    const b = new Uint8Array(CIFAR_RECORD_BYTES * 5);
    const pair = detectImport([{ name: 'data_batch_1.bin', bytes: b }, { name: 'test_batch.bin', bytes: b }], 'synthetic');
    expect(pair.ok && pair.files.length).toBe(2);
    const tar = detectImport([{ name: 'cifar-10-binary.tar.gz', bytes: Uint8Array.from([0x1f, 0x8b, 8, 0]) }], 'mnist');
    expect(tar.ok && tar.dataset).toBe('cifar10');
  });

  it('refuses a truncated lone batch with the record size in words', () => {
    const r = detectImport([{ name: 'test_batch.bin', bytes: new Uint8Array(5000) }], 'synthetic');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/5000 bytes is not a whole number of CIFAR-10 records \(3073 bytes each/);
  });

  it('tells IDX sets apart by name, else keeps the current one, else takes Fashion-MNIST', () => {
    const files = [{ name: 't10k-images-idx3-ubyte', bytes: idxHeader(0x803) }];
    expect(detectImport(files, 'mnist')).toMatchObject({ ok: true, dataset: 'mnist' });
    const guess = detectImport(files, 'synthetic');
    expect(guess).toMatchObject({ ok: true, dataset: 'fashion-mnist' });
    expect(guess.ok && guess.notes[0]).toMatch(/look the same/);
    expect(detectImport([{ name: 'mnist-train-labels-idx1-ubyte.gz', bytes: Uint8Array.from([0x1f, 0x8b]) }], 'cifar10')).toMatchObject({ ok: true, dataset: 'mnist' });
  });

  it('refuses unknown files and mixed sets before anything changes', () => {
    const unknown = detectImport([{ name: 'notes.txt', bytes: Uint8Array.from([104, 105]) }], 'synthetic');
    expect(unknown.ok).toBe(false);
    const mixed = detectImport([{ name: 'train-images-idx3-ubyte', bytes: idxHeader(0x803) }, { name: 'test_batch.bin', bytes: new Uint8Array(CIFAR_RECORD_BYTES) }], 'synthetic');
    expect(mixed.ok).toBe(false);
    if (!mixed.ok) expect(mixed.error).toMatch(/one data set at a time/);
  });

  it('refuses junk at import by its size and first bytes, naming the file', () => {
    const refused = (name: string, bytes: Uint8Array): string => {
      const r = detectImport([{ name, bytes }], 'synthetic');
      if (r.ok) throw new Error(`${name} was accepted`);
      return r.error;
    };
    const text = new TextEncoder().encode('these are my notes, 29 bytes');
    expect(refused('notes.bin', text)).toMatch(/^notes\.bin: 2\d bytes is not a whole number of CIFAR-10 records/);
    expect(refused('data_batch_2.bin', new Uint8Array(0))).toMatch(/^data_batch_2\.bin: 0 bytes is not a whole number/);
    expect(refused('train-images-idx3-ubyte', text)).toMatch(/^train-images-idx3-ubyte: not an IDX file/);
    expect(refused('cifar-10-binary.tar', text)).toMatch(/^cifar-10-binary\.tar: neither a gzip nor a tar archive/);
    expect(refused('test_batch.bin', new TextEncoder().encode('<!DOCTYPE html><html></html>'))).toMatch(/^test_batch\.bin: this is an HTML page/);
  });

  it('a lone batch split at import is named by the file the user gave, not data_batch_1.bin', () => {
    const bytes = new Uint8Array(10 * CIFAR_RECORD_BYTES);
    const r = detectImport([{ name: 'test_batch.bin', bytes }], 'synthetic');
    if (!r.ok) throw new Error(r.error);
    const ds = datasetFromFiles(r.files, { name: 'cifar10' });
    expect(ds.notes).toEqual(['CIFAR-10: training on 1 of 5 batches (8 images): test_batch.bin (its train part).']);
  });
});
