// FLOPs per component as grouped horizontal bars: dense (outline), theoretical, executed.
import { COMPONENTS, toFlops, type FlopsReport } from '../../../engine/flops';
import type { Palette } from '../../canvas/palette';
import { si } from '../../format';

export const ROW_H = 22;
const LABEL_W = 78;
const VALUE_W = 64;

export const rowsOf = (r: FlopsReport): string[] =>
  COMPONENTS.filter((k) => k !== 'selector' || r.byComponent.selector.executed > 0);

/** ctx is already scaled to CSS pixels; width × rows·ROW_H. Values in FLOPs (2 × MACs). */
export function drawFlopsBars(ctx: CanvasRenderingContext2D, r: FlopsReport, width: number, p: Palette): void {
  const rows = rowsOf(r);
  ctx.clearRect(0, 0, width, rows.length * ROW_H);
  const max = Math.max(...rows.map((k) => Math.max(r.byComponent[k].dense, r.byComponent[k].executed, r.byComponent[k].theoretical)), 1);
  const w = Math.max(10, width - LABEL_W - VALUE_W);
  ctx.font = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  ctx.textBaseline = 'middle';
  rows.forEach((k, i) => {
    const t = r.byComponent[k];
    const y = i * ROW_H;
    ctx.fillStyle = p.text;
    ctx.textAlign = 'left';
    ctx.fillText(k, 0, y + ROW_H / 2);
    const x0 = LABEL_W;
    // Dense: an outlined track; theoretical and executed: filled bars inside it.
    ctx.strokeStyle = p.muted;
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y + 3.5, Math.max(1, (t.dense / max) * w), ROW_H - 7);
    ctx.fillStyle = p.accent2;
    ctx.fillRect(x0 + 1, y + 5, (t.theoretical / max) * w, 5);
    ctx.fillStyle = p.accent;
    ctx.fillRect(x0 + 1, y + 11, (t.executed / max) * w, 6);
    ctx.fillStyle = p.muted;
    ctx.textAlign = 'right';
    ctx.fillText(si(toFlops(t.executed)), width, y + ROW_H / 2);
  });
}

export function flopsUnit(macs: number): { div: number; suffix: string } {
  const f = toFlops(macs);
  if (f >= 1e9) return { div: 1e9, suffix: 'G' };
  if (f >= 1e6) return { div: 1e6, suffix: 'M' };
  return { div: 1e3, suffix: 'k' };
}
