import { describe, expect, it } from 'vitest';
import { change, pct, points } from './format';

describe('format', () => {
  it('writes a FLOPs saving as a signed change, and no saving as ±0% (never −0.0%)', () => {
    expect(change(0.4621)).toBe('−46.2%');
    expect(change(0)).toBe('±0%');
    expect(change(0.00004)).toBe('±0%'); // rounds to nothing
    expect(change(-0.031)).toBe('+3.1%'); // costs more than dense
    expect(change(NaN)).toBe('–');
    expect(pct(null)).toBe('–');
  });

  it('writes an accuracy gap in signed points, and none as ±0.0 (never −0.0)', () => {
    expect(points(0.037)).toBe('+3.7 points');
    expect(points(-0.0104)).toBe('−1.0 points');
    expect(points(-0.0004)).toBe('±0.0 points');
    expect(points(NaN)).toBe('–');
  });
});
