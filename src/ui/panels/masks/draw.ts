// A weight mask as pixels: one pixel per weight (rows = input features, columns = output
// features, our [in, out] layout), or one pixel per block of weights when the layer is too big,
// coloured by the block's live fraction. Just-grown entries glow green, just-pruned red, fading.
import type { Palette } from '../../canvas/palette';

export const MAX_SIDE = 1024;

export interface MaskGeometry {
  width: number;
  height: number;
  /** Weights per pixel side (1 = one pixel per weight). */
  factor: number;
}

export function maskGeometry(rows: number, cols: number, maxSide = MAX_SIDE): MaskGeometry {
  const factor = Math.max(1, Math.ceil(Math.max(rows, cols) / maxSide));
  return { width: Math.ceil(cols / factor), height: Math.ceil(rows / factor), factor };
}

export interface MaskInput {
  bits: Uint8Array;
  rows: number;
  cols: number;
  fade: Int8Array | null;
}

/** Fills `out` (g.width × g.height pixels, row-major). */
export function drawMask(out: Uint32Array, m: MaskInput, g: MaskGeometry, px: Palette['px']): void {
  const { bits, rows, cols, fade } = m;
  if (g.factor === 1) {
    for (let i = 0; i < rows * cols; i++) {
      const on = (bits[i >> 3] >> (i & 7)) & 1;
      const f = fade ? fade[i] : 0;
      out[i] = f > 0 ? px.grown[f] : f < 0 ? px.pruned[-f] : on ? px.on : px.off;
    }
    return;
  }
  const counts = new Float32Array(g.width * g.height);
  const sizes = new Float32Array(g.width * g.height);
  const changed = new Int8Array(g.width * g.height);
  for (let r = 0; r < rows; r++) {
    const pr = ((r / g.factor) | 0) * g.width;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const p = pr + ((c / g.factor) | 0);
      counts[p] += (bits[i >> 3] >> (i & 7)) & 1;
      sizes[p] += 1;
      const f = fade ? fade[i] : 0;
      if (f !== 0 && Math.abs(f) > Math.abs(changed[p])) changed[p] = f;
    }
  }
  for (let p = 0; p < out.length; p++) {
    const f = changed[p];
    out[p] = f > 0 ? px.grown[f] : f < 0 ? px.pruned[-f] : px.ramp[Math.round((255 * counts[p]) / (sizes[p] || 1))];
  }
}

/** Active and total entries, and how many are highlighted as grown / pruned now. */
export function maskStats(m: MaskInput): { active: number; total: number; grown: number; pruned: number } {
  let active = 0, grown = 0, pruned = 0;
  const n = m.rows * m.cols;
  for (let i = 0; i < n; i++) active += (m.bits[i >> 3] >> (i & 7)) & 1;
  if (m.fade) for (let i = 0; i < n; i++) {
    if (m.fade[i] > 0) grown++;
    else if (m.fade[i] < 0) pruned++;
  }
  return { active, total: n, grown, pruned };
}
