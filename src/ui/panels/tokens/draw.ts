// Sample images with the token selector's choice, one pixel per image pixel (CSS scales them up):
// kept patches at full brightness, dropped patches dimmed. Images sit side by side with a gap.
import { pack, type Rgb } from '../../canvas/lut';

export interface TokenLayout {
  gap: number;
  width: number;
  height: number;
}

export interface SampleSet {
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

const DIM = 0.8;

export function tokenLayout(s: SampleSet, gap = 2): TokenLayout {
  return { gap, width: s.count * s.width + (s.count - 1) * gap, height: s.height };
}

/**
 * kept: samples × k patch indices (row-major over the patch grid), or null when the selector is
 * off (every patch kept). bg: the colour of the gaps; dim: what dropped patches fade towards.
 */
export function drawTokens(
  out: Uint32Array, s: SampleSet, L: TokenLayout, patchSize: number,
  kept: Int32Array | null, k: number, bg: Rgb, dim: Rgb,
): void {
  out.fill(pack(bg[0], bg[1], bg[2]));
  const grid = Math.max(1, Math.floor(s.width / patchSize));
  const patches = grid * Math.max(1, Math.floor(s.height / patchSize));
  const keep = new Uint8Array(patches);
  const px = s.width * s.height * s.channels;
  const rgb = s.channels === 3;
  for (let n = 0; n < s.count; n++) {
    keep.fill(kept ? 0 : 1);
    if (kept) for (let j = 0; j < k; j++) {
      const p = kept[n * k + j];
      if (p >= 0 && p < patches) keep[p] = 1;
    }
    const x0 = n * (s.width + L.gap);
    for (let y = 0; y < s.height; y++) {
      const py = Math.min(grid - 1, (y / patchSize) | 0);
      for (let x = 0; x < s.width; x++) {
        const o = n * px + (y * s.width + x) * s.channels;
        let r = s.images[o], g = rgb ? s.images[o + 1] : r, b = rgb ? s.images[o + 2] : r;
        if (!keep[py * grid + Math.min(grid - 1, (x / patchSize) | 0)]) {
          r += (dim[0] - r) * DIM; g += (dim[1] - g) * DIM; b += (dim[2] - b) * DIM;
        }
        out[y * L.width + x0 + x] = pack(r | 0, g | 0, b | 0);
      }
    }
  }
}
