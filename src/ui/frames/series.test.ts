import { describe, expect, it } from 'vitest';
import { decay, FADE_FRAMES, markBitChanges, markByteChanges } from './fade';
import { Series } from './series';

describe('Series', () => {
  it('grows, then halves itself and keeps every other row from then on', () => {
    const s = new Series(1, 8, 2);
    for (let i = 0; i < 8; i++) s.push(i, 10 * i);
    expect(Array.from(s.view()[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    s.push(8, 80); // full: halve to 0, 2, 4, 6 then keep every 2nd push
    expect(Array.from(s.view()[0])).toEqual([0, 2, 4, 6, 8]);
    s.push(9, 90);
    s.push(10, 100);
    expect(Array.from(s.view()[0])).toEqual([0, 2, 4, 6, 8, 10]);
    expect(s.last(0)).toBe(100);
    s.clear();
    expect(s.length).toBe(0);
  });
});

describe('fade maps', () => {
  it('lights grown and pruned bits and lets them fade', () => {
    const fade = new Int8Array(16);
    const prev = Uint8Array.from([0b00000011, 0]);
    const cur = Uint8Array.from([0b00000101, 0b10000000]);
    expect(markBitChanges(fade, prev, cur, 16)).toBe(3);
    expect(fade[1]).toBe(-FADE_FRAMES); // pruned
    expect(fade[2]).toBe(FADE_FRAMES); // grown
    expect(fade[15]).toBe(FADE_FRAMES);
    for (let i = 0; i < FADE_FRAMES - 1; i++) decay(fade);
    expect([fade[1], fade[2]]).toEqual([-1, 1]);
    expect(decay(fade)).toBe(0);
  });

  it('works per byte for heads and neurons', () => {
    const fade = new Int8Array(3);
    expect(markByteChanges(fade, Uint8Array.from([1, 0, 1]), Uint8Array.from([0, 1, 1]))).toBe(2);
    expect(Array.from(fade)).toEqual([-FADE_FRAMES, FADE_FRAMES, 0]);
  });
});
