import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { cropPadding, normalizationTable, writeImage } from './augment';
import { Batcher, evalBatches } from './batch';
import { channelStats } from './normalize';
import type { ImageSet } from './types';

/** count images of side×side×channels; pixel (y, x, c) of image i = 1 + ((i * 7 + y * side + x + 50c) mod 250). */
function handMade(count: number, side: number, channels = 1): ImageSet {
  const images = new Uint8Array(count * side * side * channels);
  for (let i = 0; i < count; i++)
    for (let p = 0; p < side * side; p++)
      for (let c = 0; c < channels; c++) images[(i * side * side + p) * channels + c] = 1 + ((i * 7 + p + 50 * c) % 250);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, height: side, width: side, channels };
}

// mean 0, std 1/255: a normalised pixel equals its byte value, which keeps expectations readable.
const IDENTITY = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] };

describe('writeImage (crop + flip)', () => {
  const set = handMade(1, 8);
  const g = { height: 8, width: 8, channels: 1 };
  const lut = normalizationTable([0], [1 / 255]);
  const at = (out: Float32Array, y: number, x: number): number => Math.round(out[y * 8 + x]);
  const src = (y: number, x: number): number => set.images[y * 8 + x];

  it('shifts with zero padding', () => {
    const out = new Float32Array(64);
    writeImage(set.images, 0, g, lut, out, 0, { dx: 2, dy: -1, flip: false });
    expect(at(out, 0, 3)).toBe(0); // row -1 is padding
    expect(at(out, 1, 0)).toBe(src(0, 2));
    expect(at(out, 7, 5)).toBe(src(6, 7));
    expect(at(out, 7, 6)).toBe(0); // column 8 is padding
  });

  it('mirrors horizontally, and is the identity with no shift and no flip', () => {
    const out = new Float32Array(64);
    writeImage(set.images, 0, g, lut, out, 0, { dx: 0, dy: 0, flip: true });
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect(at(out, y, x)).toBe(src(y, 7 - x));
    writeImage(set.images, 0, g, lut, out, 0, { dx: 0, dy: 0, flip: false });
    expect(Array.from(out, Math.round)).toEqual(Array.from(set.images));
  });

  it('pads 4 px at 32×32, scaled with the side', () => {
    expect([cropPadding(32), cropPadding(16), cropPadding(28), cropPadding(224)]).toEqual([4, 2, 4, 28]);
  });
});

describe('Batcher', () => {
  const set = handMade(100, 8, 3);
  const stats = channelStats(set);
  const make = (seed: number, augment = false, batchSize = 10): Batcher => new Batcher(set, { batchSize, rng: new Rng(seed), ...stats, augment });

  it('same seed → identical batches; another seed → another order', () => {
    const a = make(5, true), b = make(5, true), c = make(6, true);
    for (let i = 0; i < 15; i++) {
      const ba = a.next(), bb = b.next();
      expect(bb.indices).toEqual(ba.indices);
      expect(bb.x).toEqual(ba.x);
      expect(bb.y).toEqual(ba.y);
    }
    expect(c.next().indices).not.toEqual(make(5, true).next().indices);
  });

  it('NHWC float32 batches, normalised with the given stats, each image once per epoch', () => {
    const bt = make(1);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      const b = bt.next();
      expect([b.size, b.x.length, b.y.length]).toEqual([10, 10 * 8 * 8 * 3, 10]);
      for (let k = 0; k < b.size; k++) expect(b.y[k]).toBe(set.labels[b.indices[k]]);
      const k = b.indices[0];
      expect(b.x[5 * 3 + 2]).toBeCloseTo((set.images[(k * 64 + 5) * 3 + 2] / 255 - stats.mean[2]) / stats.std[2], 5);
      seen.push(...b.indices);
    }
    expect(seen.slice().sort((p, q) => p - q)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(bt.epoch).toBe(1);
    bt.next();
    expect(bt.epoch).toBe(2);
  });

  it('epochBatches covers the set once with a smaller last batch; limit caps the images used', () => {
    const sizes = [...make(2, false, 32).epochBatches()].map((b) => b.size);
    expect(sizes).toEqual([32, 32, 32, 4]);
    const limited = new Batcher(set, { batchSize: 8, rng: new Rng(0), ...stats, augment: false, limit: 20 });
    const idx = [...limited.epochBatches()].flatMap((b) => Array.from(b.indices));
    expect(idx.slice().sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('augmentation keeps the order, keeps shapes, and every image is a padded shift, maybe mirrored', () => {
    const plain = make(9, false), aug = make(9, true);
    const pad = cropPadding(8);
    let changed = 0;
    for (let i = 0; i < 5; i++) {
      const p = plain.next(), a = aug.next();
      expect(a.indices).toEqual(p.indices);
      expect(a.x.length).toBe(p.x.length);
      for (let k = 0; k < a.size; k++) {
        const got = a.x.subarray(k * 192, (k + 1) * 192);
        const lut = normalizationTable(IDENTITY.mean, IDENTITY.std);
        const candidates: Float32Array[] = [];
        for (let dy = -pad; dy <= pad; dy++)
          for (let dx = -pad; dx <= pad; dx++)
            for (const flip of [false, true]) {
              const raw = new Float32Array(192);
              writeImage(set.images, a.indices[k] * 192, set, lut, raw, 0, { dx, dy, flip });
              candidates.push(raw.map((v, j) => (v / 255 - stats.mean[j % 3]) / stats.std[j % 3]));
            }
        const match = candidates.findIndex((c) => c.every((v, j) => Math.abs(v - got[j]) < 1e-4));
        expect(match).toBeGreaterThanOrEqual(0);
        if (match !== pad * (2 * pad + 1) * 2 + pad * 2) changed++; // not (0, 0, no flip)
      }
    }
    expect(changed).toBeGreaterThan(30);
  });
});

describe('evalBatches', () => {
  it('goes through the set in order without augmentation, up to the limit', () => {
    const set = handMade(25, 8);
    const batches = [...evalBatches(set, 10, [0], [1 / 255])];
    expect(batches.map((b) => b.size)).toEqual([10, 10, 5]);
    expect(Array.from(batches[2].indices)).toEqual([20, 21, 22, 23, 24]);
    expect(Array.from(batches[1].x.subarray(0, 64), Math.round)).toEqual(Array.from(set.images.subarray(640, 704)));
    expect([...evalBatches(set, 10, [0], [1], 12)].map((b) => b.size)).toEqual([10, 2]);
  });
});

describe('channelStats', () => {
  it('gives per-channel mean and std in [0, 1] units', () => {
    const set: ImageSet = { images: Uint8Array.of(0, 255, 255, 255, 0, 255, 255, 255), labels: Uint8Array.of(0, 1), count: 2, height: 1, width: 2, channels: 2 };
    const { mean, std } = channelStats(set);
    expect(mean).toEqual([0.5, 1]);
    expect(std[0]).toBeCloseTo(0.5, 10);
    expect(std[1]).toBe(1e-3); // constant channel: floored, never 0
  });
});
