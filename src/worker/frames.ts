// Frame building: per-step scalars gathered between frames, throughput, and the frame's transfer
// list. The trainer's snapshots and evaluations are fresh copies (src/engine/snapshot.ts), so
// their buffers are handed over as they are; copying them again would only cost time.
import type { FlopsReport } from '../engine/flops';
import type { SparsitySnapshot, StepInfo, UpdateEvent } from '../engine/snapshot';
import { uniqueWholeBuffers, type FrameEvent, type RunState } from '../protocol/messages';

/** Step scalars since the last drain. */
export class ScalarLog {
  private steps: number[] = [];
  private loss: number[] = [];
  private lr: number[] = [];
  private tau: number[] = [];
  private stepMs: number[] = [];
  private updates: UpdateEvent[] = [];

  push(info: StepInfo): void {
    this.steps.push(info.step);
    this.loss.push(info.loss);
    this.lr.push(info.lr);
    this.tau.push(info.tau);
    this.stepMs.push(info.elapsedMs);
    if (info.update) this.updates.push(...info.update);
  }

  drain(): Pick<FrameEvent, 'steps' | 'loss' | 'lr' | 'tau' | 'stepMs' | 'updates'> {
    const out = {
      steps: Int32Array.from(this.steps),
      loss: Float32Array.from(this.loss),
      lr: Float32Array.from(this.lr),
      tau: Float32Array.from(this.tau),
      stepMs: Float32Array.from(this.stepMs),
      updates: this.updates,
    };
    this.steps = [];
    this.loss = [];
    this.lr = [];
    this.tau = [];
    this.stepMs = [];
    this.updates = [];
    return out;
  }
}

/**
 * Wall-clock time spent running (not paused), and steps/s over the window between frames. A resumed
 * run's clock starts at the time its checkpoint had: its first rate is then that run's average so far.
 */
export class Throughput {
  private since: number | null = null;
  private lastStep = 0;
  private lastMs = 0;
  private rate = NaN;

  constructor(private activeMs = 0) {}

  resume(): void {
    if (this.since === null) this.since = performance.now();
  }

  pause(): void {
    if (this.since === null) return;
    this.activeMs += performance.now() - this.since;
    this.since = null;
  }

  elapsedMs(): number {
    return this.activeMs + (this.since === null ? 0 : performance.now() - this.since);
  }

  /** Steps per second since the previous call (smoothed; keeps the last rate over empty windows). */
  sample(step: number): number {
    const ms = this.elapsedMs();
    const dSteps = step - this.lastStep;
    const dMs = ms - this.lastMs;
    if (dSteps > 0 && dMs > 0) {
      const r = (1000 * dSteps) / dMs;
      this.rate = Number.isNaN(this.rate) ? r : 0.5 * this.rate + 0.5 * r;
      this.lastStep = step;
      this.lastMs = ms;
    }
    return this.rate;
  }
}

export interface FrameParts {
  runId: number;
  seq: number;
  state: RunState;
  step: number;
  totalSteps: number;
  batchSize: number;
  scalars: ReturnType<ScalarLog['drain']>;
  snapshot: SparsitySnapshot;
  flops: FlopsReport;
  stepsPerSec: number;
  elapsedMs: number;
  numTensors: number;
}

/** The frame plus its transfer list. */
export function buildFrame(p: FrameParts): { frame: FrameEvent; transfer: ArrayBuffer[] } {
  const { snapshot } = p;
  const frame: FrameEvent = {
    type: 'frame',
    runId: p.runId,
    seq: p.seq,
    state: p.state,
    step: p.step,
    totalSteps: p.totalSteps,
    ...p.scalars,
    snapshot,
    flops: p.flops,
    stepsPerSec: p.stepsPerSec,
    imagesPerSec: p.stepsPerSec * p.batchSize,
    etaMs: p.stepsPerSec > 0 ? (1000 * Math.max(0, p.totalSteps - p.step)) / p.stepsPerSec : NaN,
    elapsedMs: p.elapsedMs,
    numTensors: p.numTensors,
  };
  const s = p.scalars;
  const views: ArrayBufferView[] = [s.steps, s.loss, s.lr, s.tau, s.stepMs, ...snapshotViews(snapshot)];
  return { frame, transfer: uniqueWholeBuffers(views) };
}

function snapshotViews(s: SparsitySnapshot): ArrayBufferView[] {
  const out: ArrayBufferView[] = s.masks.map((m) => m.bits);
  for (const a of [s.headsAlive, s.headScores, s.neuronsAlive, s.keptTokens]) if (a) out.push(a);
  return out;
}
