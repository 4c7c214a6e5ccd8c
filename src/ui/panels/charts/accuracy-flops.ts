// The paper's figure: test accuracy against FLOPs saved, one point per method with a ±std bar and
// its name. Used for the benchmark's figure (scripts/paper-figure.ts) and fit for comparing runs.
import uPlot from 'uplot';
import { placeLabels } from './label-layout';
import { dots } from './options';

export interface AccuracyPoint {
  name: string;
  /** FLOPs saved, percent. */
  saved: number;
  /** Test accuracy and its spread over seeds, percent. */
  accuracy: number;
  std: number;
  colour: string;
}

/** Methods share a colour by family: dense, SViTE, S²ViTE, SViTE+. */
export const FAMILY_COLOURS: Record<string, string> = { dense: '#111827', SViTE: '#2563eb', 'S²ViTE': '#dc2626', 'SViTE+': '#16a34a' };
export const familyColour = (name: string): string => FAMILY_COLOURS[name.split(' ')[0]] ?? '#6b7280';

/** `text`, cut to `width` pixels with an ellipsis when it is wider. */
function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(`${text.slice(0, n)}…`).width > width) n--;
  return `${text.slice(0, n)}…`;
}

export function accuracyFlopsChart(el: HTMLElement, points: AccuracyPoint[], size: { title: string; width: number; height: number; xLabel?: string; yLabel?: string }): uPlot {
  // uPlot's x is one ascending array; each point is its own series, null elsewhere.
  const xs = [...new Set(points.map((p) => p.saved))].sort((a, b) => a - b);
  const data: uPlot.AlignedData = [xs, ...points.map((p) => xs.map((x) => (x === p.saved ? p.accuracy : null)))];
  const lo = Math.min(...points.map((p) => p.accuracy - p.std)), hi = Math.max(...points.map((p) => p.accuracy + p.std));
  const labelFont = `${12 * devicePixelRatio}px system-ui, sans-serif`;
  return new uPlot({
    title: size.title, width: size.width, height: size.height,
    scales: { x: { time: false, range: [Math.min(0, ...xs) - 3, Math.max(...xs) + 20] }, y: { range: [Math.floor(lo - 2), Math.ceil(hi + 2)] } },
    axes: [{ label: size.xLabel ?? 'FLOPs saved (%)' }, { label: size.yLabel ?? 'test accuracy (%)' }],
    legend: { show: false },
    series: [{}, ...points.map((p) => dots(p.name, p.colour, { points: { show: true, size: 9, stroke: p.colour, fill: p.colour } }))],
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.font = labelFont;
        ctx.lineWidth = 1.5 * devicePixelRatio;
        const gap = 8 * devicePixelRatio, lineHeight = 14 * devicePixelRatio;
        const bounds = { x0: u.bbox.left, y0: u.bbox.top, x1: u.bbox.left + u.bbox.width, y1: u.bbox.top + u.bbox.height };
        const at = points.map((p) => ({ x: u.valToPos(p.saved, 'x', true), y: u.valToPos(p.accuracy, 'y', true) }));
        const bars = points.map((p, i) => ({ x0: at[i].x - devicePixelRatio, x1: at[i].x + devicePixelRatio, y0: u.valToPos(p.accuracy + p.std, 'y', true), y1: u.valToPos(p.accuracy - p.std, 'y', true) }));
        const labels = placeLabels(at.map((a, i) => ({ ...a, width: ctx.measureText(points[i].name).width, height: lineHeight })), bounds, gap, 5 * devicePixelRatio, bars);
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        points.forEach((p, i) => {
          const { x, y } = at[i], label = labels[i];
          ctx.strokeStyle = ctx.fillStyle = p.colour;
          ctx.beginPath();
          ctx.moveTo(x, bars[i].y1);
          ctx.lineTo(x, bars[i].y0);
          if (label.leader) {
            // A name moved off its point's row: a thin line from the point to the name's near edge.
            ctx.moveTo(x, y);
            ctx.lineTo(label.box.x0 > x ? label.box.x0 - 2 : label.box.x1 + 2, label.y);
          }
          ctx.stroke();
          if (!label.crowded) ctx.fillText(p.name, label.x, label.y);
          else if (label.box.x0 > x) ctx.fillText(fitText(ctx, p.name, bounds.x1 - label.x), label.x, label.y);
          else {
            // No free place (a small chart): beside its point, cut at the plot's edge.
            ctx.textAlign = 'right';
            ctx.fillText(fitText(ctx, p.name, x - gap - bounds.x0), x - gap, label.y);
            ctx.textAlign = 'left';
          }
        });
        ctx.restore();
      }],
    },
  }, data, el);
}
