import { describe, expect, it } from 'vitest';
import { channelsToRgba, drawAttentionMap, rgbaToChannels } from './pixels';

describe('try-it pixels', () => {
  it('turns RGBA into grey (BT.601) or RGB, and back to opaque RGBA', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 10, 0, 0, 255, 0, 200, 200, 200, 255]);
    expect([...rgbaToChannels(rgba, 1)]).toEqual([76, 150, 29, 200]);
    const rgb = rgbaToChannels(rgba, 3);
    expect([...rgb]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 200, 200]);
    expect([...channelsToRgba(rgb, 3)]).toEqual([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 200, 200, 200, 255]);
    expect([...channelsToRgba(new Uint8Array([7, 9]), 1)]).toEqual([7, 7, 7, 255, 9, 9, 9, 255]);
    expect(() => rgbaToChannels(rgba, 2)).toThrow(/must take 1 \(grey\) or 3 \(RGB\)/);
  });

  it('colours an attention map relative to its maximum', () => {
    const lut = Uint32Array.from({ length: 256 }, (_, i) => i);
    const out = new Uint32Array(3);
    drawAttentionMap(out, new Float32Array([0.1, 0.05, 0]), lut);
    expect([...out]).toEqual([255, 128, 0]);
    drawAttentionMap(out, new Float32Array(3), lut); // all zero: the lowest colour, no NaN
    expect([...out]).toEqual([0, 0, 0]);
  });
});
