// Training curves: loss, test accuracy, sparsity (density, fired, dr(t) at updates), learning rate.
import uPlot from 'uplot';
import { palette } from '../../canvas/palette';
import { EVAL, PER_FRAME, SCALAR, runData } from '../../frames/run-data';
import { scheduledUpdateFraction, selectorOn } from '../../../engine/facts';
import { useActiveConfig, useTheme } from '../../store';
import { UChart, type ChartSpec } from './UChart';
import { axes, base, dots, fmt, fmtExp, line, pctValue } from './options';

const H = 150;
/** Density and fired change only at topology updates: held flat until the next row, never ramped. */
const held = uPlot.paths.stepped!({ align: 1 });

export function Charts() {
  const theme = useTheme();
  const c = useActiveConfig();
  const p = palette(theme);
  const steps = c.steps;
  const sparse = c.method !== 'dense';
  const tokens = selectorOn(c);

  const loss: ChartSpec = {
    options: () => ({
      ...base(p, steps),
      axes: axes(p, { values: (_u, t) => t.map((v) => v.toFixed(2)) }),
      series: [{ label: 'step' }, line('loss', p.series[0] + '66', { width: 1, value: fmt(4) }), line('smoothed', p.series[0], { width: 2, value: fmt(4) })],
      // One row (min = max) would give uPlot an empty range, whose ticks never end: pad it.
      scales: { ...base(p, steps).scales, y: { range: (_u, min, max) => (max > min ? [Math.max(0, min), max] : [Math.max(0, min - 0.5), max + 0.5]) } },
    }),
    data: () => {
      const [x, ...cols] = runData.scalars.view();
      return [x, cols[SCALAR.loss], cols[SCALAR.lossEma]];
    },
    rows: () => runData.scalars.length,
  };

  const accuracy: ChartSpec = {
    options: () => ({
      ...base(p, steps),
      axes: axes(p, { values: (_u, t) => t.map((v) => `${Math.round(100 * v)}%`) }, { scale: 'loss', values: (_u, t) => t.map((v) => v.toFixed(2)) }),
      scales: { ...base(p, steps).scales, y: { range: [0, 1] }, loss: { range: (_u, min, max) => [Math.max(0, min * 0.9), max * 1.1 || 1] } },
      series: [{ label: 'step' }, line('test acc.', p.good, { width: 2, value: pctValue, points: { show: true, size: 6 } }),
        line('test loss', p.warn, { scale: 'loss', dash: [4, 3], value: fmt(4), points: { show: true, size: 4 } })],
    }),
    data: () => {
      const [x, ...cols] = runData.evals.view();
      return [x, cols[EVAL.accuracy], cols[EVAL.loss]];
    },
    rows: () => runData.evals.length,
  };

  const sparsity: ChartSpec = {
    options: () => ({
      ...base(p, steps),
      axes: axes(p, { values: (_u, t) => t.map((v) => v.toFixed(2)) }, { scale: 'dr', label: 'dr(t)', values: (_u, t) => t.map((v) => v.toFixed(2)) }),
      scales: { ...base(p, steps).scales, y: { range: [0, 1.02] }, dr: { range: [0, Math.max(0.05, c.updateFraction * 1.1)] } },
      series: [{ label: 'step' }, line('density', p.series[0], { width: 2, value: fmt(3), paths: held }), line('fired', p.series[1], { value: fmt(3), paths: held }),
        line('dr(t) plan', p.muted, { scale: 'dr', dash: [3, 3], width: 1, value: fmt(3) }),
        dots('update', p.warn, { scale: 'dr', value: fmt(3) })],
    }),
    data: () => {
      const [x, ...cols] = runData.perFrame.view();
      const plan = Float64Array.from(x, (step) => scheduledUpdateFraction(c, step));
      return [x, cols[PER_FRAME.density], cols[PER_FRAME.fired], plan, cols[PER_FRAME.drUpdate]];
    },
    rows: () => runData.perFrame.length,
  };

  const lr: ChartSpec = {
    options: () => ({
      ...base(p, steps),
      axes: axes(p, { values: (_u, t) => t.map((v) => v.toExponential(0)), size: 50 }, tokens ? { scale: 'tau', label: 'τ' } : undefined),
      scales: { ...base(p, steps).scales, ...(tokens ? { tau: { range: [0, 10.5] } } : {}) },
      series: [{ label: 'step' }, line('lr', p.series[2], { width: 2, value: fmtExp }), ...(tokens ? [line('τ', p.series[1], { scale: 'tau', value: fmt(2) })] : [])],
    }),
    data: () => {
      const [x, ...cols] = runData.scalars.view();
      return tokens ? [x, cols[SCALAR.lr], cols[SCALAR.tau]] : [x, cols[SCALAR.lr]];
    },
    rows: () => runData.scalars.length,
  };

  const deps = [theme, steps, c.method, c.updateFraction, c.updateInterval, c.updateEnd, tokens];
  return (
    <div className="charts">
      <figure className="card chart-card">
        <figcaption>Training loss</figcaption>
        <UChart spec={loss} height={H} testid="chart-loss" deps={deps} empty="Start a run to see the loss" />
      </figure>
      <figure className="card chart-card">
        <figcaption>Test accuracy <span className="muted">at each evaluation{c.evalEvery > 0 && c.evalEvery < c.steps ? ` (every ${c.evalEvery} steps and at the end)` : ' (at the end)'}</span></figcaption>
        <UChart spec={accuracy} height={H} testid="chart-accuracy" deps={deps} empty="Appears at the first evaluation" />
      </figure>
      <figure className="card chart-card">
        <figcaption>Sparsity <span className="muted">{sparse ? 'global density, fired (explored) fraction, dr(t) at topology updates' : 'dense: every weight trains'}</span></figcaption>
        <UChart spec={sparsity} height={H} testid="chart-sparsity" deps={deps} empty={sparse ? 'Density and topology updates appear here' : 'Density is 1 for dense training'} />
      </figure>
      <figure className="card chart-card">
        <figcaption>Learning rate{tokens ? ' and selector temperature τ' : ''} <span className="muted">warmup + cosine</span></figcaption>
        <UChart spec={lr} height={H} testid="chart-lr" deps={deps} empty="The schedule appears as the run goes" />
      </figure>
    </div>
  );
}
