// A progress bar with ETA and rate on a terminal; plain, sparse lines when output is not a TTY.
export class Progress {
  private readonly started = Date.now();
  private lastPlain = 0;
  private readonly tty: boolean;

  constructor(private readonly total: number, private readonly unit = 'steps', private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(out.isTTY);
  }

  update(done: number, extra = ''): void {
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const pct = Math.floor((100 * done) / this.total);
    const text = `${done}/${this.total} ${this.unit} · ${rate.toFixed(2)} ${this.unit}/s · ETA ${fmtTime(eta)}${extra ? ' · ' + extra : ''}`;
    if (this.tty) {
      const width = 24;
      const fill = Math.round((width * done) / this.total);
      this.out.write(`\r\x1b[2K[${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${text}`);
      if (done >= this.total) this.out.write('\n');
    } else if (done >= this.total || Date.now() - this.lastPlain > 5000 || done === 1) {
      this.lastPlain = Date.now();
      this.out.write(`${pct}% ${text}\n`);
    }
  }
}

export function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
