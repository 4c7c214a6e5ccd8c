// Per-theme colours of the canvases, matching the CSS variables in app.css. Sequential maps are
// perceptually ordered (dark → light in dark theme reads as "more"), chosen to survive a screenshot.
import type { Theme } from './theme';
import { lut, packHex, pack, hex, mix } from './lut';
import { FADE_FRAMES } from '../frames/fade';

export interface Palette {
  theme: Theme;
  bg: string;
  surface: string;
  grid: string;
  text: string;
  muted: string;
  accent: string;
  accent2: string;
  good: string;
  bad: string;
  warn: string;
  series: string[];
  /** CSS colours of the bitmap states, for legends. */
  css: { on: string; off: string; grown: string; pruned: string };
  /** Stops of the sequential map (density, scores, confusion). */
  seqStops: string[];
  seq: Uint32Array;
  px: {
    empty: number;
    on: number;
    off: number;
    /** grown[k] / pruned[k]: k frames of highlight left (0 = none). */
    grown: Uint32Array;
    pruned: Uint32Array;
    dim: number;
    /** off → on in 256 steps (a cell's live fraction when a bitmap is shown downsampled). */
    ramp: Uint32Array;
  };
}

function fades(base: string, hi: string): Uint32Array {
  const out = new Uint32Array(FADE_FRAMES + 1);
  for (let k = 0; k <= FADE_FRAMES; k++) {
    const t = k === 0 ? 0 : 0.35 + 0.65 * (k / FADE_FRAMES);
    const [r, g, b] = mix(hex(base), hex(hi), t);
    out[k] = pack(r, g, b);
  }
  return out;
}

function make(theme: Theme): Palette {
  const dark = theme === 'dark';
  const c = dark
    ? { bg: '#0b1020', surface: '#111827', grid: '#263045', text: '#e5e7eb', muted: '#94a3b8', accent: '#38bdf8', accent2: '#a78bfa', good: '#34d399', bad: '#f87171', warn: '#fbbf24', on: '#7dd3fc', off: '#1a2336' }
    : { bg: '#f6f7fb', surface: '#ffffff', grid: '#e4e7ee', text: '#0f172a', muted: '#64748b', accent: '#0284c7', accent2: '#7c3aed', good: '#059669', bad: '#dc2626', warn: '#d97706', on: '#1e3a5f', off: '#e8edf5' };
  const seqStops = dark
    ? ['#131a2b', '#1e3a5f', '#0e7490', '#22c55e', '#fde047']
    : ['#f1f5f9', '#bae6fd', '#38bdf8', '#0369a1', '#1e1b4b'];
  const grownHi = dark ? '#4ade80' : '#16a34a';
  const prunedHi = dark ? '#f87171' : '#dc2626';
  return {
    theme, ...c,
    series: [c.accent, c.accent2, c.good, c.warn, c.bad],
    css: { on: c.on, off: c.off, grown: grownHi, pruned: prunedHi },
    seqStops,
    seq: lut(seqStops),
    px: {
      empty: packHex(c.surface),
      on: packHex(c.on),
      off: packHex(c.off),
      grown: fades(c.on, grownHi),
      pruned: fades(c.off, prunedHi),
      dim: packHex(dark ? '#000000' : '#ffffff', 255),
      ramp: lut([c.off, c.on]),
    },
  };
}

const cache = new Map<Theme, Palette>();

export function palette(theme: Theme): Palette {
  let p = cache.get(theme);
  if (!p) {
    p = make(theme);
    cache.set(theme, p);
  }
  return p;
}
