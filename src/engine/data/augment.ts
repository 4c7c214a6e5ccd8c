// Normalisation and the CIFAR-style augmentation (random crop with zero padding, then random
// horizontal flip), written pixel by pixel into the batch buffer: no intermediate images.
import type { Rng } from '../rng';

/** Crop padding: 4 px at 32×32, as in the usual CIFAR recipe, scaled with the image side. */
export const cropPadding = (imageSize: number): number => Math.round(imageSize / 8);

/** Shift of the crop window relative to the original image, and whether to mirror it. */
export interface CropFlip {
  dx: number; // in [-pad, pad]
  dy: number;
  flip: boolean;
}

export function drawCropFlip(rng: Rng, pad: number): CropFlip {
  const dy = rng.int(2 * pad + 1) - pad;
  const dx = rng.int(2 * pad + 1) - pad;
  return { dx, dy, flip: rng.next() < 0.5 };
}

/** lut[c * 256 + v] = (v / 255 - mean[c]) / std[c]: one lookup per pixel instead of arithmetic. */
export function normalizationTable(mean: number[], std: number[]): Float32Array {
  const lut = new Float32Array(mean.length * 256);
  for (let c = 0; c < mean.length; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean[c]) / std[c];
  return lut;
}

export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
}

/**
 * Writes image `src[srcAt ...]` (HWC bytes) normalised into `out[outAt ...]`.
 * With a crop/flip: out(y, x) = src(y + dy, x' + dx), x' = flip ? W-1-x : x; outside the
 * image the pixel is a zero byte (black, as torchvision pads before normalising).
 */
export function writeImage(
  src: Uint8Array, srcAt: number, g: ImageGeometry, lut: Float32Array,
  out: Float32Array, outAt: number, t: CropFlip | null,
): void {
  const { height: H, width: W, channels: C } = g;
  if (!t) {
    const n = H * W * C;
    for (let i = 0; i < n; i += C) for (let c = 0; c < C; c++) out[outAt + i + c] = lut[c * 256 + src[srcAt + i + c]];
    return;
  }
  for (let y = 0; y < H; y++) {
    const sy = y + t.dy;
    for (let x = 0; x < W; x++) {
      const sx = (t.flip ? W - 1 - x : x) + t.dx;
      const o = outAt + (y * W + x) * C;
      const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
      const s = srcAt + (sy * W + sx) * C;
      for (let c = 0; c < C; c++) out[o + c] = lut[c * 256 + (inside ? src[s + c] : 0)];
    }
  }
}
