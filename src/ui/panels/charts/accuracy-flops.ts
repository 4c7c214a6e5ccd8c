// The paper's figure: test accuracy against FLOPs saved, one point per method with a ±std bar and
// its name. Used for the benchmark's figure (scripts/paper-figure.ts) and fit for comparing runs.
import uPlot from 'uplot';
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
        ctx.textBaseline = 'alphabetic'; // uPlot leaves its axes' alignment behind
        ctx.lineWidth = 1.5 * devicePixelRatio;
        points.forEach((p, i) => {
          const x = u.valToPos(p.saved, 'x', true), y = u.valToPos(p.accuracy, 'y', true);
          ctx.strokeStyle = ctx.fillStyle = p.colour;
          ctx.beginPath();
          ctx.moveTo(x, u.valToPos(p.accuracy - p.std, 'y', true));
          ctx.lineTo(x, u.valToPos(p.accuracy + p.std, 'y', true));
          ctx.stroke();
          // Alternate above/below so neighbours stay readable; near the right edge, write leftwards,
          // and a name longer than the room on that side ends in an ellipsis inside the plot.
          const gap = 8 * devicePixelRatio;
          const right = u.bbox.left + u.bbox.width - x - gap, left = x - u.bbox.left - gap;
          const leftwards = ctx.measureText(p.name).width > right && left > right;
          ctx.textAlign = leftwards ? 'right' : 'left';
          ctx.fillText(fitText(ctx, p.name, leftwards ? left : right), x + (leftwards ? -gap : gap), y + (i % 2 ? 14 : -6) * devicePixelRatio);
        });
        ctx.restore();
      }],
    },
  }, data, el);
}
