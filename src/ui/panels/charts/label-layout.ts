// Where to write each point's name on a scatter chart so that no two names overlap and none covers a
// point: the paper figure's points crowd together (ten methods within a point of accuracy on
// fmnist). Greedy, top point first: beside the point, then stepping up and down, right side first;
// a name moved off its point's row gets a leader line back to it.

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface LabelRequest {
  /** The point, in pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedLabel {
  /** Where the text's left edge and vertical middle go. */
  x: number;
  y: number;
  box: Box;
  /** The label sits away from its point's row: draw a line from the point to it. */
  leader: boolean;
  /** No free place was found; the label overlaps something. */
  crowded: boolean;
}

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
const inside = (a: Box, b: Box): boolean => a.x0 >= b.x0 && a.x1 <= b.x1 && a.y0 >= b.y0 && a.y1 <= b.y1;

/** Labels for `requests`, in their order; `gap` is the space between a point and its name, `marker` a
 *  point's radius. `avoid` (error bars) is kept clear where a place allows it. */
export function placeLabels(requests: LabelRequest[], bounds: Box, gap: number, marker: number, avoid: Box[] = []): PlacedLabel[] {
  const markers = requests.map((r): Box => ({ x0: r.x - marker, y0: r.y - marker, x1: r.x + marker, y1: r.y + marker }));
  const taken: Box[] = [];
  const out: PlacedLabel[] = new Array(requests.length);
  const order = requests.map((_, i) => i).sort((a, b) => requests[a].y - requests[b].y || requests[a].x - requests[b].x);
  for (const i of order) {
    const r = requests[i];
    const candidate = (side: 1 | -1, step: number): Box => {
      const x0 = side > 0 ? r.x + gap : r.x - gap - r.width;
      const cy = r.y + step * (r.height + 2);
      return { x0, y0: cy - r.height / 2, x1: x0 + r.width, y1: cy + r.height / 2 };
    };
    /** The nearest free place within `reach` rows of the point, right side first. */
    const firstFree = (obstacles: Box[], reach: number): { box: Box; step: number } | null => {
      for (let k = 0; k <= reach; k++)
        for (const step of k === 0 ? [0] : [-k, k])
          for (const side of [1, -1] as const) {
            const box = candidate(side, step);
            if (inside(box, bounds) && !obstacles.some((t) => overlaps(t, box))) return { box, step };
          }
      return null;
    };
    // Off the error bars only where that is near; a long leader line reads worse than a crossed bar.
    const chosen = firstFree([...taken, ...markers, ...avoid], 1) ?? firstFree([...taken, ...markers], 12);
    // None free: beside the point on the side with more room (the chart cuts the name to fit).
    const box = chosen?.box ?? candidate(bounds.x1 - r.x >= r.x - bounds.x0 ? 1 : -1, 0);
    taken.push(box);
    out[i] = { x: box.x0, y: (box.y0 + box.y1) / 2, box, leader: Math.abs(chosen?.step ?? 0) > 0, crowded: !chosen };
  }
  return out;
}
