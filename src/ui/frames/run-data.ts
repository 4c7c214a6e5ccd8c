// Streamed run data, outside React: the latest frame, per-step and per-frame series for the
// charts, highlight maps for what just changed, and the head timeline. The session writes here;
// panels read here when the scheduler tells them to draw. Typed arrays never enter the store, and
// neither does the run's config come here: the store's runConfig is its one home.
import { toFlops } from '../../engine/flops';
import type { EvalResult } from '../../engine/snapshot';
import type { EvalEvent, FrameEvent, SampleImages } from '../../protocol/messages';
import { decay, markBitChanges, markByteChanges } from './fade';
import { notify } from './scheduler';
import { Series } from './series';

/** Live heads over time: one column per frame (depth·H bytes: 0 off, 1 live, 2 just grown, 3 just pruned). */
export class HeadTimeline {
  columns: Uint8Array[] = [];
  steps: number[] = [];

  constructor(readonly maxColumns = 360) {}

  push(step: number, alive: Uint8Array): void {
    const prev = this.columns.at(-1);
    const col = new Uint8Array(alive.length);
    for (let i = 0; i < alive.length; i++) {
      const was = prev ? prev[i] === 1 || prev[i] === 2 : alive[i] === 1;
      col[i] = alive[i] ? (was ? 1 : 2) : was ? 3 : 0;
    }
    this.columns.push(col);
    this.steps.push(step);
    if (this.columns.length > this.maxColumns) this.halve();
  }

  clear(): void {
    this.columns = [];
    this.steps = [];
  }

  /** Merge neighbours: keep the later state, and any grow/prune flag of the pair. */
  private halve(): void {
    const cols: Uint8Array[] = [];
    const steps: number[] = [];
    for (let i = 0; i + 1 < this.columns.length; i += 2) {
      const a = this.columns[i], b = this.columns[i + 1];
      const m = b.slice();
      for (let j = 0; j < m.length; j++) if (m[j] < 2 && a[j] >= 2) m[j] = m[j] === 1 ? 2 : 3;
      cols.push(m);
      steps.push(this.steps[i + 1]);
    }
    if (this.columns.length % 2) {
      cols.push(this.columns.at(-1)!);
      steps.push(this.steps.at(-1)!);
    }
    this.columns = cols;
    this.steps = steps;
  }
}

export const SCALAR = { loss: 0, lossEma: 1, lr: 2, tau: 3 } as const;
/** Per-frame columns; FLOPs are stored as FLOPs (2 × MACs); dr(t) as done at updates (the plan is the config's). */
export const PER_FRAME = { density: 0, fired: 1, theoretical: 2, executed: 3, dense: 4, drUpdate: 5 } as const;
export const EVAL = { accuracy: 0, loss: 1 } as const;

const EMA = 0.9;

export class RunData {
  /** Sample test images of the run, for the token panel. */
  samples: SampleImages | null = null;
  /** The newest frame: what the panels draw (the one before it only matters on arrival, for fades). */
  latest: FrameEvent | null = null;
  readonly scalars = new Series(4);
  readonly perFrame = new Series(6, 4096);
  readonly evals = new Series(2, 2048);
  lastEval: EvalResult | null = null;
  readonly maskFade = new Map<string, Int8Array>();
  neuronFade: Int8Array | null = null;
  headFade: Int8Array | null = null;
  readonly heads = new HeadTimeline();
  /** S²ViTE swaps so far: units that changed identity, and no-ops (pruned and regrown at once). */
  readonly swaps = { heads: { changed: 0, noop: 0 }, neurons: { changed: 0, noop: 0 } };

  reset(): void {
    for (const s of Object.values(this.swaps)) Object.assign(s, { changed: 0, noop: 0 });
    this.samples = null;
    this.latest = null;
    this.scalars.clear();
    this.perFrame.clear();
    this.evals.clear();
    this.lastEval = null;
    this.maskFade.clear();
    this.neuronFade = null;
    this.headFade = null;
    this.heads.clear();
    notify();
  }

  setSamples(samples: SampleImages): void {
    this.samples = samples;
    notify();
  }

  ingest(f: FrameEvent): void {
    const prev = this.latest;
    this.latest = f;
    for (let i = 0; i < f.steps.length; i++) {
      const loss = f.loss[i];
      const ema = this.scalars.length && Number.isFinite(this.scalars.last(SCALAR.lossEma))
        ? EMA * this.scalars.last(SCALAR.lossEma) + (1 - EMA) * loss
        : loss;
      this.scalars.push(f.steps[i], loss, ema, f.lr[i], f.tau[i]);
    }
    const s = f.snapshot;
    // The fired (explored) fraction: SViTE's weights, S²ViTE's units; none for dense.
    const fired = Object.keys(s.firedDensity).length ? s.globalFiredDensity : NaN;
    // A frame covers many steps on WASM (one frame, steps 8–37): each topology update gets a row at
    // its own step (its dr(t) and the density after it), so the chart draws it where it happened.
    // The fired fraction only moves at updates: after the frame's last one it is the frame's.
    const byStep = new Map(f.updates.map((u) => [u.step, u]));
    const earlier = [...byStep.keys()].filter((st) => st < f.step && !(st <= this.perFrame.lastX())).sort((a, b) => a - b);
    for (const st of earlier) {
      const u = byStep.get(st)!;
      this.perFrame.push(st, u.globalDensity, st === earlier.at(-1) && !byStep.has(f.step) ? fired : NaN, NaN, NaN, NaN, u.fraction);
    }
    // dr(t) of an update at the frame's own step (NaN: none there).
    const done = byStep.get(f.step)?.fraction ?? NaN;
    for (const u of f.updates) {
      const kind = u.layer.endsWith('.heads') ? this.swaps.heads : u.layer.endsWith('.neurons') ? this.swaps.neurons : null;
      if (!kind || u.regrown === undefined) continue;
      kind.changed += u.grown - u.regrown;
      kind.noop += u.regrown;
    }
    this.perFrame.push(f.step, s.globalDensity, fired, toFlops(f.flops.theoretical), toFlops(f.flops.executed), toFlops(f.flops.dense), done);
    this.ingestMasks(f, prev);
    this.ingestUnits(f, prev);
    notify();
  }

  addEval(e: EvalEvent): void {
    this.lastEval = e.result;
    if (this.evals.lastX() !== e.result.step || e.reason !== 'requested')
      this.evals.push(e.result.step, e.result.accuracy ?? NaN, e.result.loss); // the chart draws NaN as a gap
    notify();
  }

  /** Losses of every step so far (decimated past 8192 rows); for tests and debugging. */
  losses(): number[] {
    return Array.from(this.scalars.column(SCALAR.loss));
  }

  private ingestMasks(f: FrameEvent, prev: FrameEvent | null): void {
    for (const fade of this.maskFade.values()) decay(fade);
    for (const m of f.snapshot.masks) {
      const n = m.rows * m.cols;
      let fade = this.maskFade.get(m.name);
      if (!fade || fade.length !== n) {
        fade = new Int8Array(n);
        this.maskFade.set(m.name, fade);
      }
      const before = prev?.snapshot.masks.find((x) => x.name === m.name);
      if (before) markBitChanges(fade, before.bits, m.bits, n);
    }
  }

  private ingestUnits(f: FrameEvent, prev: FrameEvent | null): void {
    const s = f.snapshot;
    if (s.neuronsAlive) {
      if (!this.neuronFade || this.neuronFade.length !== s.neuronsAlive.length) this.neuronFade = new Int8Array(s.neuronsAlive.length);
      else decay(this.neuronFade);
      if (prev?.snapshot.neuronsAlive) markByteChanges(this.neuronFade, prev.snapshot.neuronsAlive, s.neuronsAlive);
    }
    if (s.headsAlive) {
      if (!this.headFade || this.headFade.length !== s.headsAlive.length) this.headFade = new Int8Array(s.headsAlive.length);
      else decay(this.headFade);
      if (prev?.snapshot.headsAlive) markByteChanges(this.headFade, prev.snapshot.headsAlive, s.headsAlive);
      this.heads.push(f.step, s.headsAlive);
    }
  }
}

export const runData = new RunData();
