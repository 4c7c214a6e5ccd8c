// S²ViTE heads: which heads live in each block, coloured by their Taylor importance, and a
// timeline of prune/grow events (one column per frame, one row per head).
import { useRef } from 'react';
import { palette } from '../../canvas/palette';
import { pixelCanvas } from '../../canvas/pixels';
import { useFrameDraw } from '../../canvas/hooks';
import { runData } from '../../frames/run-data';
import { swapsText } from '../../format';
import { useActiveConfig, useTheme } from '../../store';
import { BaselineNote } from '../baseline/BaselineNote';
import { Panel, Ramp, Swatch } from '../Panel';
import { drawHeadGrid, drawHeadTimeline, timelineHeight } from './draw';

const TIMELINE_MAX_PX = 360;

export function HeadsPanel() {
  const c = useActiveConfig();
  const theme = useTheme();
  const p = palette(theme);
  const grid = useRef<HTMLCanvasElement>(null);
  const timeline = useRef<HTMLCanvasElement>(null);
  const info = useRef<HTMLParagraphElement>(null);
  const axis = useRef<HTMLSpanElement>(null);
  const hover = useRef<HTMLSpanElement>(null);
  const na = c.method === 's2vite' ? null : 'Head pruning and regrowth appear with S²ViTE.';
  const H = c.numHeads, depth = c.depth;
  const cellH = Math.max(16, Math.min(26, Math.floor(200 / depth)));
  const timelinePx = Math.max(24, Math.min(160, timelineHeight(depth, H) * 6));
  const rowPx = timelinePx / timelineHeight(depth, H);

  useFrameDraw('heads', () => {
    if (na || !grid.current || !timeline.current) return;
    const gridPx = pixelCanvas(grid.current), linePx = pixelCanvas(timeline.current);
    const snap = runData.latest?.snapshot;
    const g = gridPx.begin(H, depth);
    if (snap?.headsAlive) drawHeadGrid(g, depth, H, snap.headsAlive, snap.headScores, runData.headFade, p);
    else g.fill(p.px.off); // before a run: which heads start live is the worker's seeded draw
    gridPx.end();
    const width = Math.max(1, Math.min(TIMELINE_MAX_PX, c.steps));
    const t = linePx.begin(width, timelineHeight(depth, H));
    drawHeadTimeline(t, width, runData.heads.columns, runData.heads.steps, c.steps, depth, H, p);
    linePx.end();
    if (axis.current) axis.current.textContent = `step 0 → ${c.steps}`;
    if (info.current) {
      const live = snap?.headsAlive ? snap.headsAlive.reduce((a, v) => a + v, 0) : null;
      const scored = snap?.headScores ? snap.headScores.some(Number.isFinite) : false;
      info.current.textContent = live === null ? 'Start a run to see the heads'
        : `${live} of ${depth * H} heads live · ${scored ? swapsText(runData.swaps.heads, 'heads') : 'scores appear at the first topology update'}`;
    }
  }, [theme, na, H, depth, c.steps], () => runData.latest);

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    const h = Math.floor(((e.clientX - r.left) / r.width) * H), b = Math.floor(((e.clientY - r.top) / r.height) * depth);
    const snap = runData.latest?.snapshot;
    if (!hover.current || !snap?.headsAlive) return;
    const i = b * H + h;
    const s = snap.headScores?.[i];
    hover.current.textContent = `block ${b}, head ${h}: ${snap.headsAlive[i] ? 'live' : 'removed'}${s !== undefined && Number.isFinite(s) ? `, Taylor score ${s.toExponential(2)}` : ''}`;
  };

  return (
    <Panel title="Attention heads" testid="panel-heads" id="panel-heads" na={na}
      sub="blocks × heads: live heads coloured by Taylor importance |a·∂L/∂a|; timeline of prune / grow below">
      <div className="heads-grid">
        <div className="axis-y">{Array.from({ length: depth }, (_, b) => <span key={b} style={{ height: cellH }}>{b}</span>)}</div>
        <div className="cells" style={{ height: cellH * depth }}>
          <canvas ref={grid} className="pixelated fill" data-testid="canvas-heads" onMouseMove={onMove} />
          <div className="grid-lines" style={{ gridTemplateColumns: `repeat(${H}, 1fr)`, gridTemplateRows: `repeat(${depth}, 1fr)` }}>
            {Array.from({ length: depth * H }, (_, i) => <span key={i} />)}
          </div>
        </div>
      </div>
      <p className="readout"><span ref={info} /> <span ref={hover} className="muted" /></p>
      <div className="timeline">
        <div className="timeline-row">
          {/* One label per block, over its H rows (the blank row between blocks is the gap). */}
          <div className="axis-y" data-testid="head-timeline-axis" title="block">
            {Array.from({ length: depth }, (_, b) => (
              <span key={b} style={{ height: H * rowPx, marginBottom: b < depth - 1 ? rowPx : 0 }}>{b}</span>
            ))}
          </div>
          <canvas ref={timeline} className="pixelated" data-testid="canvas-head-timeline" style={{ width: '100%', height: `${timelinePx}px` }} />
        </div>
        <span className="axis-x muted" ref={axis} />
      </div>
      <div className="legend">
        <Ramp stops={p.seqStops.slice(1)} from="low" to="high score" />
        <Swatch color={p.css.off} label="removed" />
        <Swatch color={p.css.grown} label="grown" />
        <Swatch color={p.css.pruned} label="pruned" />
      </div>
      <BaselineNote />
    </Panel>
  );
}
