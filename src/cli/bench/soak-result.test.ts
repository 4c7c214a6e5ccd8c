// The soak's verdict rests on soakGrowth: medians of three samples at each end, so one sample
// caught mid-step moves nothing, while a steady climb shows in full.
import { describe, expect, it } from 'vitest';
import { soakGrowth, type SoakSample } from './soak-result';

const sample = (minute: number, pageHeapUsed: number, tensorsFrame: number | null = 98): SoakSample => ({
  minute, step: minute * 100, pageHeapUsed, pageBacking: 0, domNodes: 1000, workerHeapUsed: 2e6, workerBacking: 5e7,
  tensorsFrame, tensorsNow: tensorsFrame, rendererRss: 4e8, load1: 1,
});

const heap = (xs: number[]): number => soakGrowth(xs.map((h, m) => sample(m, h)), 5).find((g) => g.metric === 'page JS heap')?.growth ?? NaN;

describe('soakGrowth', () => {
  it('compares the medians around the baseline minute and of the last three samples', () => {
    // minutes 0..10; baseline 5 → minutes 4, 5, 6 (median 100); end → minutes 8, 9, 10 (median 110)
    expect(heap([50, 60, 70, 80, 90, 100, 120, 105, 108, 110, 112])).toBeCloseTo(0.1, 10);
  });

  it('ignores one outlier at either end', () => {
    expect(heap([1, 1, 1, 1, 100, 500, 100, 100, 100, 900, 100])).toBe(0);
  });

  it('reports a steady climb in full', () => {
    expect(heap(Array.from({ length: 31 }, (_, m) => 100 + m))).toBeCloseTo((129 - 105) / 105, 10);
  });

  it('leaves out a metric that was not read at both ends', () => {
    const samples = Array.from({ length: 11 }, (_, m) => sample(m, 100, m > 8 ? null : 98));
    expect(soakGrowth(samples, 5).map((g) => g.metric)).not.toContain('tfjs tensors (at a frame)');
  });
});
