import { describe, expect, it } from 'vitest';
import { mean, median, std } from './stats';

describe('benchmark statistics', () => {
  it('median: the middle value, the mean of the two middle ones, NaN for none; input left unsorted', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([10, 2, 4, 8])).toBe(6);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('mean and sample standard deviation', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3);
    expect(std([3])).toBe(0);
  });
});
