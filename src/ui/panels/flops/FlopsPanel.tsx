// FLOPs per component (dense vs theoretical vs executed) of the live state, and its history.
import { useMemo, useRef } from 'react';
import { flopsForConfig, toFlops } from '../../../engine/flops';
import { hidpi } from '../../canvas/pixels';
import { palette } from '../../canvas/palette';
import { useFrameDraw, useWidth } from '../../canvas/hooks';
import { PER_FRAME, runData } from '../../frames/run-data';
import { useActiveConfig, useStudio, useTheme } from '../../store';
import { change, flops } from '../../format';
import { UChart, type ChartSpec } from '../charts/UChart';
import { axes, base, line } from '../charts/options';
import { Panel, Swatch } from '../Panel';
import { ROW_H, drawFlopsBars, flopsUnit, rowsOf } from './draw';

export function FlopsPanel() {
  const c = useActiveConfig();
  const valid = useStudio((s) => s.runConfig !== null || s.issues.length === 0);
  const theme = useTheme();
  const p = palette(theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const totals = useRef<HTMLParagraphElement>(null);
  const [box, width] = useWidth<HTMLDivElement>();
  const preview = useMemo(() => (valid ? flopsForConfig(c) : null), [c, valid]);
  const unit = flopsUnit(preview?.dense ?? 1);

  useFrameDraw('flops', () => {
    const el = canvas.current;
    const r = runData.latest?.flops ?? preview;
    if (!el || !r || width <= 0) return;
    const ctx = hidpi(el, width, rowsOf(r).length * ROW_H);
    drawFlopsBars(ctx, r, width, p);
    if (totals.current)
      totals.current.textContent = `per image: dense ${flops(r.dense)} · theoretical ${flops(r.theoretical)} (${change(r.savedTheoretical)}) · executed ${flops(r.executed)} (${change(r.savedExecuted)})`;
  }, [width, theme, preview, unit.div], () => { const r = runData.latest?.flops ?? preview; return r ? `${r.theoretical}:${r.executed}:${width}` : null; });

  const history: ChartSpec = {
    options: () => ({
      ...base(p, c.steps),
      axes: axes(p, { values: (_u, t) => t.map((v) => `${Number((v / unit.div).toPrecision(3))}`), label: `${unit.suffix}FLOPs` }),
      scales: { ...base(p, c.steps).scales, y: { range: (_u, _min, max) => [0, Math.max(max || 0, toFlops(preview?.dense ?? 1)) * 1.08] } },
      series: [{ label: 'step' },
        line('dense', p.muted, { dash: [4, 3], width: 1, value: (_u, v) => (v == null ? '–' : `${(v / unit.div).toPrecision(3)} ${unit.suffix}`) }),
        line('theoretical', p.accent2, { value: (_u, v) => (v == null ? '–' : `${(v / unit.div).toPrecision(3)} ${unit.suffix}`) }),
        line('executed', p.accent, { width: 2, value: (_u, v) => (v == null ? '–' : `${(v / unit.div).toPrecision(3)} ${unit.suffix}`) })],
    }),
    data: () => {
      const [x, ...cols] = runData.perFrame.view();
      return [x, cols[PER_FRAME.dense], cols[PER_FRAME.theoretical], cols[PER_FRAME.executed]];
    },
    rows: () => runData.perFrame.length,
  };

  return (
    <Panel title="FLOPs" testid="panel-flops" id="panel-flops" na={preview ? null : 'Fix the marked settings to see FLOPs.'}
      sub="per image, forward, FLOPs = 2 × MACs. Theoretical counts nonzeros (the paper); executed is what our kernels run">
      <div ref={box} className="flops-bars">
        <canvas ref={canvas} data-testid="canvas-flops" />
      </div>
      <div className="legend">
        <Swatch color="transparent" label="dense (outline)" />
        <Swatch color={p.accent2} label="theoretical" />
        <Swatch color={p.accent} label="executed" />
      </div>
      <p className="readout" ref={totals} />
      <UChart spec={history} height={110} testid="chart-flops" deps={[theme, c.steps, unit.div, preview?.dense]} empty="History over the run" />
    </Panel>
  );
}
