import { describe, expect, it } from 'vitest';
import { baselineRowIn, formatPaired, paired } from './paired';

describe('paired comparison over seeds', () => {
  it('differences on the seeds both rows have, their standard error, seeds ahead and behind', () => {
    const a = [{ seed: 3, value: 0.9 }, { seed: 4, value: 0.8 }, { seed: 5, value: 0.7 }, { seed: 9, value: 0.1 }];
    const b = [{ seed: 5, value: 0.6 }, { seed: 4, value: 0.8 }, { seed: 3, value: 0.7 }];
    const p = paired(a, b);
    expect(p.n).toBe(3);
    expect(p.mean).toBeCloseTo(0.1, 12); // (0.2 + 0 + 0.1) / 3; seed 9 has no partner
    expect(p.se).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect([p.ahead, p.behind]).toEqual([2, 0]);
    expect(formatPaired(p)).toBe('+10.0 ± 5.8 points, ahead on 2 of 3 seeds (1 tied)');
    expect(paired(a.slice(0, 1), b).se).toBeNaN();
    expect(formatPaired(paired(b, a))).toBe('−10.0 ± 5.8 points, ahead on 0 of 3 seeds (1 tied)');
    expect(paired([], b).n).toBe(0);
  });

  it("finds a row's baseline row in a table by its link, and none for rows without a baseline", () => {
    const rows = [
      { name: 'dense', link: 'v=1&p=tiny&ee=0' },
      { name: 'S²ViTE', link: 'v=1&p=tiny&ee=0&m=s2vite&ad=0.7&md=0.6' },
      { name: 'S²ViTE (0.5, 0.5) frozen', link: 'v=1&p=tiny&ee=0&m=s2vite&te=0' },
      { name: 'S²ViTE (0.7, 0.6) frozen', link: 'v=1&p=tiny&ee=0&m=s2vite&te=0&ad=0.7&md=0.6' },
      { name: 'SViTE+', link: 'v=1&p=tiny&ee=0&m=svite&tk=0.7' },
      { name: 'fixed tokens', link: 'v=1&p=tiny&ee=0&m=svite&tk=0.7&tsel=centre' },
    ];
    expect(baselineRowIn(rows, rows[1])?.name).toBe('S²ViTE (0.7, 0.6) frozen');
    expect(baselineRowIn(rows, rows[4])?.name).toBe('fixed tokens');
    expect(baselineRowIn(rows, rows[0])).toBeUndefined();
    expect(baselineRowIn(rows, rows[3])).toBeUndefined();
    expect(baselineRowIn(rows.slice(0, 3), rows[1])).toBeUndefined();
  });
});
