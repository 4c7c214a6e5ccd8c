// Live weight mask of one layer, one pixel per weight, with just-pruned / just-grown highlights.
import { useMemo, useRef } from 'react';
import { paramSpecs, sparseSpecs } from '../../../engine/model/params';
import { palette } from '../../canvas/palette';
import { pixelCanvas } from '../../canvas/pixels';
import { useFrameDraw, useWidth } from '../../canvas/hooks';
import { runData } from '../../frames/run-data';
import { useActiveConfig, useStudio, useTheme } from '../../store';
import { Fit, Minus, Plus } from '../../controls/icons';
import { int, pct } from '../../format';
import { Panel, TopologyLegend } from '../Panel';
import { drawMask, maskGeometry, maskStats } from './draw';

const short = (name: string): string => name.replace(/\.weight$/, '');

export function MasksPanel() {
  const c = useActiveConfig();
  const theme = useTheme();
  const selected = useStudio((s) => s.selectedLayer);
  const selectLayer = useStudio((s) => s.selectLayer);
  const zoom = useStudio((s) => s.maskZoom);
  const setZoom = useStudio((s) => s.setMaskZoom);
  const layers = useMemo(() => sparseSpecs(paramSpecs(c)), [c]);
  const spec = layers.find((l) => l.name === selected) ?? layers.find((l) => l.name.includes('attn.qkv')) ?? layers[0];
  const [boxRef, boxWidth] = useWidth<HTMLDivElement>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const stats = useRef<HTMLSpanElement>(null);
  const hover = useRef<HTMLSpanElement>(null);
  const na = c.method === 'svite' ? null
    : c.method === 's2vite' ? 'Masks appear with SViTE. S²ViTE removes whole heads and neurons instead: see the heads and neurons panels.'
    : 'Dense training has no masks. Masks appear with SViTE.';
  const rows = spec?.shape[0] ?? 1, cols = spec?.shape[1] ?? 1;
  const g = maskGeometry(rows, cols);
  const fit = boxWidth > 0 ? Math.max(0.25, Math.min(12, boxWidth / g.width, 360 / g.height)) : 1;
  const scale = zoom > 0 ? zoom : fit >= 1 ? Math.floor(fit) : fit;
  const p = palette(theme);

  useFrameDraw('masks', () => {
    const el = canvas.current;
    if (!el || !spec) return;
    const pixels = pixelCanvas(el);
    const out = pixels.begin(g.width, g.height);
    const m = runData.latest?.snapshot.masks.find((x) => x.name === spec.name);
    if (!m) {
      out.fill(p.px.off);
      pixels.end();
      if (stats.current) stats.current.textContent = 'Start a run to see the live mask';
      return;
    }
    const input = { bits: m.bits, rows: m.rows, cols: m.cols, fade: runData.maskFade.get(m.name) ?? null };
    drawMask(out, input, g, p.px);
    pixels.end();
    const st = maskStats(input);
    const fired = runData.latest?.snapshot.firedDensity[m.name];
    if (stats.current)
      stats.current.textContent = `active ${int(st.active)} / ${int(st.total)} (${pct(st.active / st.total)})` +
        (fired !== undefined ? ` · fired ${pct(fired)}` : '') + (st.grown + st.pruned ? ` · lit: +${int(st.grown)} / −${int(st.pruned)}` : '');
  }, [spec?.name, theme, g.width, g.height, na], () => runData.latest);

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    if (!hover.current || !spec) return;
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * g.width), y = Math.floor(((e.clientY - r.top) / r.height) * g.height);
    const m = runData.latest?.snapshot.masks.find((q) => q.name === spec.name);
    if (g.factor > 1 || !m) {
      hover.current.textContent = `in ${y * g.factor}…, out ${x * g.factor}…`;
      return;
    }
    const i = y * cols + x;
    const on = (m.bits[i >> 3] >> (i & 7)) & 1;
    const f = runData.maskFade.get(m.name)?.[i] ?? 0;
    hover.current.textContent = `in ${y}, out ${x}: ${on ? 'active' : 'pruned'}${f > 0 ? ' (just grown)' : f < 0 ? ' (just pruned)' : ''}`;
  };

  return (
    <Panel
      title="Weight masks" testid="panel-masks" id="panel-masks" na={na}
      sub={<>rows = input features, columns = output features{spec?.name.includes('qkv') ? ' (q | k | v × heads)' : ''}; {g.factor > 1 ? `one pixel per ${g.factor}×${g.factor} weights` : 'one pixel per weight'}</>}
      actions={
        <>
          <button type="button" className="icon-btn" aria-label="Zoom out" onClick={() => setZoom(Math.max(0.5, (zoom || scale) / 2))}><Minus /></button>
          <button type="button" className="icon-btn" aria-label="Zoom in" onClick={() => setZoom(Math.min(32, (zoom || scale) * 2))}><Plus /></button>
          <button type="button" className={`icon-btn${zoom === 0 ? ' on' : ''}`} aria-label="Fit" onClick={() => setZoom(0)}><Fit /></button>
        </>
      }>
      <div className="layer-row">
        <select aria-label="Layer" value={spec?.name} onChange={(e) => selectLayer(e.target.value)} data-testid="layer-select">
          {layers.map((l) => <option key={l.name} value={l.name}>{short(l.name)} [{l.shape.join('×')}]</option>)}
        </select>
      </div>
      <div className="pixel-box" ref={boxRef}>
        <canvas ref={canvas} className="pixelated" data-testid="canvas-masks" onMouseMove={onMove}
          style={{ width: `${g.width * scale}px`, height: `${g.height * scale}px` }} />
      </div>
      <TopologyLegend colors={p.css} on="active" off="inactive" />
      <p className="readout"><span ref={stats} data-testid="mask-stats" /> <span ref={hover} className="muted" /></p>
    </Panel>
  );
}
