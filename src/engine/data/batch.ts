// Seeded mini-batches as plain typed arrays (NHWC float32, normalised), so the same code feeds
// tfjs in a worker, in Node, or a test without tfjs at all.
import type { Rng, RngState } from '../rng';
import { cropPadding, drawCropFlip, normalizationTable, writeImage, type CropFlip } from './augment';
import { imageBytes } from './image-set';
import type { ImageSet } from './types';

export interface Batch {
  x: Float32Array; // size * height * width * channels, NHWC, normalised
  y: Int32Array; // size
  indices: Int32Array; // which images of the set, for inspection
  size: number;
}

export interface BatcherOptions {
  batchSize: number;
  rng: Rng;
  mean: number[];
  std: number[];
  /** Random crop (zero padding round(side / 8)) + horizontal flip. */
  augment: boolean;
  /** Use only the first `limit` images (0 or absent = all). */
  limit?: number;
}

function makeBatch(set: ImageSet, indices: Int32Array, lut: Float32Array, transform: (() => CropFlip) | null): Batch {
  const n = imageBytes(set);
  const x = new Float32Array(indices.length * n);
  const y = new Int32Array(indices.length);
  for (let b = 0; b < indices.length; b++) {
    writeImage(set.images, indices[b] * n, set, lut, x, b * n, transform ? transform() : null);
    y[b] = set.labels[indices[b]];
  }
  return { x, y, indices, size: indices.length };
}

/** Where a Batcher stands: the current epoch's order, the position in it, and both streams. */
export interface BatcherState {
  order: Int32Array;
  pos: number;
  epoch: number;
  orderRng: RngState;
  augRng: RngState;
}

/**
 * Shuffled training batches. Order and augmentation draw from separate forks of the seed, so turning
 * augmentation on does not change which images land in which batch.
 */
export class Batcher {
  readonly count: number;
  /** Epochs started so far by next(). */
  epoch = 0;
  private readonly orderRng: Rng;
  private readonly augRng: Rng;
  private readonly lut: Float32Array;
  private readonly pad: number;
  private order: Int32Array = new Int32Array(0);
  private pos = 0;

  constructor(private readonly set: ImageSet, private readonly opts: BatcherOptions) {
    if (!(opts.batchSize >= 1)) throw new Error(`batchSize must be ≥ 1 (got ${opts.batchSize})`);
    this.count = opts.limit ? Math.min(opts.limit, set.count) : set.count;
    if (this.count === 0) throw new Error('Batcher: the image set is empty');
    this.orderRng = opts.rng.fork(1);
    this.augRng = opts.rng.fork(2);
    this.lut = normalizationTable(opts.mean, opts.std);
    this.pad = cropPadding(Math.min(set.height, set.width));
  }

  /** The next full batch; a batch may run across an epoch boundary, each epoch is a new permutation. */
  next(): Batch {
    const idx = new Int32Array(this.opts.batchSize);
    for (let b = 0; b < idx.length; b++) {
      if (this.pos === this.order.length) {
        this.order = this.orderRng.permutation(this.count);
        this.pos = 0;
        this.epoch++;
      }
      idx[b] = this.order[this.pos++];
    }
    return this.build(idx);
  }

  state(): BatcherState {
    return { order: this.order.slice(), pos: this.pos, epoch: this.epoch, orderRng: this.orderRng.state(), augRng: this.augRng.state() };
  }

  /** Continue from a state() of a Batcher over the same images (a resumed run). */
  setState(s: BatcherState): void {
    if (s.order.length !== 0 && s.order.length !== this.count)
      throw new Error(`the data cursor's order has ${s.order.length} entries, but this Batcher has ${this.count} images`);
    if (!(Number.isInteger(s.pos) && s.pos >= 0 && s.pos <= s.order.length))
      throw new Error(`the data cursor's position ${s.pos} is outside its order (0..${s.order.length})`);
    if (s.order.some((i) => !(i >= 0 && i < this.count)))
      throw new Error(`the data cursor's order names images outside 0..${this.count - 1}`);
    this.order = s.order.slice();
    this.pos = s.pos;
    this.epoch = s.epoch;
    this.orderRng.setState(s.orderRng);
    this.augRng.setState(s.augRng);
  }

  /** One whole epoch in a fresh order; the last batch holds the remainder. */
  *epochBatches(): Generator<Batch> {
    const order = this.orderRng.permutation(this.count);
    for (let i = 0; i < order.length; i += this.opts.batchSize) yield this.build(order.slice(i, i + this.opts.batchSize));
  }

  private build(idx: Int32Array): Batch {
    const transform = this.opts.augment ? () => drawCropFlip(this.augRng, this.pad) : null;
    return makeBatch(this.set, idx, this.lut, transform);
  }
}

/** Test-time batches in set order, no shuffling, no augmentation; `limit` caps the images. */
export function* evalBatches(set: ImageSet, batchSize: number, mean: number[], std: number[], limit?: number): Generator<Batch> {
  const lut = normalizationTable(mean, std);
  const count = limit ? Math.min(limit, set.count) : set.count;
  for (let i = 0; i < count; i += batchSize) {
    const idx = new Int32Array(Math.min(batchSize, count - i));
    for (let b = 0; b < idx.length; b++) idx[b] = i + b;
    yield makeBatch(set, idx, lut, null);
  }
}
