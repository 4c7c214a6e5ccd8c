// The ten synthetic classes as signed distance functions (negative inside) in image coordinates
// [-1, 1]². Distances make anti-aliasing a one-liner at any resolution. Only +, *, floor and sqrt
// are used (no sin/cos), so the bytes are the same on every JS engine.
import type { Rng } from '../rng';

export const SYNTHETIC_CLASS_NAMES = [
  'circle', 'ring', 'square', 'cross', 'h-stripes', 'v-stripes', 'diagonal-stripes', 'checkerboard', 'triangle', 'two-dots',
];

export type Sdf = (x: number, y: number) => number;

const len = (x: number, y: number): number => Math.sqrt(x * x + y * y);
const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

/** Axis-aligned box of half-sizes (bx, by) centred at the origin. */
function box(x: number, y: number, bx: number, by: number): number {
  const qx = Math.abs(x) - bx, qy = Math.abs(y) - by;
  return len(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
}

/** Equilateral triangle of circumradius-ish r pointing up (after Inigo Quilez's 2-D SDFs). */
function triangle(x: number, y: number, r: number): number {
  const k = Math.sqrt(3);
  let px = Math.abs(x) - r, py = y + r / k;
  if (px + k * py > 0) [px, py] = [(px - k * py) / 2, (-k * px - py) / 2];
  px -= clamp(px, -2 * r, 0);
  return -len(px, py) * Math.sign(py);
}

/** Square wave along t (in periods): inside on the first half of each period. */
function stripe(t: number, period: number): number {
  const f = t - Math.floor(t);
  const d = period * Math.min(f, Math.abs(0.5 - f), 1 - f);
  return f < 0.5 ? -d : d;
}

function checker(tx: number, ty: number, period: number): number {
  const sx = stripe(tx, period), sy = stripe(ty, period);
  const d = Math.min(Math.abs(sx), Math.abs(sy));
  return (sx < 0) !== (sy < 0) ? -d : d;
}

/** A random unit vector without trig (rejection sampling in the unit disc). */
function direction(rng: Rng): [number, number] {
  for (;;) {
    const x = 2 * rng.next() - 1, y = 2 * rng.next() - 1, l = len(x, y);
    if (l > 0.1 && l <= 1) return [x / l, y / l];
  }
}

/**
 * A random instance of class `label`: position, size, thickness, period and phase are drawn here.
 * `px` is one pixel in these units, so thin strokes stay at least about a pixel wide.
 */
export function randomShape(label: number, rng: Rng, px: number): Sdf {
  const r = uniform(rng, 0.38, 0.7);
  const room = Math.max(0, 0.95 - r);
  const cx = uniform(rng, -room, room), cy = uniform(rng, -room, room);
  const stroke = (f: number): number => Math.max(0.75 * px, f * r);
  switch (label) {
    case 0: return (x, y) => len(x - cx, y - cy) - r * 0.8;
    case 1: { const w = stroke(0.14); return (x, y) => Math.abs(len(x - cx, y - cy) - r) - w; }
    case 2: { const w = stroke(0.12), b = r * 0.85; return (x, y) => Math.abs(box(x - cx, y - cy, b, b)) - w; }
    case 3: { const w = stroke(0.2); return (x, y) => Math.min(box(x - cx, y - cy, r, w), box(x - cx, y - cy, w, r)); }
    case 8: {
      const s = rng.next() < 0.5 ? 1 : -1; // pointing up or down
      return (x, y) => triangle(x - cx, s * (y - cy) - r * 0.2, r);
    }
    case 9: {
      const [ux, uy] = direction(rng);
      const d = r * uniform(rng, 0.5, 0.8), rd = Math.max(1.2 * px, r * 0.32);
      return (x, y) => Math.min(len(x - cx - ux * d, y - cy - uy * d), len(x - cx + ux * d, y - cy + uy * d)) - rd;
    }
    default: {
      // Textures (4-7) fill a random window; random period and phase defeat pixel-wise templates.
      const period = uniform(rng, 0.5, 0.75), phx = rng.next(), phy = rng.next();
      const wx = r * uniform(rng, 1.1, 1.4), wy = r * uniform(rng, 1.1, 1.4);
      const diag = rng.next() < 0.5 ? 1 : -1;
      const tex: Sdf =
        label === 4 ? (_x, y) => stripe(y / period + phy, period)
        : label === 5 ? (x) => stripe(x / period + phx, period)
        : label === 6 ? (x, y) => stripe((x + diag * y) / Math.SQRT2 / period + phx, period)
        : (x, y) => checker(x / period + phx, y / period + phy, period);
      return (x, y) => Math.max(tex(x - cx, y - cy), box(x - cx, y - cy, wx, wy));
    }
  }
}
