// The density map: blocks × components (qkv, proj, fc1, fc2). Each cell is CELL pixels wide:
// the left part coloured by the layer's current density, the right strip by its fired
// (ever-explored) fraction.
import { BLOCK_LAYERS, blockParam } from '../../../engine/facts';

export const CELL = 4;
export const FIRED_PX = 1;

const idx = (x: number): number => (x > 0 ? (x >= 1 ? 255 : (x * 255) | 0) : 0);

/** out: (BLOCK_LAYERS.length·CELL) × depth pixels. fired null = no fired strip (shows density). */
export function drawDensity(
  out: Uint32Array, depth: number,
  density: Record<string, number>, fired: Record<string, number> | null,
  seq: Uint32Array, empty: number,
): void {
  const w = BLOCK_LAYERS.length * CELL;
  for (let b = 0; b < depth; b++) {
    BLOCK_LAYERS.forEach((comp, k) => {
      const name = blockParam(b, comp);
      const d = density[name];
      const f = fired?.[name];
      for (let x = 0; x < CELL; x++) {
        const strip = x >= CELL - FIRED_PX;
        const v = strip && f !== undefined ? f : d;
        out[b * w + k * CELL + x] = v === undefined || Number.isNaN(v) ? empty : seq[idx(v)];
      }
    });
  }
}
