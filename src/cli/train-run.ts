// One training run in Node with a progress bar and the JSON summary the CLI prints.
import type { ExperimentConfig } from '../engine/config';
import { encodeConfig } from '../engine/config-url';
import { isPeriodicEvalStep, mlpHidden } from '../engine/facts';
import { unitsFromAlive } from '../engine/io/compact';
import type { Dataset } from '../engine/data/types';
import type { FlopsReport } from '../engine/flops';
import type { EvalResult, UpdateEvent } from '../engine/snapshot';
import { NonFiniteLossError, Trainer } from '../engine/trainer';
import { Progress } from './progress';

export interface RunSummary {
  config: string;
  backend: string;
  dataset: string;
  steps: number;
  losses: number[];
  /** Why the run stopped before its last step; everything else is what it had by then. */
  stoppedBy?: 'non-finite-loss' | 'interrupt';
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

export async function trainRun(c: ExperimentConfig, data: Dataset, backend: string, opts: { log?: (s: string) => void; quiet?: boolean; trainEvalImages?: number; /** Stop stepping once this much wall time has passed since the start. */ deadlineMs?: number; /** Aborted: stop after the current step (Ctrl-C). */ signal?: AbortSignal } = {}): Promise<{ summary: RunSummary; trainer: Trainer }> {
  const started = Date.now();
  const trainer = await Trainer.create(c, data);
  // Live units before the first step, for the summary (S²ViTE only: SViTE's state is its masks, a readback).
  const start = c.method === 's2vite' ? await trainer.sparsity.exportState() : null;
  const losses: number[] = [];
  const updates: UpdateEvent[] = [];
  const evals: RunSummary['evals'] = [];
  const bar = opts.quiet ? null : new Progress(c.steps);
  let trainMs = 0;
  let stop: Pick<RunSummary, 'stoppedBy' | 'error'> = {};
  while (!trainer.finished) {
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
    const s = await trainer.step().catch((e: unknown) => {
      if (e instanceof NonFiniteLossError) return e;
      throw e;
    });
    if (s instanceof NonFiniteLossError) {
      stop = { stoppedBy: 'non-finite-loss', error: s.message };
      opts.log?.(`\n${s.message}`);
      break;
    }
    trainMs += s.elapsedMs;
    losses.push(s.loss);
    if (s.update) updates.push(...s.update);
    if (isPeriodicEvalStep(c, s.step)) {
      const e = await trainer.evaluate(c.evalSize);
      evals.push({ step: s.step, accuracy: e.accuracy ?? NaN, loss: e.loss, images: e.count });
      opts.log?.(`\nstep ${s.step}: test accuracy ${percent(e.accuracy)} on ${e.count} images`);
    }
    bar?.update(s.step, `loss ${s.loss.toFixed(4)}`);
  }
  // Interrupted: the user is waiting, so evaluate on the periodic-evaluation sample only.
  const quick = stop.stoppedBy === 'interrupt';
  const test = await trainer.evaluate(quick ? c.evalSize : 0);
  evals.push({ step: trainer.stepsDone, accuracy: test.accuracy ?? NaN, loss: test.loss, images: test.count });
  const train = await trainer.evaluate(quick ? c.evalSize : opts.trainEvalImages ?? 10000, 'train');
  const snap = await trainer.snapshot();
  const summary: RunSummary = {
    config: encodeConfig(c), backend, dataset: data.name, steps: trainer.stepsDone, losses, ...stop,
    trainAccuracy: train.accuracy ?? NaN, trainAccuracyImages: train.count,
    testAccuracy: test.accuracy ?? NaN, testImages: test.count, testLoss: test.loss, confusion: matrix(test), evals,
    wallMs: Date.now() - started, trainMs, imagesPerSec: (trainer.stepsDone * c.batchSize) / (trainMs / 1000),
    paramsCount: trainer.paramsCount(),
    density: snap.density, globalDensity: snap.globalDensity, firedDensity: snap.firedDensity, globalFiredDensity: snap.globalFiredDensity,
    updates, flops: trainer.flops(),
  };
  if (start?.headsAlive && snap.headsAlive && start.neuronsAlive && snap.neuronsAlive) {
    const hidden = mlpHidden(c);
    summary.heads = { start: unitsFromAlive(start.headsAlive, c.depth, c.numHeads), end: unitsFromAlive(snap.headsAlive, c.depth, c.numHeads) };
    summary.neurons = { start: unitsFromAlive(start.neuronsAlive, c.depth, hidden), end: unitsFromAlive(snap.neuronsAlive, c.depth, hidden) };
  }
  return { summary, trainer };
}
