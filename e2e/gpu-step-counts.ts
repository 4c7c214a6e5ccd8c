// Page-side step structure of training on WebGPU: the GPUDevice and GPUQueue of tfjs's WebGPU
// backend are wrapped so that every compute pipeline created, dispatch, queue submission, buffer
// read back (mapAsync for reading) and upload (writeBuffer, or a buffer mapped at creation) is
// counted. A Trainer of the preset's shapes (synthetic images) then trains in this page, and the
// counts are taken at step marks: structure, not time, so they hold on any GPU. Loaded on demand by
// the harness (`__harness.gpuStepCounts()`); e2e/webgpu-steps.spec.ts asserts on them and
// scripts/bench-webgpu-steps.ts records them (bench/results/webgpu-steps.json).
import '@tensorflow/tfjs-backend-webgpu';
import { presetConfig, type PresetName } from '../src/engine/config';
import { syntheticDataset } from '../src/engine/data/synthetic';
import { registerWebGpuKernels } from '../src/engine/kernels/webgpu';
import * as tf from '../src/engine/tf';
import { Trainer } from '../src/engine/trainer';

/** What the device was asked to do. Uploads are buffer writes and buffers mapped at creation, uniforms apart. */
export interface GpuCounts {
  pipelines: number;
  dispatches: number;
  submissions: number;
  /** Buffers mapped for reading: each is a GPU→CPU round trip that waits for the queue. */
  readbacks: number;
  uploads: number;
  bytesUploaded: number;
  /** Bytes written to uniform buffers (the shapes and scalars of each dispatch). */
  uniformBytes: number;
}

export interface GpuStepCounts {
  preset: string;
  method: string;
  batch: number;
  readbackEvery: number;
  warmupSteps: number;
  /** The first step of the steady window, a chunk boundary after warm-up, and its length. */
  steadyFrom: number;
  steadySteps: number;
  /** Steps per Trainer.steps call, warm-up included. */
  chunks: number[];
  perStep: GpuCounts;
  window: GpuCounts;
  /** Pipelines created after the warm-up steps (the target is 0). */
  pipelinesAfterWarmup: number;
  total: GpuCounts;
  gpuErrors: string[];
  losses: number[];
}

const UNIFORM = 0x40; // GPUBufferUsage.UNIFORM
const MAP_READ = 0x1; // GPUMapMode.READ

type Fn = (...args: never[]) => unknown;
/** Replaces obj[key] by a wrapper that calls `before` with the arguments (and returns the original's result). */
function tap<T extends object>(obj: T, key: string, before: (...args: never[]) => void, after?: (result: unknown) => void): () => void {
  const o = obj as Record<string, Fn>;
  const original = o[key];
  o[key] = function (this: unknown, ...args: never[]) {
    before(...args);
    const result = original.apply(this, args);
    after?.(result);
    return result;
  } as Fn;
  return () => { o[key] = original; };
}

interface Device {
  queue: object;
  createCommandEncoder: Fn;
  addEventListener(type: 'uncapturederror', l: (e: { error: { message: string } }) => void): void;
}

/** Counts on tfjs's device until the returned `stop` is called. */
function instrument(device: Device): { counts: GpuCounts; errors: string[]; stop: () => void } {
  const counts: GpuCounts = { pipelines: 0, dispatches: 0, submissions: 0, readbacks: 0, uploads: 0, bytesUploaded: 0, uniformBytes: 0 };
  const errors: string[] = [];
  device.addEventListener('uncapturederror', (e) => errors.push(e.error.message));
  const onPass = (pass: object) => void tap(pass, 'dispatchWorkgroups', () => void counts.dispatches++);
  const onEncoder = (encoder: object) => void tap(encoder, 'beginComputePass', () => {}, (pass) => onPass(pass as object));
  const bytesOf = (data: ArrayBufferView | ArrayBuffer, dataOffset = 0, size?: number): number => {
    const unit = ArrayBuffer.isView(data) ? (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1 : 1;
    return size !== undefined ? size * unit : data.byteLength - dataOffset * unit;
  };
  const buffer = (globalThis as unknown as { GPUBuffer: { prototype: object } }).GPUBuffer.prototype;
  const undo = [
    tap(device, 'createComputePipeline', () => void counts.pipelines++),
    tap(device, 'createComputePipelineAsync', () => void counts.pipelines++),
    tap(device, 'createCommandEncoder', () => {}, (encoder) => onEncoder(encoder as object)),
    tap(device, 'createBuffer', (desc: { size: number; mappedAtCreation?: boolean }) => {
      if (desc.mappedAtCreation) { counts.uploads++; counts.bytesUploaded += desc.size; }
    }),
    tap(device.queue, 'submit', () => void counts.submissions++),
    tap(device.queue, 'writeBuffer', (target: { usage: number }, _offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset?: number, size?: number) => {
      const bytes = bytesOf(data, dataOffset, size);
      if (target.usage & UNIFORM) counts.uniformBytes += bytes;
      else { counts.uploads++; counts.bytesUploaded += bytes; }
    }),
    tap(buffer, 'mapAsync', (mode: number) => { if (mode & MAP_READ) counts.readbacks++; }),
  ];
  return { counts, errors, stop: () => undo.forEach((f) => f()) };
}

const difference = (a: GpuCounts, b: GpuCounts): GpuCounts =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - b[k as keyof GpuCounts]])) as unknown as GpuCounts;

/**
 * Trains `steady` steps past warm-up (the first `warmup` steps, then up to the first chunk boundary
 * after them) with the given readback schedule; counts per step over the steady steps, and the
 * pipelines created after the warm-up.
 */
export async function runGpuStepCounts(preset: PresetName, readbackEvery?: number, warmup = 3, steady = 16): Promise<GpuStepCounts> {
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not initialise');
  registerWebGpuKernels();
  const config = { ...presetConfig(preset), evalEvery: 0, steps: 10_000 };
  const data = syntheticDataset({ imageSize: config.imageSize, channels: config.inChans === 3 ? 3 : 1, seed: 0, trainCount: 4 * config.batchSize, testCount: 16 });
  const { counts, errors, stop } = instrument((tf.backend() as unknown as { device: Device }).device);
  const trainer = await Trainer.create(config, data, readbackEvery ? { readbackEvery } : {});
  const chunks: number[] = [];
  const trainTo = async (step: number): Promise<void> => {
    while (trainer.stepsDone < step) chunks.push((await trainer.steps(step - trainer.stepsDone)).length);
  };
  try {
    await trainTo(warmup);
    const afterWarmup = { ...counts };
    const every = readbackEvery ?? 8;
    const start = Math.ceil(warmup / every) * every; // the steady window starts at a chunk boundary
    await trainTo(start);
    const atStart = { ...counts };
    await trainTo(start + steady);
    const window = difference(counts, atStart);
    const perStep = Object.fromEntries(Object.entries(window).map(([k, v]) => [k, v / steady])) as unknown as GpuCounts;
    return {
      preset, method: config.method, batch: config.batchSize, readbackEvery: every, warmupSteps: warmup, steadyFrom: start + 1, steadySteps: steady,
      chunks, perStep, window, pipelinesAfterWarmup: counts.pipelines - afterWarmup.pipelines, total: { ...counts }, gpuErrors: errors,
      losses: [...trainer.losses],
    };
  } finally {
    trainer.dispose();
    stop();
  }
}
