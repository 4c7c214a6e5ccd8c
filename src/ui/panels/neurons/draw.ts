// MLP neurons: one row per block, one pixel per hidden neuron; live, removed, just grown/pruned.
import type { Palette } from '../../canvas/palette';

/** out: hidden × depth pixels. alive null = all live (dense). */
export function drawNeurons(out: Uint32Array, depth: number, hidden: number, alive: Uint8Array | null, fade: Int8Array | null, px: Palette['px']): void {
  for (let i = 0; i < depth * hidden; i++) {
    const f = fade ? fade[i] : 0;
    out[i] = f > 0 ? px.grown[f] : f < 0 ? px.pruned[-f] : !alive || alive[i] ? px.on : px.off;
  }
}

/** Live neurons per block. */
export function liveCounts(depth: number, hidden: number, alive: Uint8Array | null): number[] {
  return Array.from({ length: depth }, (_, b) => {
    if (!alive) return hidden;
    let n = 0;
    for (let j = 0; j < hidden; j++) n += alive[b * hidden + j];
    return n;
  });
}
