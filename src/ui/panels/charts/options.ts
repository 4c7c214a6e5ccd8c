// uPlot options in the studio's look: themed axes and grid, compact legend as the hover readout.
import type uPlot from 'uplot';
import type { Palette } from '../../canvas/palette';

export function axes(p: Palette, left: { label?: string; values?: uPlot.Axis['values']; size?: number }, right?: { scale: string; label?: string; values?: uPlot.Axis['values'] }): uPlot.Axis[] {
  const common = {
    stroke: p.muted,
    grid: { stroke: p.grid, width: 1 },
    ticks: { stroke: p.grid, width: 1, size: 4 },
    font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    labelFont: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  };
  const out: uPlot.Axis[] = [
    { ...common, size: 28, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) },
    { ...common, size: left.size ?? 46, label: left.label, labelSize: left.label ? 14 : 0, values: left.values },
  ];
  if (right) out.push({ ...common, scale: right.scale, side: 1, grid: { show: false }, size: 44, label: right.label, labelSize: right.label ? 14 : 0, values: right.values });
  return out;
}

export const line = (label: string, stroke: string, o: Partial<uPlot.Series> = {}): uPlot.Series => ({
  label, stroke, width: 1.5, points: { show: false }, spanGaps: true, ...o,
});

export const dots = (label: string, stroke: string, o: Partial<uPlot.Series> = {}): uPlot.Series => ({
  label, stroke, fill: stroke, width: 0, paths: () => null, points: { show: true, size: 5, stroke, fill: stroke }, ...o,
});

export const fmt = (digits: number) => (_u: uPlot, v: number | null): string =>
  v == null || !Number.isFinite(v) ? '–' : v.toFixed(digits);

export const fmtExp = (_u: uPlot, v: number | null): string => (v == null || !Number.isFinite(v) ? '–' : v.toExponential(2));

export const pctValue = (_u: uPlot, v: number | null): string => (v == null || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`);

export const base = (p: Palette, xMax: number): Pick<uPlot.Options, 'scales' | 'cursor' | 'legend'> => ({
  // The last x in the data, not uPlot's max: for a single point (one evaluation at the end) uPlot
  // pads that to twice the value, and a 100-step run's accuracy axis ran to 200.
  scales: { x: { time: false, range: (u) => [0, Math.max(xMax, Number(u.data[0]?.at(-1) ?? 0) || 0, 1)] } },
  cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 6 } },
  legend: { live: true },
});
