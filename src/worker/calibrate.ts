// The automatic backend choice: time a few warm training steps of the run's shapes on each backend
// that initialises, within a small budget, and keep the fastest. A "GPU" backend is not always
// the fast one: on SwiftShader (WebGPU emulated on the CPU) a step is ~100× slower than on WASM.
// The answer is cached per adapter and shapes by the UI, so later visits start at once.
import * as tf from '../engine/tf';
import type { ExperimentConfig } from '../engine/config';
import { syntheticDataset } from '../engine/data/synthetic';
import type { Dataset } from '../engine/data/types';
import { Trainer } from '../engine/trainer';
import { BACKEND_NAMES, type BackendInfo, type BackendName } from '../protocol/messages';
import {
  BACKEND_LABEL, calibrationKey, findCalibration, isSoftwareAdapter, latestWithout, pickFastest, shapeKey,
  type BackendMeasurement, type Calibration, type CalibrationRequest,
} from '../protocol/calibration';
import { abandonWebGpu, backendInfo, describeAdapter, fallbackText, probeWebGlRenderer, switchBackend } from '../backend/worker';
import { errorText } from '../backend/error-text';

/** A backend whose first step alone takes longer is given up (SwiftShader's first: 10–20 s). */
const FIRST_STEP_LIMIT_MS = 2000;
/** Warm steps timed per backend: this many, or fewer once this much time went into them. */
const WARM_STEPS = 3;
const WARM_MS = 600;
/**
 * WASM first: a dependable baseline. WebGPU last: a device given up on keeps the GPU process
 * busy compiling for a while, which would stall WebGL's start-up (measured: 21 s on SwiftShader).
 */
const CANDIDATES: readonly BackendName[] = ['wasm', 'webgl', 'webgpu'];

export async function calibratedBackend(req: CalibrationRequest): Promise<BackendInfo> {
  const adapter = await describeAdapter();
  const shapes = shapeKey(req.config);
  const key = calibrationKey(adapter.text, shapes);
  // A busy GPU process hides the adapter: the newest answer for these shapes that did not pick
  // WebGPU still holds (the adapter is there, just unanswering).
  const hit = req.remeasure ? undefined : findCalibration(req.cached ?? [], key) ?? (adapter.busy ? latestWithout(req.cached ?? [], shapes, 'webgpu') : undefined);
  if (hit && (await switchBackend(hit.chosen, adapter)) === null) return backendInfo(hit.chosen, adapter, undefined, undefined, { ...hit, fromCache: true });

  const t0 = performance.now();
  const config = calibrationConfig(req.config);
  const data = syntheticDataset({ imageSize: config.imageSize, channels: config.inChans === 3 ? 3 : 1, seed: config.seed, trainCount: config.batchSize * 2, testCount: 1 });
  const measurements: BackendMeasurement[] = [];
  for (const name of CANDIDATES) {
    // WebGL compiles and links its shaders synchronously: on a software renderer its start-up and
    // first step block for many seconds, and no deadline can cut that short. It never beats WASM there.
    const renderer = name === 'webgl' ? probeWebGlRenderer() : undefined;
    const device = name === 'webgl' ? withDevice(renderer && shortRenderer(renderer), isSoftwareAdapter(renderer ?? ''))
      : name === 'webgpu' ? withDevice(adapter.device, adapter.software) : {};
    if (name === 'webgl' && device.software) {
      measurements.push({ backend: name, ...device, skipped: 'software renderer: not timed' });
      continue;
    }
    // A software WebGPU adapter loses to WASM by ~50× once warm, and a first step given up on
    // leaves the GPU process compiling shaders on the same cores for ~20 s (measured: the next
    // WASM step took 5.8 s instead of ~1 s). Timed only when asked to measure again.
    if (name === 'webgpu' && adapter.software && !req.remeasure) {
      measurements.push({ backend: name, ...device, skipped: 'software adapter: not timed (Measure again times it)' });
      continue;
    }
    const why = await switchBackend(name, adapter);
    measurements.push(why === null ? { ...(await measure(name, config, data)), ...device } : { backend: name, ...device, skipped: `unavailable: ${why}` });
  }
  const chosen = pickFastest(measurements) ?? quickestFirstStep(measurements) ?? 'cpu';
  const why = await switchBackend(chosen, adapter);
  if (why !== null) throw new Error(`No tfjs backend could be initialised: ${BACKEND_LABEL[chosen]} (${why})`);
  const calibration: Calibration = { key, shapes, measurements, chosen, costMs: Math.round(performance.now() - t0), measuredAt: Date.now() };
  // WebGPU missing altogether (not merely slower) is still news for the banner.
  const gpu = measurements.find((m) => m.backend === 'webgpu');
  const fallback = chosen !== 'webgpu' && gpu?.skipped?.startsWith('unavailable') ? fallbackText([`WebGPU ${gpu.skipped}`], chosen) : undefined;
  return backendInfo(chosen, adapter, undefined, fallback, calibration);
}

/** The run's shapes on generated images: same step cost, no download, no topology update or eval. */
function calibrationConfig(c: ExperimentConfig): ExperimentConfig {
  const steps = 1000;
  return {
    ...c, dataset: 'synthetic', numClasses: c.preset.startsWith('deit') ? c.numClasses : 10, trainSize: 0, augment: false,
    steps, warmupSteps: 0, evalEvery: 0, updateInterval: steps,
  };
}

async function measure(name: BackendName, config: ExperimentConfig, data: Dataset): Promise<BackendMeasurement> {
  tf.disposeVariables();
  let trainer: Trainer | null = null;
  let abandoned = false;
  try {
    trainer = await Trainer.create(config, data);
    const t0 = performance.now();
    const first = trainer.step();
    // WASM and CPU compute synchronously (the race is decided after the fact); WebGPU and WebGL
    // queue work and wait for the read-back, which the deadline can cut short.
    const done = await Promise.race([first.then(() => true), sleep(FIRST_STEP_LIMIT_MS).then(() => false)]);
    const firstStepMs = Math.round(performance.now() - t0);
    if (!done || firstStepMs > FIRST_STEP_LIMIT_MS) {
      abandoned = !done;
      first.catch(() => undefined); // it may fail once its device is destroyed: nobody waits for it
      return { backend: name, firstStepMs, skipped: `first step over ${FIRST_STEP_LIMIT_MS / 1000} s` };
    }
    await trainer.step(); // untimed too: a second step may still allocate or compile (new shapes)
    const w0 = performance.now();
    let n = 0;
    while (n < WARM_STEPS && (n === 0 || performance.now() - w0 < WARM_MS)) {
      await trainer.step();
      n++;
    }
    return { backend: name, firstStepMs, imagesPerSec: (config.batchSize * n * 1000) / (performance.now() - w0) };
  } catch (err) {
    return { backend: name, skipped: `failed: ${errorText(err).slice(0, 160)}` };
  } finally {
    trainer?.dispose();
    if (abandoned && name === 'webgpu') abandonWebGpu();
  }
}

/** "SwiftShader" out of "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) …))". */
function shortRenderer(r: string): string | undefined {
  if (/swiftshader/i.test(r)) return 'SwiftShader';
  if (/llvmpipe/i.test(r)) return 'llvmpipe';
  return r ? (r.length > 40 ? `${r.slice(0, 40)}…` : r) : undefined;
}

function withDevice(device: string | undefined, software: boolean): Partial<BackendMeasurement> {
  return { ...(device ? { device } : {}), ...(software ? { software } : {}) };
}

/** When every backend ran past the budget: the one whose first step finished soonest, in the usual order. */
function quickestFirstStep(ms: BackendMeasurement[]): BackendName | undefined {
  const done = ms.filter((m) => m.firstStepMs !== undefined && !m.skipped?.startsWith('failed'));
  done.sort((a, b) => a.firstStepMs! - b.firstStepMs! || BACKEND_NAMES.indexOf(a.backend) - BACKEND_NAMES.indexOf(b.backend));
  return done[0]?.backend;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
