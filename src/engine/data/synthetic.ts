// An instant, seeded, 10-class image set that needs no download: shapes and textures at random
// position, size, contrast and colour over noise. Learnable by a small ViT, but not by a linear
// model on raw pixels (random phase and position leave no fixed template per class). Measured at
// 16×16 grey: softmax regression ≈ 0.39 test accuracy, a 2-block ViT (dim 32) ≈ 0.40 after 300
// steps of batch 32 and ≈ 0.92 after 1500.
import { Rng } from '../rng';
import { channelStats } from './normalize';
import { SYNTHETIC_CLASS_NAMES, randomShape } from './synthetic-shapes';
import type { Dataset, ImageSet } from './types';

export interface SyntheticOptions {
  imageSize: number; // ≥ 8
  channels: 1 | 3;
  seed: number;
  trainCount?: number; // default SYNTHETIC_COUNTS.train
  testCount?: number; // default SYNTHETIC_COUNTS.test
}

/** Images the built-in set renders per split, unless told otherwise. */
export const SYNTHETIC_COUNTS = { train: 6000, test: 1000 } as const;

const NUM_CLASSES = SYNTHETIC_CLASS_NAMES.length;

function renderImage(label: number, rng: Rng, size: number, channels: number, out: Uint8Array, at: number): void {
  const px = 2 / size;
  const sdf = randomShape(label, rng, px);
  const bg: number[] = [], fg: number[] = [];
  const contrast = 0.5 + 0.4 * rng.next();
  for (let c = 0; c < channels; c++) {
    bg.push(0.35 * rng.next());
    // Colour: each channel gets its own share of the contrast; grey: one level.
    fg.push(Math.min(1, bg[c] + contrast * (channels === 1 ? 1 : 0.25 + 0.75 * rng.next())));
  }
  const noise = 0.02 + 0.04 * rng.next();
  const gx = 0.1 * (rng.next() - 0.5), gy = 0.1 * (rng.next() - 0.5); // a faint lighting gradient
  let s = rng.uint32() | 1; // per-pixel noise: an inline xorshift32 seeded here, cheaper than an Rng call per value
  for (let py = 0; py < size; py++) {
    const y = (py + 0.5) * px - 1;
    for (let pxi = 0; pxi < size; pxi++) {
      const x = (pxi + 0.5) * px - 1;
      const d = sdf(x, y);
      const cover = d <= -px / 2 ? 1 : d >= px / 2 ? 0 : 0.5 - d / px; // one-pixel anti-aliased edge
      const light = gx * x + gy * y;
      const o = at + (py * size + pxi) * channels;
      for (let c = 0; c < channels; c++) {
        s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
        // Two 16-bit uniforms from one draw: triangular noise in (-1, 1).
        const v = bg[c] + (fg[c] - bg[c]) * cover + light + noise * (((s & 0xffff) + ((s >>> 16) & 0xffff)) / 65536 - 1);
        out[o + c] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
      }
    }
  }
}

function renderSet(rng: Rng, count: number, size: number, channels: number): ImageSet {
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % NUM_CLASSES; // balanced, then shuffled
  rng.shuffle(labels);
  const n = size * size * channels;
  const images = new Uint8Array(count * n);
  for (let i = 0; i < count; i++) renderImage(labels[i], rng, size, channels, images, i * n);
  return { images, labels, count, height: size, width: size, channels };
}

export function syntheticDataset(opts: SyntheticOptions): Dataset {
  const { imageSize, channels, seed, trainCount = SYNTHETIC_COUNTS.train, testCount = SYNTHETIC_COUNTS.test } = opts;
  if (!Number.isInteger(imageSize) || imageSize < 8) throw new Error(`synthetic images need imageSize ≥ 8 (got ${imageSize})`);
  if (channels !== 1 && channels !== 3) throw new Error(`synthetic images have 1 or 3 channels (got ${channels})`);
  const root = new Rng(seed);
  // Separate streams: the test set does not change when trainCount does.
  const trainRng = root.fork(1), testRng = root.fork(2);
  const train = renderSet(trainRng, trainCount, imageSize, channels);
  const test = renderSet(testRng, testCount, imageSize, channels);
  return { name: 'synthetic', classNames: [...SYNTHETIC_CLASS_NAMES], train, test, ...channelStats(train) };
}
