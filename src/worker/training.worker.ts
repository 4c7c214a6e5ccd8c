// The training worker: a thin adapter between the protocol (src/protocol/messages.ts) and the
// engine. It owns the backend and at most one Run; every failure is posted as an `error` event.

// tfjs-core (and its flags) must be evaluated before src/engine/tf.ts registers the gradients: in
// Vite's dev pre-bundle the gradients entry otherwise runs first and throws "Cannot evaluate flag
// 'DEBUG'" when the worker loads. (Harmless in the production bundle.)
import '@tensorflow/tfjs-core';
import * as tf from '../engine/tf';
import { assertTrainable } from '../engine/memory';
import { Trainer } from '../engine/trainer';
import { importModel } from '../engine/io/checkpoint';
import type { BackendInfo, BackendName, Command, WorkerEvent } from '../protocol/messages';
import { backendAnswers, type CalibrationRequest } from '../protocol/calibration';
import { chooseBackend, resetBackend, watchWebGpuDevice } from '../backend/worker';
import { calibratedBackend } from './calibrate';
import { errorText } from '../backend/error-text';
import { loadDataset } from './data';
import { Run } from './run';

declare const self: DedicatedWorkerGlobalScope;

let backend: BackendInfo | null = null;
let deviceLost = false;
let current: Run | null = null;
/** Highest runId a `start` has used; older or equal ones are stale. */
let latestRunId = -Infinity;
/** init and start run one after another (they swap backends and trainers). */
let queue: Promise<void> = Promise.resolve();

function post(event: WorkerEvent, transfer: ArrayBuffer[] = []): void {
  self.postMessage(event, transfer);
}

function postError(runId: number, err: unknown, command?: Command['type'], fatal = true): void {
  post({ type: 'error', runId, message: errorText(err), fatal, ...(command ? { command } : {}) });
}

function serial(runId: number, command: Command['type'], task: () => Promise<void>): void {
  queue = queue.then(task).catch((err) => postError(runId, err, command));
}

self.addEventListener('message', (e: MessageEvent<Command>) => {
  const cmd = e.data;
  try {
    handle(cmd);
  } catch (err) {
    postError(cmd?.runId ?? current?.runId ?? 0, err, cmd?.type);
  }
});
// Last resort: nothing may fail silently.
self.addEventListener('error', (e) => postError(current?.runId ?? 0, e.error ?? (e.message ? e.message : e)));
self.addEventListener('unhandledrejection', (e) => postError(current?.runId ?? 0, e.reason));

function handle(cmd: Command): void {
  switch (cmd.type) {
    case 'init':
      serial(cmd.runId, 'init', async () => {
        const info = await ensureBackend(cmd.backend, current, cmd.calibrate);
        post({ type: 'ready', runId: cmd.runId, info });
      });
      return;
    case 'start': {
      if (!(cmd.runId > latestRunId)) return; // a stale or repeated start
      latestRunId = cmd.runId;
      const previous = current;
      previous?.stop();
      const run = new Run(cmd.runId, post, cmd.options);
      current = run;
      serial(cmd.runId, 'start', () => startRun(run, previous, cmd));
      return;
    }
    default: {
      if (!current || current.runId !== cmd.runId) return; // a command for a run that is not current
      if (cmd.type === 'evaluate') current.evaluate(cmd.limit);
      else if (cmd.type === 'export') current.exportModel(cmd.requestId, cmd.layout);
      else if (cmd.type === 'try') current.tryImage(cmd.requestId, cmd.input);
      else current[cmd.type]();
    }
  }
}

async function startRun(run: Run, previous: Run | null, cmd: Extract<Command, { type: 'start' }>): Promise<void> {
  const t0 = performance.now();
  await previous?.close();
  // Stopped or replaced while loading: say so (a newer run's UI drops it as stale).
  const superseded = (): boolean => {
    const gone = current !== run || run.stopping;
    if (gone) post({ type: 'state', runId: run.runId, state: 'stopped', step: 0 });
    return gone;
  };
  try {
    if (superseded()) return;
    const before = backend;
    const info = await ensureBackend(cmd.backend, null, cmd.calibrate);
    if (info !== before) post({ type: 'ready', runId: run.runId, info });
    assertTrainable(cmd.config); // before the data loads: a config too large for memory fails at once
    const dataset = await loadDataset(cmd.config, cmd.data);
    if (superseded()) return;
    tf.disposeVariables(); // nothing else lives in this worker; a clean slate for the new model
    const opts = cmd.options?.sampleCount ? { sampleCount: cmd.options.sampleCount } : {};
    const trainer = cmd.resumeFrom
      ? await Trainer.fromCheckpoint(cmd.resumeFrom.bytes, dataset, opts, cmd.resumeFrom.name)
      : await Trainer.create(cmd.config, dataset, opts);
    if (cmd.resumeFrom && cmd.options?.continueBy) {
      try {
        trainer.continueBy(cmd.options.continueBy);
      } catch (err) {
        trainer.dispose();
        throw err;
      }
    }
    if (cmd.model) {
      try {
        trainer.restore(importModel(cmd.model.bytes, cmd.model.name, { config: cmd.config }));
      } catch (err) {
        trainer.dispose();
        throw err;
      }
    }
    if (superseded()) {
      trainer.dispose();
      return;
    }
    const samples = trainer.sampleImages(); // a copy of its own: handed over, not copied again
    post(
      {
        type: 'started',
        runId: run.runId,
        paramsCount: trainer.paramsCount(),
        samples,
        classNames: [...dataset.classNames],
        trainCount: dataset.train.count,
        testCount: dataset.test.count,
        dataNotes: [...(dataset.notes ?? [])],
        setupMs: performance.now() - t0,
      },
      [samples.images.buffer as ArrayBuffer],
    );
    run.begin(trainer);
  } catch (err) {
    run.abandon();
    postError(run.runId, err, 'start');
    post({ type: 'state', runId: run.runId, state: 'stopped', step: 0 });
  }
}

/**
 * The backend for this request: kept if it already answers it, else (re)chosen; `live` is a run
 * whose tensors sit on the backend we are about to leave: it is stopped first. Without a backend
 * and without shapes (the e2e harness), any current backend will do.
 */
async function ensureBackend(requested: BackendName | undefined, live: Run | null, calibrate?: CalibrationRequest): Promise<BackendInfo> {
  if (backend && !deviceLost && backendAnswers(backend, requested, calibrate)) return backend;
  await live?.close();
  if (deviceLost && backend) resetBackend(backend.backend);
  deviceLost = false;
  backend = null;
  const info = requested || !calibrate ? await chooseBackend(requested) : await calibratedBackend(calibrate);
  backend = info;
  watchWebGpuDevice(onDeviceLost, onGpuError);
  return info;
}

function onDeviceLost(message: string): void {
  deviceLost = true;
  const run = current;
  post({ type: 'error', runId: run?.runId ?? 0, message, fatal: true, deviceLost: true });
  run?.fail();
}

/**
 * An uncaptured WebGPU error (validation, out of memory) means a kernel did not run: every number
 * after it is wrong. The run stops; one report per run (they come in bursts, one per dispatch).
 */
let gpuErrorReportedFor: Run | null | undefined;
function onGpuError(message: string): void {
  const run = current;
  if (gpuErrorReportedFor === run) return;
  gpuErrorReportedFor = run;
  post({ type: 'error', runId: run?.runId ?? 0, message: `${message.trim()} (the run was stopped: its results would be wrong)`, fatal: true });
  run?.fail();
}

// For e2e tests and debugging (Playwright's worker.evaluate): what tfjs really runs on.
(self as unknown as { __studio: unknown }).__studio = {
  backend: () => tf.getBackend(),
  info: () => backend,
  numTensors: () => tf.memory().numTensors,
};
