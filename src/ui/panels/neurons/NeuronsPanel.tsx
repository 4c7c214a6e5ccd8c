// S²ViTE MLP neurons: one strip per block, one pixel per hidden neuron.
import { useRef } from 'react';
import { mlpHidden } from '../../../engine/facts';
import { palette } from '../../canvas/palette';
import { pixelCanvas } from '../../canvas/pixels';
import { useFrameDraw } from '../../canvas/hooks';
import { runData } from '../../frames/run-data';
import { swapsText } from '../../format';
import { useActiveConfig, useTheme } from '../../store';
import { Panel, TopologyLegend } from '../Panel';
import { drawNeurons, liveCounts } from './draw';

export function NeuronsPanel() {
  const c = useActiveConfig();
  const theme = useTheme();
  const p = palette(theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const labels = useRef<(HTMLSpanElement | null)[]>([]);
  const swaps = useRef<HTMLParagraphElement>(null);
  const na = c.method === 's2vite' ? null : 'MLP neuron pruning appears with S²ViTE.';
  const hidden = mlpHidden(c), depth = c.depth;
  const rowH = Math.max(10, Math.min(18, Math.floor(160 / depth)));

  useFrameDraw('neurons', () => {
    if (na || !canvas.current) return;
    const px = pixelCanvas(canvas.current);
    const alive = runData.latest?.snapshot.neuronsAlive ?? null;
    const out = px.begin(hidden, depth);
    if (alive) drawNeurons(out, depth, hidden, alive, runData.neuronFade, p.px);
    else out.fill(p.px.off);
    px.end();
    const live = liveCounts(depth, hidden, alive);
    live.forEach((n, b) => {
      const el = labels.current[b];
      if (el) el.textContent = alive ? `${n}/${hidden}` : '–';
    });
    if (swaps.current) swaps.current.textContent = alive ? swapsText(runData.swaps.neurons, 'neurons') : '';
  }, [theme, na, hidden, depth], () => runData.latest);

  return (
    <Panel title="MLP neurons" testid="panel-neurons" id="panel-neurons" na={na}
      sub={`blocks × ${hidden} hidden neurons: a neuron is fc1 row j and fc2 column j, scored by their L1 norms`}>
      <div className="neurons">
        <div className="axis-y">{Array.from({ length: depth }, (_, b) => <span key={b} style={{ height: rowH }}>{b}</span>)}</div>
        <canvas ref={canvas} className="pixelated" data-testid="canvas-neurons" style={{ width: '100%', height: rowH * depth }} />
        <div className="axis-y right">{Array.from({ length: depth }, (_, b) => <span key={b} style={{ height: rowH }} ref={(el) => { labels.current[b] = el; }} />)}</div>
      </div>
      <p className="readout" ref={swaps} />
      <TopologyLegend colors={p.css} on="live" off="removed" />
    </Panel>
  );
}
