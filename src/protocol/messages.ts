// The training worker's API, written once and imported by both sides (worker and UI).
// A hand-typed discriminated union over postMessage: commands go UI → worker, events worker → UI.
// Every message has a `type` and a `runId`; frames also carry a `seq` (0, 1, 2, … per run).
// The worker ignores commands for a run that is not current; the UI drops events of stale runs
// (see run-gate.ts). No DOM types here: this file is compiled with the engine.
// The UI keeps the config it started a run with; nothing echoes it back.
import type { ExperimentConfig } from '../engine/config';
import type { FlopsReport } from '../engine/flops';
import type { EvalResult, SparsitySnapshot, UpdateEvent } from '../engine/snapshot';
import type { Calibration, CalibrationRequest } from './calibration';
import type { Layout } from '../engine/io/checkpoint';
import type { HeadMaps } from '../engine/try-image';

// ---------------------------------------------------------------------------------------------
// Backends

/** Preference order when nothing is requested. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function parseBackendName(value: string | null | undefined): BackendName | undefined {
  return BACKEND_NAMES.find((b) => b === value);
}

export interface BackendInfo {
  /** The backend tfjs really runs on (asserted with tf.getBackend()). */
  backend: BackendName;
  /** What was asked for; absent when the worker chose (by measuring, or in the fixed order). */
  requested?: BackendName;
  /** WebGPU adapter as "vendor / architecture / description", or a note why there is none. */
  adapter: string;
  /** Set when the backend is not the requested one: what failed, in words for a banner. */
  fallbackReason?: string;
  /** Whether the worker is cross-origin isolated (WASM threads need it). */
  crossOriginIsolated: boolean;
  /** Threads the WASM backend runs on (1 without cross-origin isolation); absent on other backends. */
  wasmThreads?: number;
  /** The measurements behind an automatic choice (fresh or from the cache). */
  calibration?: Calibration;
}

// ---------------------------------------------------------------------------------------------
// Commands (UI → worker)

export interface DataFile {
  name: string;
  bytes: Uint8Array;
}

/** Where the images come from: generated, fetched from a folder the server serves, or user files. */
export type DataSource =
  | { kind: 'synthetic' }
  | { kind: 'served'; baseUrl: string }
  | { kind: 'files'; files: DataFile[] };

/**
 * Training time between checkpoints (pauses excluded), the "about every 30 s": a tiny or
 * fmnist checkpoint takes tens of milliseconds to write, well under 1% of this interval.
 */
export const CHECKPOINT_EVERY_MS = 30_000;

/** The first checkpoint of a run, in training milliseconds: a reload in the first seconds can resume. */
export const FIRST_CHECKPOINT_MS = 2_000;

/**
 * Training milliseconds from the checkpoint number `done` (0 = none yet) to the next: 2 s, 4 s, 8 s,
 * 16 s, then every `everyMs`. The default run takes 10–26 s: with a flat 30 s it had none at all.
 */
export function checkpointIntervalMs(done: number, everyMs = CHECKPOINT_EVERY_MS): number {
  return Math.min(everyMs, FIRST_CHECKPOINT_MS * 2 ** Math.min(done, 30));
}

export interface RunOptions {
  /** Training milliseconds between checkpoints (default CHECKPOINT_EVERY_MS); also at pause and at the end. */
  checkpointEveryMs?: number;
  /** With `resumeFrom`: Continue, this many steps past the checkpoint's end (Trainer.continueBy). */
  continueBy?: number;
  /** With `resumeFrom`: the training milliseconds the run had at its checkpoint, where its clock goes on from. */
  elapsedMs?: number;
  /** Upper bound on frames per second while running (default 4). */
  frameHz?: number;
  /** Sample images shown in the token panel (default: the trainer's). */
  sampleCount?: number;
  /** Build the trainer, then wait paused for `resume` or `step`. */
  startPaused?: boolean;
  /** Test images for the evaluation at the end (default: config.evalSize, 0 = whole test set). */
  finalEvalSize?: number;
}

export type Command =
  /**
   * Choose the backend now (otherwise the first `start` does). Answered by a `ready` event. Without
   * `backend`, `calibrate` has the worker time the config's shapes on each backend and take the fastest.
   */
  | { type: 'init'; runId: number; backend?: BackendName; calibrate?: CalibrationRequest }
  /** Start a run; supersedes (stops and disposes) the current one. runIds must increase. */
  | {
      type: 'start';
      runId: number;
      config: ExperimentConfig;
      data: DataSource;
      backend?: BackendName;
      /** As for `init`: re-measures when the shapes differ from the current calibration's. */
      calibrate?: CalibrationRequest;
      options?: RunOptions;
      /** A model file (safetensors, e.g. from `cli export` or Export) to load before the first step. */
      model?: DataFile;
      /** A training checkpoint (a `checkpoint` event's bytes) to go on from; `config` is its config. */
      resumeFrom?: DataFile;
    }
  | { type: 'pause'; runId: number }
  | { type: 'resume'; runId: number }
  /** One step while paused (ignored while running). */
  | { type: 'step'; runId: number }
  /** Ends the run after the current step; the trained model stays for `evaluate`. */
  | { type: 'stop'; runId: number }
  /** Evaluate between steps (also after stop/finish). limit: test images (default config.evalSize). */
  | { type: 'evaluate'; runId: number; limit?: number }
  /** The model file (safetensors, as `cli export` writes it), read between steps; answered by `exported`. */
  | { type: 'export'; runId: number; requestId: number; layout: Layout }
  /** One image through the current model at evaluation, between steps; answered by `tried`. */
  | { type: 'try'; runId: number; requestId: number; input: TryInput };

/** Try-it input: pixels already at the model's input size (uint8, HWC), or test image `index` of the data set. */
export type TryInput = { kind: 'pixels'; pixels: Uint8Array } | { kind: 'test'; index: number };

export type CommandType = Command['type'];

// ---------------------------------------------------------------------------------------------
// Events (worker → UI)

export type RunState = 'running' | 'paused' | 'evaluating' | 'stopped' | 'finished';

export interface SampleImages {
  images: Uint8Array; // count × height × width × channels, HWC
  count: number;
  height: number;
  width: number;
  channels: number;
}

export interface ReadyEvent {
  type: 'ready';
  runId: number;
  info: BackendInfo;
}

export interface StartedEvent {
  type: 'started';
  runId: number;
  paramsCount: number;
  samples: SampleImages;
  classNames: string[];
  trainCount: number;
  testCount: number;
  /** What the user should know about how the data set was assembled (e.g. a partial CIFAR-10). */
  dataNotes: string[];
  /** Milliseconds from the start command to a built trainer (data + model). */
  setupMs: number;
}

/** Everything since the previous frame of the run: scalars per step plus the latest state. */
export interface FrameEvent {
  type: 'frame';
  runId: number;
  seq: number;
  state: RunState;
  /** Steps completed. */
  step: number;
  totalSteps: number;
  /** Per step since the previous frame (same length each, possibly 0). */
  steps: Int32Array;
  loss: Float32Array;
  lr: Float32Array;
  tau: Float32Array;
  stepMs: Float32Array;
  /** Topology updates done since the previous frame. */
  updates: UpdateEvent[];
  snapshot: SparsitySnapshot;
  flops: FlopsReport;
  stepsPerSec: number;
  imagesPerSec: number;
  /** Estimated milliseconds to the last step at the current rate (NaN before a rate is known). */
  etaMs: number;
  /** Milliseconds spent running (pauses excluded). */
  elapsedMs: number;
  /** tfjs tensors alive in the worker: flat from step to step, or something leaks. */
  numTensors: number;
}

export interface EvalEvent {
  type: 'eval';
  runId: number;
  result: EvalResult;
  /** 'periodic' every config.evalEvery steps, 'final' at the end, 'requested' by a command. */
  reason: 'periodic' | 'final' | 'requested';
  elapsedMs: number;
}

export interface StateEvent {
  type: 'state';
  runId: number;
  state: RunState;
  step: number;
}

export interface WorkerErrorEvent {
  type: 'error';
  runId: number;
  /** Readable, for the UI as is. */
  message: string;
  /** The run cannot continue (it has stopped). */
  fatal: boolean;
  /** The WebGPU device was lost: reload or pick another backend. */
  deviceLost?: boolean;
  /** The command that failed, when one did. */
  command?: CommandType;
}

/** The answer to `export`: the model file's bytes (transferred). */
export interface ExportedEvent {
  type: 'exported';
  runId: number;
  requestId: number;
  layout: Layout;
  bytes: Uint8Array;
}

/** The answer to `try`: what the model makes of one image. */
export interface TriedEvent {
  type: 'tried';
  runId: number;
  requestId: number;
  /** The image that ran: uint8, HWC, size × size × channels (the model's input). */
  image: Uint8Array;
  size: number;
  channels: number;
  /** For a test image: its index and true label. */
  test: { index: number; label: number } | null;
  /** The five most probable classes, most probable first (names from the data set). */
  top: { cls: number; name: string; prob: number }[];
  /** Kept patch indices (SViTE+), or null when every patch runs. */
  kept: Int32Array | null;
  /** Patches per side of the attention maps. */
  grid: number;
  /** Per block: the live heads' cls-row attention over the patch grid. */
  blocks: HeadMaps[];
  /** Steps the model had when it ran. */
  step: number;
}

/** A DOM Blob, structurally (this file compiles without DOM types). */
export interface CheckpointBlob {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A training checkpoint, taken between steps; the frames up to `step` were posted before it. A Blob
 * made in the worker: the UI stores it in IndexedDB by reference, with no copy on its thread.
 */
export interface CheckpointEvent {
  type: 'checkpoint';
  runId: number;
  step: number;
  blob: CheckpointBlob;
  /** Worker milliseconds spent writing it. */
  ms: number;
}

export type WorkerEvent = ReadyEvent | StartedEvent | FrameEvent | EvalEvent | StateEvent | WorkerErrorEvent | ExportedEvent | TriedEvent | CheckpointEvent;

// ---------------------------------------------------------------------------------------------
// Transfers

/** Buffers a command can hand over (the files of a `files` data source). */
export function commandTransfers(cmd: Command): ArrayBuffer[] {
  if (cmd.type === 'try') return cmd.input.kind === 'pixels' ? uniqueWholeBuffers([cmd.input.pixels]) : [];
  if (cmd.type !== 'start') return [];
  return uniqueWholeBuffers([...(cmd.data.kind === 'files' ? cmd.data.files.map((f) => f.bytes) : []), ...(cmd.model ? [cmd.model.bytes] : []), ...(cmd.resumeFrom ? [cmd.resumeFrom.bytes] : [])]);
}

/** Each distinct ArrayBuffer once, and only those the views cover entirely (safe to detach). */
export function uniqueWholeBuffers(views: ArrayBufferView[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength) out.add(b);
  }
  return [...out];
}
