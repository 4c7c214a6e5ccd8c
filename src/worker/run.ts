// One run: the cooperative training loop around a Trainer. Commands only set flags and wake the
// loop; the loop alone touches the trainer (it is not re-entrant), between steps. Pausing keeps
// weights, masks and optimiser state; resume continues exactly. Nothing here throws: every
// failure is posted as an `error` event followed by the `stopped` state.
import * as tf from '../engine/tf';
import { isPeriodicEvalStep } from '../engine/facts';
import { NonFiniteLossError, type Trainer } from '../engine/trainer';
import type { Layout } from '../engine/io/checkpoint';
import { exportTrained } from '../engine/io/export-trained';
import { tryImage } from '../engine/try-image';
import { CHECKPOINT_EVERY_MS, checkpointIntervalMs, type RunOptions, type RunState, type TryInput, type WorkerEvent } from '../protocol/messages';
import { errorText } from '../backend/error-text';
import { ScalarLog, Throughput, buildFrame } from './frames';
import { yieldToEventLoop } from './yield';

export type Post = (event: WorkerEvent, transfer?: ArrayBuffer[]) => void;

const DEFAULT_FRAME_HZ = 4;
/** Classes the Try-it panel lists. */
const TOP_CLASSES = 5;

/** The pixels a try-it input stands for, and the test image's index and label when it is one. */
function tryInputImage(trainer: Trainer, input: TryInput): { image: Uint8Array; test: { index: number; label: number } | null } {
  if (input.kind === 'pixels') return { image: input.pixels, test: null };
  const set = trainer.dataset.test;
  const i = input.index;
  if (!Number.isInteger(i) || i < 0 || i >= set.count) throw new Error(`there is no test image ${i}: the test set has ${set.count} (0 to ${set.count - 1})`);
  const n = set.height * set.width * set.channels;
  return { image: set.images.slice(i * n, (i + 1) * n), test: { index: i, label: set.labels[i] } };
}

/** Where the studio keeps the checkpoints this loop posts: a non-finite loss names it. */
const CHECKPOINT_WHERE = 'saved with this run in the Runs panel';

export class Run {
  private paused: boolean;
  private stopRequested = false;
  private failed = false;
  private stepRequests = 0;
  private evalRequests: Array<{ limit?: number }> = [];
  /** Reads of the model (export) waiting for the loop to be between steps. */
  private reads: Array<{ command: 'export' | 'try'; read: (trainer: Trainer) => Promise<void> }> = [];
  private wake: (() => void) | null = null;
  private trainer: Trainer | null = null;
  private ended = false;
  private state: RunState | null = null;
  private seq = 0;
  private lastFrameAt = -Infinity;
  private readonly frameIntervalMs: number;
  private readonly checkpointEveryMs: number;
  /** Training time and step of the last checkpoint (a resumed run starts at its own). */
  private checkpointedAtMs: number;
  private checkpointedStep = 0;
  /** Checkpoints posted by this loop: the interval grows with them (checkpointIntervalMs). */
  private checkpoints = 0;
  private readonly scalars = new ScalarLog();
  private readonly clock: Throughput;
  /** Serialises trainer access after the loop has ended (evaluate on a stopped run). */
  private idle: Promise<void> = Promise.resolve();
  private loopDone: Promise<void> = Promise.resolve();

  constructor(readonly runId: number, private readonly post: Post, private readonly options: RunOptions = {}) {
    this.paused = options.startPaused ?? false;
    const hz = options.frameHz ?? DEFAULT_FRAME_HZ;
    this.frameIntervalMs = 1000 / (hz > 0 && Number.isFinite(hz) ? Math.min(hz, 60) : DEFAULT_FRAME_HZ);
    const every = options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
    this.checkpointEveryMs = every > 0 ? every : CHECKPOINT_EVERY_MS;
    const startMs = options.elapsedMs !== undefined && Number.isFinite(options.elapsedMs) && options.elapsedMs > 0 ? options.elapsedMs : 0;
    this.clock = new Throughput(startMs);
    this.checkpointedAtMs = startMs;
    // A resumed run starts from a checkpoint: no need for the early ones, the steady interval applies.
    if (startMs > 0) this.checkpoints = Number.POSITIVE_INFINITY;
  }

  // ---- commands (any time) ----

  pause(): void {
    if (!this.ended) this.paused = true;
    this.poke();
  }

  resume(): void {
    this.paused = false;
    this.stepRequests = 0;
    this.poke();
  }

  /** One step, only while paused. */
  step(): void {
    if (this.paused && !this.ended) this.stepRequests += 1;
    this.poke();
  }

  stop(): void {
    this.stopRequested = true;
    this.poke();
  }

  /** The worker reports the failure itself (device lost); the loop just ends quietly. */
  fail(): void {
    this.failed = true;
    this.stop();
  }

  evaluate(limit?: number): void {
    if (!this.ended) {
      this.evalRequests.push({ limit });
      this.poke();
      return;
    }
    const trainer = this.trainer;
    if (!trainer) return this.noModel('evaluate');
    // After the loop: the model is still there; a failure here does not change the run's state.
    this.idle = this.idle.then(async () => {
      try {
        await this.runEval(limit ?? trainer.config.evalSize, 'requested');
      } catch (err) {
        this.post({ type: 'error', runId: this.runId, message: `Evaluation failed: ${errorText(err)}`, fatal: false, command: 'evaluate' });
      }
    });
  }

  /** The model file as `cli export` writes it; a failure is reported and leaves the run as it is. */
  exportModel(requestId: number, layout: Layout): void {
    this.betweenSteps('export', async (trainer) => {
      try {
        const bytes = await exportTrained(trainer, layout);
        this.post({ type: 'exported', runId: this.runId, requestId, layout, bytes }, [bytes.buffer as ArrayBuffer]);
      } catch (err) {
        this.post({ type: 'error', runId: this.runId, message: `Export failed: ${errorText(err)}`, fatal: false, command: 'export' });
      }
    });
  }

  /** Try it: one image (pixels or a test image) through the model at evaluation; a failure leaves the run as it is. */
  tryImage(requestId: number, input: TryInput): void {
    this.betweenSteps('try', async (trainer) => {
      try {
        const { image, test } = tryInputImage(trainer, input);
        const r = await tryImage(trainer, image);
        const names = trainer.dataset.classNames;
        const top = [...r.probs.keys()].sort((a, b) => r.probs[b] - r.probs[a]).slice(0, TOP_CLASSES)
          .map((cls) => ({ cls, name: names[cls] ?? `class ${cls}`, prob: r.probs[cls] }));
        const { size, channels } = { size: trainer.config.imageSize, channels: trainer.config.inChans };
        this.post({ type: 'tried', runId: this.runId, requestId, image, size, channels, test, top, kept: r.kept, grid: r.grid, blocks: r.blocks, step: trainer.stepsDone });
      } catch (err) {
        this.post({ type: 'error', runId: this.runId, message: `Try it failed: ${errorText(err)}`, fatal: false, command: 'try' });
      }
    });
  }

  /** Runs a read of the trainer between steps, or after the loop has ended. */
  private betweenSteps(command: 'export' | 'try', read: (trainer: Trainer) => Promise<void>): void {
    if (!this.ended) {
      this.reads.push({ command, read });
      this.poke();
      return;
    }
    const trainer = this.trainer;
    if (trainer) this.idle = this.idle.then(() => read(trainer));
    else this.noModel(command);
  }

  /**
   * The run failed before it had a model (data or config refused at start): requests waiting for
   * the loop, and later ones, are answered with an error instead of waiting forever.
   */
  abandon(): void {
    if (this.trainer) return;
    this.ended = true;
    for (const r of this.evalRequests.splice(0)) this.evaluate(r.limit);
    for (const r of this.reads.splice(0)) this.betweenSteps(r.command, r.read);
  }

  private noModel(command: 'evaluate' | 'export' | 'try'): void {
    this.post({ type: 'error', runId: this.runId, fatal: false, command, message: 'There is no model: this run stopped before training began. Fix what stopped it and press Start.' });
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /**
   * Stops the loop, waits for it, frees the trainer's tensors. After a failure (a lost device may
   * never settle a pending readback) it waits at most `failedWaitMs`.
   */
  async close(failedWaitMs = 3000): Promise<void> {
    this.stop();
    const done = Promise.all([this.loopDone, this.idle]);
    if (this.failed) await Promise.race([done, new Promise((r) => setTimeout(r, failedWaitMs))]);
    else await done;
    this.trainer?.dispose();
    this.trainer = null;
  }

  // ---- the loop ----

  /** Takes ownership of the trainer and trains in the background. */
  begin(trainer: Trainer): void {
    this.trainer = trainer;
    this.checkpointedStep = trainer.stepsDone;
    this.loopDone = this.guard(() => this.loop(trainer)).then(() => {
      this.ended = true;
      this.clock.pause();
      // Evaluations asked for while the last frame was being read back.
      for (const r of this.evalRequests.splice(0)) this.evaluate(r.limit);
      for (const r of this.reads.splice(0)) this.betweenSteps(r.command, r.read);
    });
  }

  private async loop(trainer: Trainer): Promise<void> {
    const c = trainer.config;
    await this.postFrame(trainer, this.paused ? 'paused' : 'running'); // the initial topology, step 0
    this.setState(this.paused ? 'paused' : 'running', trainer);
    if (!this.paused) this.clock.resume();
    while (!this.stopRequested) {
      const request = this.evalRequests.shift();
      if (request) {
        await this.runEval(request.limit ?? c.evalSize, 'requested');
        continue;
      }
      const read = this.reads.shift();
      if (read) {
        await read.read(trainer);
        continue;
      }
      if (trainer.finished) break;
      if (this.paused && this.stepRequests === 0) {
        if (this.state !== 'paused') {
          this.clock.pause();
          await this.postFrame(trainer, 'paused');
          await this.saveCheckpoint(trainer);
          this.setState('paused', trainer);
          continue; // commands may have come in during the readback: look again before sleeping
        }
        await this.sleep(); // nothing awaited between the checks above and here: no lost wake-up
        continue;
      }
      const single = this.paused;
      if (single) this.stepRequests -= 1;
      else if (this.state !== 'running') {
        this.clock.resume();
        this.setState('running', trainer);
      }
      // A chunk of steps with one loss readback (8 on WebGPU): every step's loss still reaches the chart.
      const infos = await trainer.steps(single ? 1 : Number.POSITIVE_INFINITY).catch(async (e: unknown) => {
        if (e instanceof NonFiniteLossError && e.completed.length) { // the chart gets the good steps before it
          for (const info of e.completed) this.scalars.push(info);
          await this.postFrame(trainer, 'running');
        }
        throw e;
      });
      for (const info of infos) this.scalars.push(info);
      if (isPeriodicEvalStep(c, trainer.stepsDone)) { // a chunk ends at an evaluation step
        await this.runEval(c.evalSize, 'periodic');
      }
      // A checkpoint follows a frame, so the saved history reaches its step.
      const checkpointDue = this.clock.elapsedMs() - this.checkpointedAtMs >= checkpointIntervalMs(this.checkpoints, this.checkpointEveryMs);
      if (single || checkpointDue || performance.now() - this.lastFrameAt >= this.frameIntervalMs) {
        await this.postFrame(trainer, this.state ?? 'running');
      }
      if (checkpointDue) await this.saveCheckpoint(trainer);
      await yieldToEventLoop();
    }
    this.clock.pause();
    if (this.failed) {
      this.setState('stopped', trainer);
      return;
    }
    const end: RunState = trainer.finished && !this.stopRequested ? 'finished' : 'stopped';
    if (end === 'finished') {
      // Seconds on a GPU: the page says so, and has nothing to pause or stop meanwhile.
      this.setState('evaluating', trainer);
      await this.runEval(this.options.finalEvalSize ?? c.evalSize, 'final');
    }
    await this.postFrame(trainer, end);
    await this.saveCheckpoint(trainer);
    this.setState(end, trainer);
  }

  /** Posts a training checkpoint (transferred) unless the last one is of this step. */
  private async saveCheckpoint(trainer: Trainer): Promise<void> {
    const step = trainer.stepsDone;
    this.checkpointedAtMs = this.clock.elapsedMs();
    if (step === this.checkpointedStep) return;
    const t0 = performance.now();
    const blob = new Blob([(await trainer.checkpoint()) as Uint8Array<ArrayBuffer>]);
    this.post({ type: 'checkpoint', runId: this.runId, step, blob, ms: performance.now() - t0 });
    this.checkpointedStep = step;
    this.checkpoints += 1;
    trainer.lastCheckpoint = { step, where: CHECKPOINT_WHERE };
  }

  private async runEval(limit: number | undefined, reason: 'periodic' | 'final' | 'requested'): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) return;
    const t0 = performance.now();
    const result = await trainer.evaluate(limit || undefined);
    this.post({ type: 'eval', runId: this.runId, result, reason, elapsedMs: performance.now() - t0 }, [result.confusion.buffer as ArrayBuffer]);
  }

  private async postFrame(trainer: Trainer, state: RunState): Promise<void> {
    const snapshot = await trainer.snapshot();
    const step = trainer.stepsDone;
    const { frame, transfer } = buildFrame({
      runId: this.runId,
      seq: this.seq++,
      state,
      step,
      totalSteps: trainer.totalSteps,
      batchSize: trainer.config.batchSize,
      scalars: this.scalars.drain(),
      snapshot,
      flops: trainer.flops(),
      stepsPerSec: this.clock.sample(step),
      elapsedMs: this.clock.elapsedMs(),
      numTensors: tf.memory().numTensors,
    });
    this.post(frame, transfer);
    this.lastFrameAt = performance.now();
  }

  private setState(state: RunState, trainer: Trainer): void {
    this.state = state;
    this.post({ type: 'state', runId: this.runId, state, step: trainer.stepsDone });
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Runs fn; a failure becomes an `error` event and the run ends as `stopped`. */
  private async guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.stopRequested = true;
      if (!this.failed) {
        this.failed = true;
        this.post({ type: 'error', runId: this.runId, message: `Training failed: ${errorText(err)}`, fatal: true });
      }
      if (this.state !== 'stopped') {
        this.state = 'stopped';
        this.post({ type: 'state', runId: this.runId, state: 'stopped', step: this.trainer?.stepsDone ?? 0 });
      }
    }
  }
}
