import { describe, expect, it } from 'vitest';
import { placeLabels, type Box } from './label-layout';

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

describe('chart label layout', () => {
  it('crowded points (the fmnist paper figure): no two names overlap, none covers a point, all inside', () => {
    // Ten points within a few pixels of each other, as the fmnist table's rows are.
    const pts = [[60, 200], [300, 205], [300, 210], [420, 207], [420, 212], [540, 204], [540, 214], [560, 206], [600, 210], [480, 216]];
    const bounds = { x0: 40, y0: 20, x1: 900, y1: 400 };
    const labels = placeLabels(pts.map(([x, y]) => ({ x, y, width: 160, height: 14 })), bounds, 8, 5);
    expect(labels.every((l) => !l.crowded)).toBe(true);
    for (const [i, a] of labels.entries()) {
      expect(a.box.x0 >= bounds.x0 && a.box.x1 <= bounds.x1 && a.box.y0 >= bounds.y0 && a.box.y1 <= bounds.y1).toBe(true);
      for (const b of labels.slice(i + 1)) expect(overlaps(a.box, b.box)).toBe(false);
      for (const [x, y] of pts) expect(overlaps(a.box, { x0: x - 5, y0: y - 5, x1: x + 5, y1: y + 5 })).toBe(false);
    }
    expect(labels.some((l) => l.leader)).toBe(true); // some had to move off their row
  });

  it('a lone point keeps its name on its own row, to the right; at the right edge, to the left', () => {
    const bounds = { x0: 0, y0: 0, x1: 400, y1: 300 };
    const [a] = placeLabels([{ x: 100, y: 150, width: 80, height: 14 }], bounds, 8, 5);
    expect(a).toMatchObject({ x: 108, y: 150, leader: false, crowded: false });
    const [b] = placeLabels([{ x: 380, y: 150, width: 80, height: 14 }], bounds, 8, 5);
    expect(b.box.x1).toBe(372);
    expect(b.leader).toBe(false);
  });

  it('keeps names off error bars where there is room, and still places them where there is none', () => {
    const bounds = { x0: 0, y0: 0, x1: 400, y1: 300 };
    const bar = { x0: 139, y0: 100, x1: 141, y1: 200 }; // another point's error bar, right of this one
    const [a] = placeLabels([{ x: 100, y: 150, width: 80, height: 14 }], bounds, 8, 5, [bar]);
    expect(overlaps(a.box, bar)).toBe(false);
    const wall = { x0: 0, y0: 0, x1: 400, y1: 300 };
    const [b] = placeLabels([{ x: 100, y: 150, width: 80, height: 14 }], bounds, 8, 5, [wall]);
    expect(b).toMatchObject({ x: 108, y: 150, crowded: false });
  });

  it('with no free place, says so and puts the name on the side with more room', () => {
    const bounds = { x0: 0, y0: 0, x1: 200, y1: 20 };
    const [a] = placeLabels([{ x: 150, y: 10, width: 300, height: 14 }], bounds, 8, 5);
    expect(a.crowded).toBe(true);
    expect(a.box.x1).toBe(142); // left of the point: 150 on that side, 50 on the other
  });
});
