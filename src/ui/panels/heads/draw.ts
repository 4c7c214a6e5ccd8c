// Heads: a blocks × heads grid (live heads coloured by their Taylor importance, removed heads
// blank, just-swapped ones highlighted) and a timeline of live heads, one column per frame.
import type { Palette } from '../../canvas/palette';

/** out: H × depth pixels. Scores are normalised by the largest finite score. */
export function drawHeadGrid(
  out: Uint32Array, depth: number, H: number,
  alive: Uint8Array | null, scores: Float32Array | null, fade: Int8Array | null, pal: Palette,
): void {
  let max = 0;
  if (scores) for (let i = 0; i < scores.length; i++) if (Number.isFinite(scores[i]) && scores[i] > max) max = scores[i];
  for (let i = 0; i < depth * H; i++) {
    const live = alive ? alive[i] === 1 : true;
    const f = fade ? fade[i] : 0;
    if (f > 0) out[i] = pal.px.grown[f];
    else if (f < 0) out[i] = pal.px.pruned[-f];
    else if (!live) out[i] = pal.px.off;
    else {
      const s = scores && max > 0 && Number.isFinite(scores[i]) ? scores[i] / max : 0.6;
      out[i] = pal.seq[Math.round(64 + 191 * Math.max(0, Math.min(1, s)))];
    }
  }
}

/** Height in pixels of the timeline: one row per head, one blank row between blocks. */
export const timelineHeight = (depth: number, H: number): number => depth * H + Math.max(0, depth - 1);

/**
 * out: width × timelineHeight pixels; x is training progress (pixel x covers steps up to
 * (x+1)/width of the run). Each pixel shows the latest state in its span, and a grow (2) or prune
 * (3) anywhere in the span; pixels past the last column stay empty. Codes: 0 off, 1 live.
 */
export function drawHeadTimeline(
  out: Uint32Array, width: number, columns: Uint8Array[], steps: number[], totalSteps: number,
  depth: number, H: number, pal: Palette,
): void {
  const colours = [pal.px.off, pal.px.on, pal.px.grown[pal.px.grown.length - 1], pal.px.pruned[pal.px.pruned.length - 1]];
  out.fill(pal.px.empty);
  const n = columns.length;
  if (!n || totalSteps <= 0) return;
  const rows = depth * H;
  const cur = new Uint8Array(rows); // 0 off, 1 live
  const ev = new Uint8Array(rows); // 0 none, 2 grown, 3 pruned (last in the span)
  const lastStep = steps[n - 1];
  let j = 0;
  for (let x = 0; x < width; x++) {
    if ((x / width) * totalSteps > lastStep) break;
    const hi = ((x + 1) / width) * totalSteps;
    ev.fill(0);
    while (j < n && steps[j] <= hi) {
      const col = columns[j++];
      for (let i = 0; i < rows; i++) {
        const v = col[i];
        cur[i] = v === 1 || v === 2 ? 1 : 0;
        if (v >= 2) ev[i] = v;
      }
    }
    if (j === 0) continue;
    for (let b = 0; b < depth; b++) {
      for (let h = 0; h < H; h++) {
        const i = b * H + h;
        out[(b * (H + 1) + h) * width + x] = colours[ev[i] || cur[i]];
      }
    }
  }
}
