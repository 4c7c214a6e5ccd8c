// One training run in Node with a progress bar and the JSON summary the CLI prints; it can write
// checkpoints as it goes, stop after a given step, continue a checkpoint, and log every step.
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import type { ExperimentConfig } from '../engine/config';
import { encodeConfig } from '../engine/config-url';
import { isPeriodicEvalStep, mlpHidden } from '../engine/facts';
import { unitsFromAlive } from '../engine/io/compact';
import type { Dataset } from '../engine/data/types';
import type { FlopsReport } from '../engine/flops';
import type { EvalResult, UpdateEvent } from '../engine/snapshot';
import { CheckpointError, readCheckpointHeader } from '../engine/io/training-checkpoint';
import { NonFiniteLossError, Trainer } from '../engine/trainer';
import { Progress } from './progress';

export interface RunSummary {
  config: string;
  backend: string;
  dataset: string;
  steps: number;
  losses: number[];
  /** Why the run stopped before its last step; everything else is what it had by then. */
  stoppedBy?: 'non-finite-loss' | 'interrupt' | 'stop-at';
  /** The step the run was resumed from, when it continued a checkpoint. */
  resumedFrom?: number;
  /** The last checkpoint written: where, at which step, its size and how long writing it took. */
  checkpoint?: { file: string; step: number; bytes: number; writeMs: number };
  error?: string;
  /** NaN (null in the JSON) when the loss was not finite: never chance accuracy. */
  trainAccuracy: number;
  trainAccuracyImages: number;
  testAccuracy: number;
  testImages: number;
  testLoss: number;
  confusion: number[][];
  evals: { step: number; accuracy: number; loss: number; images: number }[];
  wallMs: number;
  trainMs: number;
  imagesPerSec: number;
  paramsCount: number;
  density: Record<string, number>;
  globalDensity: number;
  firedDensity: Record<string, number>;
  globalFiredDensity: number;
  updates: UpdateEvent[];
  /** S²ViTE: live head and neuron indices per block, before the first step and at the end. */
  heads?: LiveUnits;
  neurons?: LiveUnits;
  flops: FlopsReport;
}

interface LiveUnits {
  start: number[][];
  end: number[][];
}

export const percent = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(2)}%`);

const matrix = (e: EvalResult): number[][] =>
  Array.from({ length: e.numClasses }, (_, r) => Array.from(e.confusion.subarray(r * e.numClasses, (r + 1) * e.numClasses)));

export interface TrainRunOptions {
  log?: (s: string) => void;
  quiet?: boolean;
  trainEvalImages?: number;
  /** Stop stepping once this much wall time has passed since the start. */
  deadlineMs?: number;
  /** Aborted: stop after the current step (Ctrl-C). */
  signal?: AbortSignal;
  /** Continue this checkpoint (its config must be `c`) instead of starting afresh. */
  resume?: { bytes: Uint8Array; file: string };
  /** Write a checkpoint to `file` every `every` steps (0: about every 30 s of wall time) and when the run stops. */
  checkpoint?: { file: string; every: number };
  /** End the run after this step as an interruption would (its checkpoint written). */
  stopAt?: number;
  /** Append one JSON line per step (and per evaluation) to this file as the run goes. */
  logFile?: string;
}

/** What the summary carries across a resume, in the checkpoint's metadata. */
interface CarriedRun {
  backend: string;
  updates: UpdateEvent[];
  evals: RunSummary['evals'];
  trainMs: number;
  start: { heads: number[][]; neurons: number[][] } | null;
}
const CARRIED_KEY = 'cli.run';
const CHECKPOINT_SECONDS = 30;

export async function trainRun(c: ExperimentConfig, data: Dataset, backend: string, opts: TrainRunOptions = {}): Promise<{ summary: RunSummary; trainer: Trainer }> {
  const started = Date.now();
  const trainer = opts.resume ? await Trainer.fromCheckpoint(opts.resume.bytes, data, {}, opts.resume.file) : await Trainer.create(c, data);
  if (encodeConfig(trainer.config) !== encodeConfig(c)) {
    trainer.dispose();
    throw new Error(`${opts.resume?.file}: holds the experiment ${encodeConfig(trainer.config)}, not ${encodeConfig(c)}: a resumed run keeps its own`);
  }
  const hidden = mlpHidden(c);
  const carried: CarriedRun = opts.resume ? carriedFrom(opts.resume.bytes, opts.resume.file) : { backend, updates: [], evals: [], trainMs: 0, start: null };
  if (carried.backend !== backend)
    opts.log?.(`${opts.resume?.file}: written on the ${carried.backend} backend, resumed on ${backend}: the losses equal an uninterrupted run's only on one backend`);
  // Live units before the first step, for the summary (S²ViTE only: SViTE's state is its masks, a readback).
  if (!opts.resume && c.method === 's2vite') {
    const st = await trainer.sparsity.exportState();
    carried.start = { heads: unitsFromAlive(st.headsAlive, c.depth, c.numHeads), neurons: unitsFromAlive(st.neuronsAlive, c.depth, hidden) };
  }
  const { updates, evals } = carried;
  const resumedFrom = opts.resume ? trainer.stepsDone : undefined;
  if (opts.resume) trainer.lastCheckpoint = { step: trainer.stepsDone, where: opts.resume.file };
  const bar = opts.quiet ? null : new Progress(c.steps);
  let trainMs = carried.trainMs;
  let stop: Pick<RunSummary, 'stoppedBy' | 'error'> = {};
  let saved: RunSummary['checkpoint'];
  let lastSave = Date.now();
  const save = async (): Promise<void> => {
    if (!opts.checkpoint || saved?.step === trainer.stepsDone) return;
    const t0 = Date.now();
    const bytes = await trainer.checkpoint({ [CARRIED_KEY]: JSON.stringify({ backend, updates, evals, trainMs, start: carried.start } satisfies CarriedRun) });
    // Atomic: a run killed while writing leaves the previous checkpoint whole.
    const tmp = `${opts.checkpoint.file}.tmp-${process.pid}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, opts.checkpoint.file);
    saved = { file: opts.checkpoint.file, step: trainer.stepsDone, bytes: bytes.length, writeMs: Date.now() - t0 };
    trainer.lastCheckpoint = { step: trainer.stepsDone, where: opts.checkpoint.file };
    lastSave = Date.now();
  };
  const due = (step: number): boolean => opts.checkpoint !== undefined &&
    (opts.checkpoint.every > 0 ? step % opts.checkpoint.every === 0 : Date.now() - lastSave >= CHECKPOINT_SECONDS * 1000);
  // Written line by line (one write call each), so a killed run keeps every step it finished.
  const logFd = opts.logFile ? openSync(opts.logFile, 'a') : null;
  const logLine = (o: object): void => {
    if (logFd !== null) writeSync(logFd, JSON.stringify(o) + '\n');
  };
  try {
    while (!trainer.finished) {
      if (opts.stopAt !== undefined && trainer.stepsDone >= opts.stopAt) {
        stop = { stoppedBy: 'stop-at' };
        opts.log?.(`\nstopping after step ${trainer.stepsDone} of ${c.steps} (--stop-at)`);
        break;
      }
      // WASM and CPU resolve readbacks in microtasks: without a macrotask turn a signal handler never runs.
      if (opts.signal) await new Promise((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) {
        stop = { stoppedBy: 'interrupt', error: `interrupted after step ${trainer.stepsDone} of ${c.steps}` };
        break;
      }
      if (opts.deadlineMs !== undefined && Date.now() - started > opts.deadlineMs) {
        opts.log?.(`stopping at step ${trainer.stepsDone} of ${c.steps}: the time budget is spent`);
        break;
      }
      // One chunk of steps, one loss readback (8 on WebGPU); it ends where a step-counted checkpoint or --stop-at falls.
      const every = opts.checkpoint?.every ?? 0;
      const limit = Math.min(every > 0 ? every - (trainer.stepsDone % every) : Number.POSITIVE_INFINITY,
        opts.stopAt !== undefined ? opts.stopAt - trainer.stepsDone : Number.POSITIVE_INFINITY);
      const chunk = await trainer.steps(limit).catch((e: unknown) => {
        if (e instanceof NonFiniteLossError) return e;
        throw e;
      });
      const logged = chunk instanceof NonFiniteLossError ? chunk.completed : chunk;
      for (const s of logged) {
        trainMs += s.elapsedMs;
        if (s.update) updates.push(...s.update);
        logLine({ step: s.step, loss: s.loss, lr: s.lr, ms: s.elapsedMs, ...(s.update ? { updates: s.update.length } : {}) });
      }
      if (chunk instanceof NonFiniteLossError) {
        stop = { stoppedBy: 'non-finite-loss', error: chunk.message };
        opts.log?.(`\n${chunk.message}`);
        break;
      }
      const s = chunk[chunk.length - 1];
      if (isPeriodicEvalStep(c, s.step)) { // a chunk ends at an evaluation step
        const e = await trainer.evaluate(c.evalSize);
        evals.push({ step: s.step, accuracy: e.accuracy ?? NaN, loss: e.loss, images: e.count });
        logLine({ step: s.step, testAccuracy: e.accuracy, testLoss: e.loss, images: e.count });
        opts.log?.(`\nstep ${s.step}: test accuracy ${percent(e.accuracy)} on ${e.count} images`);
      }
      if (due(s.step)) await save();
      bar?.update(s.step, `loss ${s.loss.toFixed(4)}`);
    }
    // The weights after a non-finite loss are not worth keeping: the last good checkpoint stays.
    if (stop.stoppedBy !== 'non-finite-loss') await save();
  } finally {
    if (logFd !== null) closeSync(logFd);
  }
  // Stopped early: the user is waiting, so evaluate on the periodic-evaluation sample only.
  const quick = stop.stoppedBy === 'interrupt' || stop.stoppedBy === 'stop-at';
  const test = await trainer.evaluate(quick ? c.evalSize : 0);
  evals.push({ step: trainer.stepsDone, accuracy: test.accuracy ?? NaN, loss: test.loss, images: test.count });
  const train = await trainer.evaluate(quick ? c.evalSize : opts.trainEvalImages ?? 10000, 'train');
  const snap = await trainer.snapshot();
  const summary: RunSummary = {
    config: encodeConfig(c), backend, dataset: data.name, steps: trainer.stepsDone, losses: [...trainer.losses], ...stop,
    ...(resumedFrom !== undefined ? { resumedFrom } : {}), ...(saved ? { checkpoint: saved } : {}),
    trainAccuracy: train.accuracy ?? NaN, trainAccuracyImages: train.count,
    testAccuracy: test.accuracy ?? NaN, testImages: test.count, testLoss: test.loss, confusion: matrix(test), evals,
    wallMs: Date.now() - started, trainMs, imagesPerSec: (trainer.stepsDone * c.batchSize) / (trainMs / 1000),
    paramsCount: trainer.paramsCount(),
    density: snap.density, globalDensity: snap.globalDensity, firedDensity: snap.firedDensity, globalFiredDensity: snap.globalFiredDensity,
    updates, flops: trainer.flops(),
  };
  if (carried.start && snap.headsAlive && snap.neuronsAlive) {
    summary.heads = { start: carried.start.heads, end: unitsFromAlive(snap.headsAlive, c.depth, c.numHeads) };
    summary.neurons = { start: carried.start.neurons, end: unitsFromAlive(snap.neuronsAlive, c.depth, hidden) };
  }
  return { summary, trainer };
}

/** The summary's parts a checkpoint written by trainRun carries; empty for one written elsewhere (the studio). */
function carriedFrom(bytes: Uint8Array, file: string): CarriedRun {
  const json = readCheckpointHeader(bytes, file).extra[CARRIED_KEY];
  const empty: CarriedRun = { backend: 'unknown', updates: [], evals: [], trainMs: 0, start: null };
  if (json === undefined) return empty;
  try {
    return { ...empty, ...(JSON.parse(json) as Partial<CarriedRun>) };
  } catch {
    throw new CheckpointError(`${file}: its '${CARRIED_KEY}' metadata (the run's evaluations and updates so far) is not valid JSON`);
  }
}
