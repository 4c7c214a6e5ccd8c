// SViTE+ token selection on a few fixed test images: kept patches bright, dropped ones dimmed.
import { useRef } from 'react';
import { keptTokens, numPatches, selectorOn } from '../../../engine/facts';
import { hex } from '../../canvas/lut';
import { palette } from '../../canvas/palette';
import { pixelCanvas } from '../../canvas/pixels';
import { useFrameDraw } from '../../canvas/hooks';
import { runData } from '../../frames/run-data';
import { useActiveConfig, useTheme } from '../../store';
import { BaselineNote } from '../baseline/BaselineNote';
import { Panel } from '../Panel';
import { drawTokens, tokenLayout } from './draw';

export function TokensPanel() {
  const c = useActiveConfig();
  const theme = useTheme();
  const p = palette(theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const info = useRef<HTMLParagraphElement>(null);
  const na = selectorOn(c) ? null : 'Token selection is off: every patch is kept. Set the token keep ratio low enough to drop a patch for SViTE+.';

  useFrameDraw('tokens', () => {
    if (na || !canvas.current) return;
    const px = pixelCanvas(canvas.current);
    const s = runData.samples;
    if (!s) {
      const out = px.begin(6 * 16 + 5 * 2, 16);
      out.fill(p.px.empty);
      px.end();
      canvas.current.style.aspectRatio = `${6 * 16 + 5 * 2} / 16`;
      if (info.current) info.current.textContent = 'Sample test images appear when the run starts.';
      return;
    }
    const L = tokenLayout(s);
    const out = px.begin(L.width, L.height);
    const snap = runData.latest?.snapshot;
    const kept = snap?.keptTokens ?? null;
    const k = snap?.keptPerSample ?? keptTokens(c);
    drawTokens(out, s, L, c.patchSize, kept, k, hex(p.surface), hex(theme === 'dark' ? '#000000' : '#ffffff'));
    px.end();
    canvas.current.style.aspectRatio = `${L.width} / ${L.height}`;
    if (info.current)
      info.current.textContent = kept ? `${k} of ${numPatches(c)} patches kept per image (step ${snap?.step ?? 0}); the cls token is always kept` : 'Waiting for the first frame…';
  }, [theme, na, c.patchSize],
  // null between runs (reset clears the samples), so a new run's first draw is never skipped; the
  // step is part of it because the readout names it.
  () => (runData.samples ? `${runData.latest?.snapshot.step}:${runData.latest?.snapshot.keptTokens?.join(',')}` : null));

  return (
    <Panel title="Tokens (SViTE+)" testid="panel-tokens" id="panel-tokens" na={na}
      sub="fixed test images; dimmed patches are dropped by the learned selector (top-k of its scores)">
      <div className="tokens-box">
        <canvas ref={canvas} className="pixelated tokens" data-testid="canvas-tokens" />
      </div>
      <p className="readout" ref={info} />
      <BaselineNote />
    </Panel>
  );
}
