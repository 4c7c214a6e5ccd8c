// Density map: blocks × (qkv, proj, fc1, fc2), coloured by each layer's density, with a strip for
// its fired (ever-explored) fraction. Before a run it previews the initial allocation (ERK or
// uniform; heads/neurons kept under S²ViTE).
import { useMemo, useRef } from 'react';
import { BLOCK_LAYERS, blockParam, initialLayerDensity } from '../../../engine/facts';
import { palette } from '../../canvas/palette';
import { pixelCanvas } from '../../canvas/pixels';
import { useFrameDraw } from '../../canvas/hooks';
import { runData } from '../../frames/run-data';
import { useActiveConfig, useTheme } from '../../store';
import { pct } from '../../format';
import { Panel, Ramp } from '../Panel';
import { CELL, FIRED_PX, drawDensity } from './draw';

export function DensityPanel() {
  const c = useActiveConfig();
  const theme = useTheme();
  const p = palette(theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const cells = useRef<(HTMLSpanElement | null)[]>([]);
  const extra = useRef<HTMLParagraphElement>(null);
  const na = c.method === 'dense' ? 'Dense training: every layer has density 1. The density map appears with SViTE or S²ViTE.' : null;
  const preview = useMemo(() => initialLayerDensity(c), [c]);
  const rowH = Math.max(18, Math.min(30, Math.floor(260 / Math.max(1, c.depth))));

  useFrameDraw('density', () => {
    const el = canvas.current;
    if (!el || na) return;
    const pixels = pixelCanvas(el);
    const snap = runData.latest?.snapshot;
    const density = snap && Object.keys(snap.density).length ? snap.density : preview;
    const fired = snap && Object.keys(snap.firedDensity).length ? snap.firedDensity : null;
    const out = pixels.begin(BLOCK_LAYERS.length * CELL, c.depth);
    drawDensity(out, c.depth, density, fired, p.seq, p.px.empty);
    pixels.end();
    for (let b = 0; b < c.depth; b++) BLOCK_LAYERS.forEach((comp, k) => {
      const span = cells.current[b * BLOCK_LAYERS.length + k];
      if (!span) return;
      const name = blockParam(b, comp);
      const d = density[name], f = fired?.[name];
      span.textContent = d === undefined ? '' : `${d.toFixed(2)}${f !== undefined ? ` · ${f.toFixed(2)}` : ''}`;
      // Centred over the density part, clear of the fired strip.
      span.style.paddingRight = f !== undefined ? `${(100 * FIRED_PX) / CELL}%` : '';
      span.style.color = d !== undefined && d > 0.55 ? (theme === 'dark' ? '#0b1020' : '#ffffff') : '';
    });
    if (extra.current) {
      const pe = density['patch_embed.proj.weight'], hd = density['head.weight'];
      extra.current.textContent = pe !== undefined
        ? `patch_embed ${pe.toFixed(2)} · head ${hd?.toFixed(2) ?? '–'} · global ${pct(snap?.globalDensity ?? NaN)}${snap && fired ? `, fired ${pct(snap.globalFiredDensity)}` : ''}${snap ? '' : ' (initial allocation)'}`
        : snap ? `global density ${pct(snap.globalDensity)}` : 'initial allocation';
    }
  }, [theme, c, na, preview], () => runData.latest);

  return (
    <Panel title="Density map" testid="panel-density" id="panel-density" na={na}
      sub={c.method === 'svite' ? 'density · fired fraction per layer (the right strip shows what was ever explored)' : 'kept fraction of heads (qkv, proj) and neurons (fc1, fc2) per block'}>
      <div className="dm">
        <div className="dm-head" style={{ gridTemplateColumns: `32px repeat(${BLOCK_LAYERS.length}, 1fr)` }}>
          <span />{BLOCK_LAYERS.map((k) => <span key={k}>{k}</span>)}
        </div>
        <div className="dm-body">
          <div className="dm-rows">{Array.from({ length: c.depth }, (_, b) => <span key={b} style={{ height: rowH }}>{b}</span>)}</div>
          <div className="dm-cells" style={{ height: rowH * c.depth }}>
            <canvas ref={canvas} className="pixelated fill" data-testid="canvas-density" />
            <div className="dm-overlay" style={{ gridTemplateColumns: `repeat(${BLOCK_LAYERS.length}, 1fr)`, gridTemplateRows: `repeat(${c.depth}, 1fr)` }}>
              {Array.from({ length: c.depth * BLOCK_LAYERS.length }, (_, i) => <span key={i} ref={(el) => { cells.current[i] = el; }} />)}
            </div>
          </div>
        </div>
      </div>
      <p className="readout" ref={extra} />
      <div className="legend"><Ramp stops={p.seqStops} from="0" to="1" /></div>
    </Panel>
  );
}
