// Two or more saved runs side by side: overlaid loss, test accuracy and density against step, wall
// time or cumulative training FLOPs; a table; the accuracy-vs-FLOPs scatter (the paper's figure);
// and for two runs of one shape, the topology they share.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { palette } from '../canvas/palette';
import { useTheme } from '../store';
import { int, num, pct, si } from '../format';
import { accuracyFlopsChart, familyColour } from '../panels/charts/accuracy-flops';
import { axes, line } from '../panels/charts/options';
import { compareRow, curvesOf, distinctNames, overlapOf, type CompareX, type Overlap, type RunCurves } from './compare';
import { loadRun, type LoadedRun } from './history';
import { methodName } from './labels';

const X_LABEL: Record<CompareX, string> = { step: 'step', time: 'training time (s)', flops: 'training FLOPs' };

export function ComparePanel({ ids }: { ids: string[] }) {
  const [runs, setRuns] = useState<LoadedRun[]>([]);
  const [x, setX] = useState<CompareX>('step');
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    void Promise.all(ids.map(loadRun)).then((all) => { if (live) setRuns(all.filter((r): r is LoadedRun => r !== null)); });
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (runs.length < 2) return null;
  const curves = runs.map((r) => curvesOf(r.record, r.chunks, x));
  const names = distinctNames(runs.map((r) => r.record));
  const rows = runs.map((r, i) => ({ ...compareRow(r.record), name: names[i] }));
  return (
    <div className="compare" data-testid="compare">
      <div className="compare-controls">
        <h4>Compare {runs.length} runs</h4>
        <label>x axis{' '}
          <select value={x} onChange={(e) => setX(e.target.value as CompareX)} data-testid="compare-x">
            <option value="step">step</option><option value="time">wall time</option><option value="flops">training FLOPs</option>
          </select>
        </label>
      </div>
      <div className="compare-charts">
        <Overlay title="Training loss" testid="compare-loss" names={rows.map((r) => r.name)} series={curves.map((c) => c.loss)} x={x} />
        <Overlay title="Test accuracy" testid="compare-accuracy" names={rows.map((r) => r.name)} series={curves.map((c) => c.accuracy)} x={x} percent />
        <Overlay title="Density" testid="compare-density" names={rows.map((r) => r.name)} series={curves.map((c: RunCurves) => c.density)} x={x} />
        <Scatter runs={runs} names={names} />
      </div>
      <div className="runs-table-wrap">
        <table className="runs-table" data-testid="compare-table">
          <thead><tr><th>Run</th><th>Accuracy</th><th>Test loss</th><th>Train loss</th><th>FLOPs saved (theor.)</th><th>FLOPs saved (exec.)</th><th>ms / step</th><th>Params (nonzero / dense)</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="compare-row">
                <td>{r.name}</td><td>{pct(r.accuracy)}</td><td>{r.testLoss === null ? '–' : num(r.testLoss)}</td><td>{num(r.trainLoss)}</td>
                <td>{pct(r.savedTheoretical)}</td><td>{pct(r.savedExecuted)}</td><td>{num(r.msPerStep, 3)}</td><td>{int(r.params)} / {int(r.denseParams)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {runs.length === 2 ? <OverlapView a={runs[0]} b={runs[1]} /> : null}
    </div>
  );
}

function Overlay({ title, testid, names, series, x, percent }: { title: string; testid: string; names: string[]; series: [number[], number[]][]; x: CompareX; percent?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  useEffect(() => {
    const el = host.current!;
    const p = palette(theme);
    const data = uPlot.join(series.map(([xs, ys]) => [xs, ys] as uPlot.AlignedData));
    const xValues = (_u: uPlot, t: number[]) => t.map((v) => (x === 'time' ? (v / 1000).toFixed(v < 10_000 ? 1 : 0) : x === 'flops' ? si(v, 2) : String(v)));
    const plot = new uPlot({
      width: Math.max(240, Math.floor(el.getBoundingClientRect().width)), height: 170,
      scales: { x: { time: false } },
      axes: [{ ...axes(p, {})[0], values: xValues, label: X_LABEL[x], labelSize: 14, size: 40 }, axes(p, { values: percent ? (_u, t) => t.map((v) => `${Math.round(100 * v)}%`) : undefined })[1]],
      legend: { show: true, live: false },
      series: [{ label: X_LABEL[x] }, ...names.map((n, i) => line(n, p.series[i % p.series.length], { width: 2 }))],
    }, data, el);
    return () => plot.destroy();
  }, [series, names, x, theme, percent]);
  return <figure className="chart-card compare-chart"><figcaption>{title}</figcaption><div ref={host} data-testid={testid} /></figure>;
}

function Scatter({ runs, names }: { runs: LoadedRun[]; names: string[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current!;
    const points = runs.flatMap(({ record: r }, i) => (r.accuracy !== null && r.flops ? [{
      name: names[i], saved: 100 * r.flops.savedTheoretical, accuracy: 100 * r.accuracy, std: 0, colour: familyColour(methodName(r.config)),
    }] : []));
    if (!points.length) return;
    // A 170 px chart leaves ~110 px for the y title: "test accuracy (%)" did not fit.
    const plot = accuracyFlopsChart(el, points, { title: '', width: Math.max(240, Math.floor(el.getBoundingClientRect().width)), height: 170, yLabel: 'accuracy (%)' });
    return () => plot.destroy();
  }, [runs, names]);
  return <figure className="chart-card compare-chart"><figcaption>Accuracy vs FLOPs saved</figcaption><div ref={host} data-testid="compare-scatter" /></figure>;
}

function OverlapView({ a, b }: { a: LoadedRun; b: LoadedRun }) {
  const last = (r: LoadedRun) => [...r.snapshots].sort((p, q) => p.step - q.step).at(-1)?.snapshot;
  const sa = last(a), sb = last(b);
  const o: Overlap | string = sa && sb ? overlapOf(sa, sb) : 'A run has no saved snapshot.';
  if (typeof o === 'string') return <p className="muted" data-testid="compare-overlap">Topology overlap: {o}</p>;
  const units = (label: string, u: Overlap['heads']) => u ? <p>{label}: both keep {u.both} of {u.total} (first {u.a}, second {u.b})</p> : null;
  return (
    <div data-testid="compare-overlap">
      <h4>Shared topology at the last snapshot</h4>
      {units('Heads', o.heads)}
      {units('Neurons', o.neurons)}
      {o.layers.length ? (
        <table className="runs-table overlap-table"><thead><tr><th>Layer</th><th>Mask Jaccard</th></tr></thead>
          <tbody>{o.layers.map((l) => <tr key={l.name}><td>{l.name}</td><td>{l.jaccard.toFixed(3)}</td></tr>)}</tbody></table>
      ) : null}
    </div>
  );
}
