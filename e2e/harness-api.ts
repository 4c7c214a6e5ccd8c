// Types of what src/worker/harness.ts exposes on the page as `globalThis.__harness` (the harness
// itself compiles with browser types, so the Node-side tests restate the part they use).
import type { ExperimentConfig } from '../src/engine/config';
import type { TrainingClient } from '../src/protocol/client';
import type { BackendInfo, BackendName, RunOptions, RunState, WorkerEvent } from '../src/protocol/messages';

export interface RunSummary {
  runId: number;
  steps: number[];
  loss: number[];
  lr: number[];
  stepMs: number[];
  frames: Array<{
    seq: number; step: number; state: RunState; count: number; at: number; masks: number; globalDensity: number;
    stepsPerSec: number; imagesPerSec: number; etaMs: number; elapsedMs: number; flopsExecuted: number; updates: number; numTensors: number;
  }>;
  states: Array<{ state: RunState; step: number; at: number }>;
  evals: Array<{ reason: string; step: number; count: number; accuracy: number; loss: number; confusionSum: number; elapsedMs: number }>;
  errors: string[];
  started: { paramsCount: number; classNames: string[]; samples: number; sampleBytes: number; setupMs: number; trainCount: number } | null;
}

export interface HarnessApi {
  client: TrainingClient;
  events: WorkerEvent[];
  backend: BackendName | undefined;
  info: BackendInfo | null;
  done: boolean;
  failure: string | null;
  smokeConfig(overrides?: Partial<ExperimentConfig>): ExperimentConfig;
  summary(runId?: number): RunSummary;
  next<T extends WorkerEvent['type']>(type: T, match?: (e: Extract<WorkerEvent, { type: T }>) => boolean): Promise<Extract<WorkerEvent, { type: T }>>;
  smoke(overrides?: Partial<ExperimentConfig>, options?: RunOptions): Promise<void>;
}

export type HarnessWindow = { __harness: HarnessApi };

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
