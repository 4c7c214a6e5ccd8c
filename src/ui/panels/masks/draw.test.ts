import { describe, expect, it } from 'vitest';
import { palette } from '../../canvas/palette';
import { drawHeadTimeline, timelineHeight } from '../heads/draw';
import { drawMask, maskGeometry, maskStats } from './draw';

const p = palette('light');

describe('drawMask', () => {
  it('draws one pixel per weight with grown and pruned highlights', () => {
    const bits = Uint8Array.from([0b00000101]); // entries 0 and 2 active of 2×4
    const fade = new Int8Array(8);
    fade[2] = 3; // just grown
    fade[1] = -2; // just pruned
    const g = maskGeometry(2, 4);
    expect(g).toEqual({ width: 4, height: 2, factor: 1 });
    const out = new Uint32Array(8);
    drawMask(out, { bits, rows: 2, cols: 4, fade }, g, p.px);
    expect(out[0]).toBe(p.px.on);
    expect(out[1]).toBe(p.px.pruned[2]);
    expect(out[2]).toBe(p.px.grown[3]);
    expect(out[3]).toBe(p.px.off);
    expect(maskStats({ bits, rows: 2, cols: 4, fade })).toEqual({ active: 2, total: 8, grown: 1, pruned: 1 });
  });

  it('downsamples big layers to their live fraction per block', () => {
    const rows = 4, cols = 4;
    const bits = Uint8Array.from([0xff, 0x00]); // first two rows active
    const g = maskGeometry(rows, cols, 2);
    expect(g).toEqual({ width: 2, height: 2, factor: 2 });
    const out = new Uint32Array(4);
    drawMask(out, { bits, rows, cols, fade: null }, g, p.px);
    expect([out[0], out[2]]).toEqual([p.px.ramp[255], p.px.ramp[0]]);
  });
});

describe('drawHeadTimeline', () => {
  it('maps steps to x and marks swaps', () => {
    const depth = 1, H = 2, width = 4;
    const out = new Uint32Array(width * timelineHeight(depth, H));
    // step 0: both live; step 2: head 1 pruned (3), head 0 live
    drawHeadTimeline(out, width, [Uint8Array.from([1, 1]), Uint8Array.from([1, 3])], [0, 2], 4, depth, H, p);
    expect(out[0]).toBe(p.px.on); // x 0, head 0
    expect(out[width + 1]).toBe(p.px.pruned[p.px.pruned.length - 1]); // x 1 covers step 2: head 1 pruned
    expect(out[width + 3]).toBe(p.px.empty); // past the last step: empty
  });
});
