// Shapes every loader returns, so the trainer never cares where images came from.
import type { DatasetName } from '../config';

/** Images as uint8, HWC, row-major, one image after another. */
export interface ImageSet {
  images: Uint8Array; // count * height * width * channels
  labels: Uint8Array; // count
  count: number;
  height: number;
  width: number;
  channels: number;
}

export interface Dataset {
  name: DatasetName;
  classNames: string[];
  train: ImageSet;
  test: ImageSet;
  /** Per-channel mean and std of the training pixels, in [0, 1] units, for normalisation. */
  mean: number[];
  std: number[];
  /** What the user should know about how the set was assembled (e.g. a partial CIFAR-10). */
  notes?: string[];
}

/** A loader's clear complaint about one file: which file, what was expected, what was found. */
export class DataFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'DataFileError';
  }
}
