// Number formatting for labels: short, unit-bearing, locale-independent (screenshots and tests
// read the same text everywhere).
import { toFlops } from '../engine/flops';

/** 1234 → "1,234". */
export function int(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Engineering notation with SI prefixes: 1.25e9 → "1.25 G". */
export function si(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) if (abs >= v) return `${(n / v).toPrecision(digits)} ${u}`;
  return `${Number(n.toPrecision(digits))} `;
}

/** FLOPs from MACs, with the unit: 1.25e9 MACs → "2.51 GFLOPs". */
export const flops = (macs: number, digits = 3): string => `${si(toFlops(macs), digits)}FLOPs`;

/** 0.4321 → "43.2%". */
export function pct(x: number | null, digits = 1): string {
  if (x === null || !Number.isFinite(x)) return '–';
  return `${(100 * x).toFixed(digits)}%`;
}

/** A FLOPs saving as a change: 0.25 → "−25.0%", a cost → "+3.1%", and nothing → "±0%" (never "−0.0%"). */
export function change(saved: number, digits = 1): string {
  const text = pct(Math.abs(saved), digits);
  if (!Number.isFinite(saved) || Number(text.slice(0, -1)) === 0) return Number.isFinite(saved) ? '±0%' : text;
  return `${saved > 0 ? '−' : '+'}${text}`;
}

/** An accuracy difference in percentage points: 0.037 → "+3.7 points", −0.01 → "−1.0 points", 0 → "±0.0 points". */
export function points(diff: number, digits = 1): string {
  if (!Number.isFinite(diff)) return '–';
  const text = (100 * Math.abs(diff)).toFixed(digits);
  return `${Number(text) === 0 ? '±' : diff > 0 ? '+' : '−'}${text} points`;
}

/** A value for an input or a label: no trailing noise from float arithmetic. */
export function num(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return '–';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2);
  return String(Number(x.toPrecision(digits)));
}

/** Milliseconds → "1 h 02 min", "3 min 05 s", "12 s". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Bytes → "30.7 MB". */
export function bytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** S²ViTE's swaps so far in words: identity changes, and no-ops apart (a unit pruned and regrown at once). */
export const swapsText = (s: { changed: number; noop: number }, unit: string): string =>
  `${s.changed} ${unit} swapped${s.noop ? `, ${s.noop} no-op swap${s.noop === 1 ? '' : 's'} (pruned and regrown at once)` : ''}`;
