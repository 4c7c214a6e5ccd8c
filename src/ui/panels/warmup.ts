// JIT warm-up: the first live frame of a run arrives while the worker and the GPU are at their
// busiest; drawing it with cold (interpreted) code can turn a 2 ms draw into a 20 ms task. At load,
// in idle time, each renderer runs a few times on small dummy data so its code is compiled before
// it matters. Nothing is drawn on screen. It lives with the panels because it knows every one of
// them (canvas/ stays below panels/ and imports none).
import uPlot from 'uplot';
import { palette } from '../canvas/palette';
import { drawMask, maskGeometry, maskStats } from './masks/draw';
import { drawDensity } from './density/draw';
import { drawHeadGrid, drawHeadTimeline } from './heads/draw';
import { drawNeurons } from './neurons/draw';
import { drawTokens, tokenLayout } from './tokens/draw';
import { drawConfusion } from './confusion/draw';

function renderers(): void {
  const p = palette('light');
  const rows = 32, cols = 96;
  const bits = new Uint8Array((rows * cols) / 8).map((_, i) => (i * 37) & 255);
  const fade = new Int8Array(rows * cols).map((_, i) => (i % 11) - 5);
  const g = maskGeometry(rows, cols);
  const out = new Uint32Array(rows * cols);
  drawMask(out, { bits, rows, cols, fade }, g, p.px);
  maskStats({ bits, rows, cols, fade });
  drawDensity(new Uint32Array(16 * 4), 4, { 'blocks.0.attn.qkv.weight': 0.5 }, { 'blocks.0.attn.qkv.weight': 0.7 }, p.seq, 0);
  drawHeadGrid(new Uint32Array(16), 4, 4, new Uint8Array(16).fill(1), new Float32Array(16).fill(1), new Int8Array(16), p);
  drawHeadTimeline(new Uint32Array(64 * 19), 64, Array.from({ length: 8 }, () => new Uint8Array(16).fill(1)), [0, 1, 2, 3, 4, 5, 6, 7], 16, 4, 4, p);
  drawNeurons(new Uint32Array(128), 2, 64, new Uint8Array(128).fill(1), new Int8Array(128), p.px);
  const s = { images: new Uint8Array(6 * 16 * 16), count: 6, height: 16, width: 16, channels: 1 };
  const L = tokenLayout(s);
  drawTokens(new Uint32Array(L.width * L.height), s, L, 4, new Int32Array(48), 8, [0, 0, 0], [255, 255, 255]);
  drawConfusion(new Uint32Array(100), new Int32Array(100).fill(1), 10, p.seq);
}

function chart(): void {
  const n = 64;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const y = Float64Array.from(x, (v) => Math.sin(v / 5));
  const u = new uPlot({ width: 200, height: 100, series: [{}, { stroke: 'red' }, { stroke: 'blue' }], scales: { x: { time: false } } }, [x, y, y]);
  u.batch(() => u.setData([x, y, y]));
  u.destroy();
}

export function warmUpRenderers(): void {
  const idle = (fn: () => void): void => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 2000 });
    else setTimeout(fn, 200);
  };
  let round = 0;
  const step = (): void => {
    renderers();
    if (round === 0) chart();
    if (++round < 6) idle(step);
  };
  idle(step);
}
