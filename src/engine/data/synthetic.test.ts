import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { labelCounts } from './image-set';
import { syntheticDataset } from './synthetic';
import type { Dataset, ImageSet } from './types';

/** Raw pixels standardised with the training stats, one row per image. */
function features(ds: Dataset, set: ImageSet): Float32Array {
  const f = new Float32Array(set.images.length);
  for (let i = 0; i < f.length; i++) f[i] = (set.images[i] / 255 - ds.mean[0]) / ds.std[0];
  return f;
}

// vitest's deep equality walks typed arrays element by element (slow): compare bytes instead.
const bytes = (a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameSet = (a: ImageSet, b: ImageSet): boolean =>
  bytes(a.images).equals(bytes(b.images)) && bytes(a.labels).equals(bytes(b.labels)) && a.count === b.count;

const argmax = (z: Float64Array): number => z.reduce((best, v, k) => (v > z[best] ? k : best), 0);

/** Multinomial logistic regression on raw pixels, plain SGD: the "linear model" baseline. */
function linearSoftmaxAccuracy(ds: Dataset, epochs: number): number {
  const D = ds.train.height * ds.train.width * ds.train.channels, K = 10;
  const xtr = features(ds, ds.train), xte = features(ds, ds.test);
  const W = new Float64Array(K * (D + 1)); // last column: bias
  const z = new Float64Array(K);
  const logits = (x: Float32Array, i: number): Float64Array => {
    for (let k = 0; k < K; k++) {
      let s = W[k * (D + 1) + D];
      for (let j = 0; j < D; j++) s += W[k * (D + 1) + j] * x[i * D + j];
      z[k] = s;
    }
    return z;
  };
  const rng = new Rng(0);
  for (let ep = 0; ep < epochs; ep++) {
    const lr = 0.01 / (1 + ep);
    for (const i of rng.permutation(ds.train.count)) {
      logits(xtr, i);
      const m = Math.max(...z);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (z[k] = Math.exp(z[k] - m));
      for (let k = 0; k < K; k++) {
        const g = lr * (z[k] / sum - (k === ds.train.labels[i] ? 1 : 0));
        for (let j = 0; j < D; j++) W[k * (D + 1) + j] -= g * xtr[i * D + j];
        W[k * (D + 1) + D] -= g;
      }
    }
  }
  let correct = 0;
  for (let i = 0; i < ds.test.count; i++) if (argmax(logits(xte, i)) === ds.test.labels[i]) correct++;
  return correct / ds.test.count;
}

function nearestClassMeanAccuracy(ds: Dataset): number {
  const D = ds.train.height * ds.train.width * ds.train.channels;
  const xtr = features(ds, ds.train), xte = features(ds, ds.test);
  const means = new Float64Array(10 * D), n = labelCounts(ds.train);
  for (let i = 0; i < ds.train.count; i++) for (let j = 0; j < D; j++) means[ds.train.labels[i] * D + j] += xtr[i * D + j] / n[ds.train.labels[i]];
  let correct = 0;
  const dist = new Float64Array(10);
  for (let i = 0; i < ds.test.count; i++) {
    for (let k = 0; k < 10; k++) {
      let d = 0;
      for (let j = 0; j < D; j++) d += (xte[i * D + j] - means[k * D + j]) ** 2;
      dist[k] = -d;
    }
    if (argmax(dist) === ds.test.labels[i]) correct++;
  }
  return correct / ds.test.count;
}

describe('syntheticDataset', () => {
  it('is reproducible from its seed, differs across seeds, and keeps the test set when trainCount changes', () => {
    const a = syntheticDataset({ imageSize: 16, channels: 3, seed: 7, trainCount: 200, testCount: 50 });
    const b = syntheticDataset({ imageSize: 16, channels: 3, seed: 7, trainCount: 200, testCount: 50 });
    const c = syntheticDataset({ imageSize: 16, channels: 3, seed: 8, trainCount: 200, testCount: 50 });
    const d = syntheticDataset({ imageSize: 16, channels: 3, seed: 7, trainCount: 120, testCount: 50 });
    expect(sameSet(b.train, a.train) && sameSet(b.test, a.test)).toBe(true);
    expect([b.mean, b.std]).toEqual([a.mean, a.std]);
    expect(sameSet(c.train, a.train)).toBe(false);
    expect(sameSet(d.test, a.test)).toBe(true);
    expect(a.classNames).toEqual(['circle', 'ring', 'square', 'cross', 'h-stripes', 'v-stripes', 'diagonal-stripes', 'checkerboard', 'triangle', 'two-dots']);
  });

  it('is balanced and fast: 6000 + 1000 images of 16×16 in well under a second of CPU', () => {
    const t0 = process.cpuUsage().user;
    const ds = syntheticDataset({ imageSize: 16, channels: 1, seed: 0 });
    const cpuMs = (process.cpuUsage().user - t0) / 1000;
    console.log(`synthetic 16×16×1, 7000 images: ${cpuMs.toFixed(0)} ms CPU`);
    expect(cpuMs).toBeLessThan(1000);
    expect(labelCounts(ds.train)).toEqual(new Array(10).fill(600));
    expect(labelCounts(ds.test)).toEqual(new Array(10).fill(100));
    expect(ds.mean[0]).toBeGreaterThan(0.1);
    expect(ds.std[0]).toBeGreaterThan(0.1);
  });

  it('renders at any size ≥ 8, in grey or colour', () => {
    for (const imageSize of [8, 13, 224]) {
      const ds = syntheticDataset({ imageSize, channels: 3, seed: 1, trainCount: 20, testCount: 4 });
      expect(ds.train.images.length).toBe(20 * imageSize * imageSize * 3);
      expect([ds.train.height, ds.train.width, ds.train.channels, ds.test.count]).toEqual([imageSize, imageSize, 3, 4]);
      expect(ds.mean.length).toBe(3);
      const px = ds.train.images;
      let colourful = 0; // channels of one pixel differ: the foreground colours are random
      for (let i = 0; i < px.length; i += 3) if (Math.abs(px[i] - px[i + 1]) > 40 || Math.abs(px[i] - px[i + 2]) > 40) colourful++;
      expect(colourful).toBeGreaterThan(0);
    }
    expect(() => syntheticDataset({ imageSize: 7, channels: 1, seed: 0 })).toThrow(/imageSize ≥ 8/);
  });

  it('is not linearly trivial: softmax regression and nearest class mean on raw pixels stay far from 100%', () => {
    const ds = syntheticDataset({ imageSize: 16, channels: 1, seed: 0 });
    const linear = linearSoftmaxAccuracy(ds, 5);
    const ncm = nearestClassMeanAccuracy(ds);
    console.log(`synthetic 16×16×1: linear softmax test accuracy ${linear.toFixed(3)}, nearest class mean ${ncm.toFixed(3)}`);
    expect(linear).toBeGreaterThan(0.3);
    expect(linear).toBeLessThan(0.97);
    expect(ncm).toBeLessThan(0.6);
  });
});
