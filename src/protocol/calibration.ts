// The worker's calibrated backend choice, as data both sides read: what was measured per backend,
// which one won, the cache key (adapter + model shapes), the cache itself and the badge's words.
// Pure and DOM-free: the worker measures, the UI keeps the cache (localStorage) and shows it.
import type { ExperimentConfig } from '../engine/config';
import { BACKEND_NAMES, type BackendInfo, type BackendName } from './messages';

export const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export interface BackendMeasurement {
  backend: BackendName;
  /** Training images per second over the warm steps; absent when the backend was not measured. */
  imagesPerSec?: number;
  /** The first (cold) step, milliseconds: shader compilation and first allocations. */
  firstStepMs?: number;
  /** Why there is no rate: it failed to initialise, or its first step alone ran past the budget. */
  skipped?: string;
  /** The adapter (WebGPU) or renderer (WebGL) in a few words, e.g. "SwiftShader". */
  device?: string;
  /** Emulated in software on the CPU (SwiftShader, llvmpipe, a fallback adapter). */
  software?: boolean;
}

export interface Calibration {
  /** adapter + '|' + shapes: one result per device and model shape. */
  key: string;
  /** shapeKey() of the config measured. */
  shapes: string;
  measurements: BackendMeasurement[];
  chosen: BackendName;
  /** Wall time the measuring took, milliseconds. */
  costMs: number;
  /** When it was measured (ms since the epoch). */
  measuredAt: number;
  /** Set when this answer came from the cache instead of a measurement. */
  fromCache?: boolean;
}

/** What the UI sends for an automatic choice: the shapes to time, and what it measured before. */
export interface CalibrationRequest {
  config: ExperimentConfig;
  cached?: Calibration[];
  /** Ignore the cache and measure again. */
  remeasure?: boolean;
}

/**
 * Whether the current backend already answers a request: a forced one if it was forced alike; an
 * automatic one if it was measured for these shapes (and no re-measure is asked); with neither a
 * backend nor shapes (the e2e harness), whatever runs now.
 */
export function backendAnswers(info: BackendInfo, requested: BackendName | undefined, calibrate?: CalibrationRequest): boolean {
  if (requested) return requested === info.requested;
  if (!calibrate) return true;
  return !calibrate.remeasure && info.requested === undefined && info.calibration?.shapes === shapeKey(calibrate.config);
}

/** Everything that changes the cost of a training step, and nothing else (not lr, steps, seed). */
export function shapeKey(c: ExperimentConfig): string {
  const sparsity = c.method === 'svite' ? `svite${c.density}` : c.method === 's2vite' ? `s2vite${c.attnDensity}/${c.mlpDensity}` : 'dense';
  return [`img${c.imageSize}x${c.inChans}`, `p${c.patchSize}`, `D${c.embedDim}`, `L${c.depth}`, `H${c.numHeads}`,
    `mlp${c.mlpRatio}`, `C${c.numClasses}`, `B${c.batchSize}`, sparsity, `tok${c.tokenKeep}`].join(' ');
}

export function calibrationKey(adapter: string, shapes: string): string {
  return `${adapter}|${shapes}`;
}

/** The fastest measured backend, or undefined when none got a rate. */
export function pickFastest(measurements: readonly BackendMeasurement[]): BackendName | undefined {
  let best: BackendMeasurement | undefined;
  for (const m of measurements) {
    if (m.imagesPerSec !== undefined && Number.isFinite(m.imagesPerSec) && (!best || m.imagesPerSec > best.imagesPerSec!)) best = m;
  }
  return best?.backend;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/** Whether an adapter or renderer runs on the CPU (then a "GPU" backend is usually the slowest). */
export function isSoftwareAdapter(description: string, isFallbackAdapter = false): boolean {
  return isFallbackAdapter || SOFTWARE.test(description);
}

/** "WebGPU · SwiftShader (software) 6 img/s · WASM 552 img/s → WASM". */
export function describeCalibration(cal: Calibration): string {
  const parts = cal.measurements.map((m) => {
    const device = m.device ? ` · ${m.device}${m.software ? ' (software)' : ''}` : m.software ? ' (software)' : '';
    const result = m.imagesPerSec !== undefined ? `${formatRate(m.imagesPerSec)} img/s` : `– (${m.skipped ?? 'not measured'})`;
    return `${BACKEND_LABEL[m.backend]}${device} ${result}`;
  });
  return `${parts.join(' · ')} → ${BACKEND_LABEL[cal.chosen]}`;
}

function formatRate(r: number): string {
  return r >= 100 ? String(Math.round(r)) : r >= 10 ? r.toFixed(0) : r.toFixed(1);
}

// ---------------------------------------------------------------------------------------------
// The cache: newest first, one entry per key, bounded.

export const CALIBRATION_CACHE_SIZE = 16;

export function findCalibration(cache: readonly Calibration[], key: string): Calibration | undefined {
  return cache.find((c) => c.key === key);
}

/** The newest cached answer for these shapes (on any adapter) that did not choose `backend`. */
export function latestWithout(cache: readonly Calibration[], shapes: string, backend: BackendName): Calibration | undefined {
  return cache.find((c) => c.shapes === shapes && c.chosen !== backend);
}

export function rememberCalibration(cache: readonly Calibration[], cal: Calibration): Calibration[] {
  const { fromCache: _ignored, ...fresh } = cal;
  return [fresh, ...cache.filter((c) => c.key !== cal.key)].slice(0, CALIBRATION_CACHE_SIZE);
}

/** The cache from storage; anything malformed (an older format, a hand edit) is dropped. */
export function parseCalibrationCache(raw: string | null): Calibration[] {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter(isCalibration).slice(0, CALIBRATION_CACHE_SIZE) : [];
  } catch {
    return [];
  }
}

const NAMES: readonly string[] = BACKEND_NAMES;

function isCalibration(v: unknown): v is Calibration {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return typeof c.key === 'string' && typeof c.shapes === 'string' && NAMES.includes(c.chosen as string) &&
    typeof c.costMs === 'number' && typeof c.measuredAt === 'number' && Array.isArray(c.measurements) &&
    c.measurements.every((m) => m && typeof m === 'object' && NAMES.includes((m as { backend?: string }).backend as string));
}
