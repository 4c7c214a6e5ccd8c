// The run slice: low-frequency facts about the current run (state, counters, backend, errors).
// Updated at most once per worker frame (≤ 4/s while training); typed arrays never come here:
// streamed data lives in frames/run-data.ts.
import type { StateCreator } from 'zustand';
import type { ExperimentConfig } from '../../engine/config';
import type { BackendInfo, RunState } from '../../protocol/messages';
import type { StudioState } from './index';

export type RunStatus = 'idle' | 'starting' | RunState;

/** A run holds the worker (its model in use, training or evaluating at the end): not to be replaced. */
export const isLive = (s: RunStatus): boolean => s === 'running' || s === 'starting' || s === 'paused' || s === 'evaluating';

export interface RunError {
  id: number;
  message: string;
  fatal: boolean;
  deviceLost: boolean;
  /** The data set could not be loaded (missing or corrupt files). */
  data: boolean;
  command?: string;
}

export interface RunMeta {
  paramsCount: number;
  trainCount: number;
  testCount: number;
  classNames: string[];
  dataNotes: string[];
  setupMs: number;
}

export interface RunProgress {
  step: number;
  totalSteps: number;
  stepsPerSec: number;
  imagesPerSec: number;
  etaMs: number;
  elapsedMs: number;
  lastLoss: number;
}

export interface EvalSummary {
  step: number;
  /** null when the loss was not finite. */
  accuracy: number | null;
  loss: number;
  count: number;
  reason: string;
}

export interface RunSlice {
  status: RunStatus;
  /** The config the run on screen started with (null before the first Start / after Reset): set at Start only. */
  runConfig: ExperimentConfig | null;
  progress: RunProgress;
  backend: BackendInfo | null;
  backendPending: boolean;
  meta: RunMeta | null;
  lastEval: EvalSummary | null;
  errors: RunError[];
  /** Frames received in this run (drives low-frequency redraws of labels). */
  frames: number;
  beginRun: (config: ExperimentConfig) => void;
  resetRun: () => void;
  setStatus: (status: RunStatus, step?: number) => void;
  setProgress: (p: Partial<RunProgress>, status?: RunStatus) => void;
  setBackend: (info: BackendInfo | null) => void;
  setMeta: (meta: RunMeta) => void;
  setEval: (e: EvalSummary) => void;
  pushError: (e: Omit<RunError, 'id'>) => void;
  dismissError: (id: number) => void;
}

const EMPTY_PROGRESS: RunProgress = { step: 0, totalSteps: 0, stepsPerSec: NaN, imagesPerSec: NaN, etaMs: NaN, elapsedMs: 0, lastLoss: NaN };
let errorId = 0;

export const createRunSlice: StateCreator<StudioState, [], [], RunSlice> = (set, get) => ({
  status: 'idle',
  runConfig: null,
  progress: EMPTY_PROGRESS,
  backend: null,
  backendPending: true,
  meta: null,
  lastEval: null,
  errors: [],
  frames: 0,
  beginRun: (config) => set({
    status: 'starting', runConfig: config, meta: null, lastEval: null, frames: 0,
    progress: { ...EMPTY_PROGRESS, totalSteps: config.steps },
    // A new run clears the errors of the previous one, except a lost device (it needs a reload).
    errors: get().errors.filter((e) => e.deviceLost),
  }),
  resetRun: () => set({ status: 'idle', runConfig: null, meta: null, lastEval: null, frames: 0, progress: EMPTY_PROGRESS }),
  setStatus: (status, step) => set(step === undefined ? { status } : { status, progress: { ...get().progress, step } }),
  setProgress: (p, status) => set({ progress: { ...get().progress, ...p }, frames: get().frames + 1, ...(status ? { status } : {}) }),
  setBackend: (backend) => set({ backend, backendPending: false }),
  setMeta: (meta) => set({ meta }),
  setEval: (lastEval) => set({ lastEval }),
  pushError: (e) => {
    const dup = get().errors.find((x) => x.message === e.message);
    if (dup) return;
    set({ errors: [...get().errors, { ...e, id: ++errorId }].slice(-4) });
  },
  dismissError: (id) => set({ errors: get().errors.filter((e) => e.id !== id) }),
});
