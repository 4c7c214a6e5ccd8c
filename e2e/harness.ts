// Page-side harness for e2e tests and the browser benchmark (e2e/smoke.html): starts the real
// training worker, records every event, and exposes itself as `globalThis.__harness` for
// Playwright. With `?run=smoke` it trains the tiny preset at once. Query:
// backend=webgpu|webgl|wasm|cpu, steps, batch, frameHz.
// Compiled with the worker's types (no DOM): it only needs Worker, URL and location. The Node side
// (specs, benchmark) imports only its types: HarnessWindow and RunSummary.
import { errorText } from '../src/backend/error-text';
import { presetConfig, type ExperimentConfig } from '../src/engine/config';
import { TrainingClient } from '../src/protocol/client';
import { parseBackendName, type BackendInfo, type RunOptions, type WorkerEvent } from '../src/protocol/messages';

const params = new URLSearchParams(globalThis.location.search);
const int = (key: string, fallback: number): number => {
  const v = Number(params.get(key));
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

const worker = new Worker(new URL('../src/worker/training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
const client = new TrainingClient(worker);

/** Every event, stale runs included, as received (typed arrays intact), and when (ms). */
const events: WorkerEvent[] = [];
const receivedAt: number[] = [];
client.on((e) => {
  events.push(e);
  receivedAt.push(performance.now());
}, { stale: true });

/** Plain JSON about one run, for assertions. */
function summary(runId = client.gate.runId) {
  const mine = events.map((e, i) => ({ e, at: receivedAt[i] })).filter(({ e }) => e.runId === runId);
  const frames = mine.flatMap(({ e, at }) => (e.type === 'frame' ? [{ f: e, at }] : []));
  const started = mine.find(({ e }) => e.type === 'started')?.e;
  return {
    runId,
    steps: frames.flatMap(({ f }) => Array.from(f.steps)),
    loss: frames.flatMap(({ f }) => Array.from(f.loss)),
    lr: frames.flatMap(({ f }) => Array.from(f.lr)),
    stepMs: frames.flatMap(({ f }) => Array.from(f.stepMs)),
    frames: frames.map(({ f, at }) => ({
      seq: f.seq, step: f.step, state: f.state, count: f.steps.length, at,
      masks: f.snapshot.masks.length, globalDensity: f.snapshot.globalDensity,
      stepsPerSec: f.stepsPerSec, imagesPerSec: f.imagesPerSec, etaMs: f.etaMs, elapsedMs: f.elapsedMs,
      flopsExecuted: f.flops.executed, updates: f.updates.length, numTensors: f.numTensors,
    })),
    states: mine.flatMap(({ e, at }) => (e.type === 'state' ? [{ state: e.state, step: e.step, at }] : [])),
    evals: mine.flatMap(({ e }) => (e.type === 'eval' ? [{ reason: e.reason, step: e.result.step, count: e.result.count, accuracy: e.result.accuracy, loss: e.result.loss, confusionSum: e.result.confusion.reduce((a, b) => a + b, 0), elapsedMs: e.elapsedMs }] : [])),
    errors: mine.flatMap(({ e }) => (e.type === 'error' ? [e.message] : [])),
    started: started?.type === 'started'
      ? { paramsCount: started.paramsCount, classNames: started.classNames, samples: started.samples.count, sampleBytes: started.samples.images.length, setupMs: started.setupMs, trainCount: started.trainCount }
      : null,
  };
}

/**
 * The tiny preset, shortened for a smoke run: 32 training images seen again and again at a high
 * learning rate, so the loss falls clearly within 8 steps (on the full synthetic set it does not yet).
 */
function smokeConfig(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    ...presetConfig('tiny'),
    steps: int('steps', 8),
    batchSize: int('batch', 16),
    trainSize: int('trainSize', 32),
    lr: 1e-2,
    warmupSteps: 1,
    evalEvery: 0,
    evalSize: 200,
    ...overrides,
  };
}

const harness = {
  client,
  events,
  backend: parseBackendName(params.get('backend')),
  info: null as BackendInfo | null,
  done: false,
  failure: null as string | null,
  smokeConfig,
  summary,
  /** The fused WebGPU (WebGL) kernels against the composed ops, in this page (see e2e/kernel-checks.ts). */
  kernelChecks: async () => (await import('./kernel-checks')).runKernelChecks(),
  webGlKernelChecks: async () => (await import('./kernel-checks')).runWebGlKernelChecks(),
  /** Dispatches, submissions, readbacks, uploads and pipelines per training step on WebGPU (see e2e/gpu-step-counts.ts). */
  gpuStepCounts: async (...args: Parameters<typeof import('./gpu-step-counts').runGpuStepCounts>) =>
    (await import('./gpu-step-counts')).runGpuStepCounts(...args),
  /** Resolves with the next event of the current run of that type (and matching `match`). */
  next<T extends WorkerEvent['type']>(type: T, match: (e: Extract<WorkerEvent, { type: T }>) => boolean = () => true) {
    return client.waitFor<Extract<WorkerEvent, { type: T }>>((e) => e.type === type && match(e as Extract<WorkerEvent, { type: T }>));
  },
  /** init, then one run of the smoke config to its end (finished, stopped or error). */
  async smoke(overrides: Partial<ExperimentConfig> = {}, options: RunOptions = {}): Promise<void> {
    try {
      harness.info = await client.init(harness.backend);
      const end = client.waitFor((e) => (e.type === 'state' && (e.state === 'finished' || e.state === 'stopped')) || (e.type === 'error' && e.fatal));
      client.start(smokeConfig(overrides), { kind: 'synthetic' }, { frameHz: int('frameHz', 4), finalEvalSize: 64, ...options });
      const last = await end;
      if (last.type === 'error') harness.failure = last.message;
    } catch (err) {
      harness.failure = errorText(err);
    } finally {
      harness.done = true;
    }
  },
};

export type Harness = typeof harness;
export type HarnessWindow = { __harness: Harness };
export type RunSummary = ReturnType<typeof summary>;
(globalThis as unknown as HarnessWindow).__harness = harness;

if (params.get('run') === 'smoke') void harness.smoke();
