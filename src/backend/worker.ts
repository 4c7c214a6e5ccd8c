// Backend choice for the worker. Forced (`?backend=`, the picker): that one, else the fixed order
// webgpu → webgl → wasm → cpu. Automatic: src/worker/calibrate.ts measures and calls switchBackend.
// tf.setBackend returns false (or throws for an unregistered name) instead of explaining: we check
// both, fall back explicitly, assert tf.getBackend(), and say in words what happened.
import * as tf from '../engine/tf';
import { BACKEND_NAMES, type BackendInfo, type BackendName } from '../protocol/messages';
import { BACKEND_LABEL, isSoftwareAdapter, type Calibration } from '../protocol/calibration';
import { errorText } from './error-text';
import { applyWasmPatches } from './wasm-patches';
import { useSingleThreadedTfjsWasm, wasmThreadsFor } from './wasm-threads';
import { kernelHelperCount, startKernelHelpers, type SpawnHelper } from '../engine/kernels/kernel-pool';
import { shareKernels } from '../engine/kernels/wasm-kernel';
import { applyWebGpuPatches } from './webgpu-patches';
import { registerWebGlKernels } from '../engine/kernels/webgl';
import { registerWebGpuKernels } from '../engine/kernels/webgpu';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/**
 * The threads WASM computes on: every core, at most WASM_MAX_THREADS (wasm-threads.ts). tfjs runs
 * its single-threaded SIMD binary; our kernels split over this worker and threads − 1 helpers
 * (kernel-pool.ts), where the page is cross-origin isolated.
 */
const wasmThreads = wasmThreadsFor(globalThis.navigator?.hardwareConcurrency ?? 1);
let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm') | null = null;

/** Loads a backend's module (which registers it with tfjs); only the ones we try are fetched. */
const REGISTER: Record<BackendName, () => Promise<unknown>> = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  wasm: async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasmModule = wasm;
    // Served by us (bundled assets), never a CDN.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl, // setWasmPaths wants all three; never fetched (below)
    });
    useSingleThreadedTfjsWasm(tf.env());
  },
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

/** What a fallback costs, for the banner. Rough orders of magnitude, not measurements. */
const COST: Record<BackendName, string> = {
  webgpu: '',
  webgl: 'on a real GPU, WebGL usually trains slower than WebGPU',
  wasm: 'WASM runs on the CPU: expect training an order of magnitude slower than on a GPU',
  cpu: 'the plain JavaScript CPU backend is far slower: only the tiny preset is practical',
};

const INIT_TIMEOUT_MS = 30_000;

/** Order of attempts: the requested backend first, then the default chain. */
export function backendOrder(requested?: BackendName): BackendName[] {
  const first = requested ?? BACKEND_NAMES[0];
  return [first, ...BACKEND_NAMES.filter((b) => b !== first)];
}

/** Picks and initialises a backend (the requested one, else the fixed order); throws only if none works. */
export async function chooseBackend(requested?: BackendName): Promise<BackendInfo> {
  const want = requested ?? BACKEND_NAMES[0];
  const failures: string[] = [];
  const adapter = await describeAdapter();
  for (const name of backendOrder(requested)) {
    const why = await switchBackend(name, adapter);
    if (why === null) return backendInfo(name, adapter, requested, name !== want ? fallbackText(failures, name) : undefined);
    failures.push(`${BACKEND_LABEL[name]} unavailable (${why})`);
  }
  throw new Error(`No tfjs backend could be initialised: ${failures.join('; ')}`);
}

export function fallbackText(failures: string[], name: BackendName): string {
  return `${failures.join('; ')}. Running on ${BACKEND_LABEL[name]} instead: ${COST[name] || 'no extra cost'}.`;
}

/** The report of the backend tfjs now runs on. */
export function backendInfo(name: BackendName, adapter: AdapterReport, requested?: BackendName, fallbackReason?: string, calibration?: Calibration): BackendInfo {
  const info: BackendInfo = {
    backend: name,
    adapter: adapter.text,
    crossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
  };
  if (requested) info.requested = requested;
  if (fallbackReason) info.fallbackReason = fallbackReason;
  if (calibration) info.calibration = calibration;
  if (name === 'wasm' && wasmModule) info.wasmThreads = 1 + kernelHelperCount();
  return info;
}

/** A kernel helper thread (kernel-pool.ts) as a Worker started from its source. */
const spawnWorkerHelper: SpawnHelper = (source) => {
  const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  return { post: (message) => worker.postMessage(message), terminate: () => worker.terminate() };
};

/** Makes `name` the current backend (initialising it once): null on success, else the reason. */
export async function switchBackend(name: BackendName, adapter: AdapterReport): Promise<string | null> {
  if (name === 'webgpu' && !adapter.ok) return adapter.text;
  try {
    await REGISTER[name]();
    const warnings: string[] = [];
    // A backend whose init never settles (seen: WASM pthreads failing to start) must not hang us.
    const init = () => withConsoleWarnings(warnings, () => withTimeout(tf.setBackend(name), INIT_TIMEOUT_MS, `initialisation did not finish within ${INIT_TIMEOUT_MS / 1000} s`));
    const ok = await init();
    if (!ok) return warnings.length ? firstLine(warnings.join(' ')) : 'tf.setBackend returned false';
    await tf.ready();
    const got = tf.getBackend();
    if (got !== name) return `tfjs reports backend "${got}" after setBackend("${name}")`;
    if (name === 'webgpu') {
      applyWebGpuPatches();
      registerWebGpuKernels(); // the fused kernels (src/engine/kernels/webgpu)
    }
    if (name === 'webgl') registerWebGlKernels(); // the fused kernels (src/engine/kernels/webgl)
    if (name === 'wasm') {
      applyWasmPatches();
      const shared = wasmThreads > 1 && kernelHelperCount() === 0 ? shareKernels() : null;
      if (shared) startKernelHelpers(shared, wasmThreads - 1, spawnWorkerHelper);
    }
    return null;
  } catch (err) {
    return firstLine(errorText(err));
  }
}

// ---------------------------------------------------------------------------------------------
// WebGPU adapter and device

export interface AdapterReport {
  ok: boolean;
  /** "vendor / architecture / description" or why there is no adapter. */
  text: string;
  /** The adapter in a word or two ("SwiftShader"), for the measured table. */
  device?: string;
  /** A CPU emulation (fallback adapter, SwiftShader, llvmpipe). */
  software: boolean;
  /** The GPU process did not answer in time: the adapter is unknown, not absent. */
  busy?: boolean;
}

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

function gpu(): GpuLike | undefined {
  return (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
}

const ADAPTER_TIMEOUT_MS = 5_000;
const ADAPTER_BUSY = `navigator.gpu.requestAdapter() did not answer within ${ADAPTER_TIMEOUT_MS / 1000} s: the GPU process is busy (e.g. still compiling another page's shaders); reload later to use WebGPU`;

export async function describeAdapter(): Promise<AdapterReport> {
  const g = gpu();
  if (!g) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
    return { ok: false, software: false, text: secure === false ? 'navigator.gpu is missing: the page is not a secure context (use https or localhost)' : 'navigator.gpu is missing: this browser has no WebGPU' };
  }
  try {
    // A GPU process still busy (e.g. compiling another page's shaders after Measure again) can
    // hold requestAdapter for 30 s and more (measured after a reload); the studio must not wait on it.
    const adapter = await withTimeout(g.requestAdapter({ powerPreference: 'high-performance' }), ADAPTER_TIMEOUT_MS, ADAPTER_BUSY);
    if (!adapter) return { ok: false, software: false, text: 'navigator.gpu.requestAdapter() returned no adapter (GPU blocklisted or disabled?)' };
    const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
    const parts = [info.vendor, info.architecture, info.description || info.device].filter((p): p is string => Boolean(p));
    const text = (parts.join(' / ') || 'unnamed adapter') + (adapter.isFallbackAdapter ? ' (fallback adapter)' : '');
    return { ok: true, text, device: shortDevice(parts), software: isSoftwareAdapter(text, adapter.isFallbackAdapter) };
  } catch (err) {
    if (err instanceof Error && err.message === ADAPTER_BUSY) return { ok: false, software: false, busy: true, text: ADAPTER_BUSY };
    return { ok: false, software: false, text: `requestAdapter failed: ${firstLine(errorText(err))}` };
  }
}

/** "SwiftShader" rather than "google / swiftshader / SwiftShader Device (Subzero)". */
function shortDevice(parts: string[]): string | undefined {
  if (parts.some((p) => /swiftshader/i.test(p))) return 'SwiftShader';
  const llvm = parts.find((p) => /llvmpipe|lavapipe/i.test(p));
  return llvm ? llvm.split(' ')[0] : parts[2] ?? parts[1] ?? parts[0];
}

/**
 * WebGL's renderer (e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)…))") from a
 * throwaway context, without initialising tfjs's WebGL backend (its start-up compiles shaders).
 */
export function probeWebGlRenderer(): string | undefined {
  try {
    const Canvas = (globalThis as { OffscreenCanvas?: typeof OffscreenCanvas }).OffscreenCanvas;
    const gl = Canvas ? new Canvas(1, 1).getContext('webgl2') : null;
    if (!gl) return undefined;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const r: unknown = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof r === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Gives up on the current WebGPU device mid-work: destroying it cancels the queued work (on
 * SwiftShader, seconds of CPU that would slow whichever backend runs next), and the backend is
 * re-made from its factory if it is ever chosen again.
 */
export function abandonWebGpu(): void {
  if (tf.getBackend() !== 'webgpu') return;
  (tf.backend() as unknown as { device?: { destroy?: () => void } }).device?.destroy?.();
  resetBackend('webgpu');
}

interface GpuDeviceLike {
  lost?: Promise<{ reason?: string; message?: string }>;
  addEventListener?: (type: 'uncapturederror', l: (e: { error?: { message?: string } }) => void) => void;
}

/**
 * Calls onLost once if the WebGPU device of the current backend is lost (not when we destroy it),
 * and onError for uncaptured GPU errors (validation, out of memory). No-op on other backends.
 */
export function watchWebGpuDevice(onLost: (message: string) => void, onError: (message: string) => void): void {
  if (tf.getBackend() !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device;
  device?.lost?.then((info) => {
    if (info.reason === 'destroyed') return;
    onLost(`The WebGPU device was lost${info.reason ? ` (${info.reason})` : ''}: ${info.message || 'no details'}. ` +
      'The GPU may have been reset or the tab used too much GPU memory; reload the page to start again.');
  }, () => undefined);
  device?.addEventListener?.('uncapturederror', (e) => onError(`WebGPU error: ${e.error?.message ?? 'unknown'}`));
}

/** After a lost device: drop the dead backend instance but keep its factory, so it can be re-made. */
export function resetBackend(name: BackendName): void {
  const factory = tf.findBackendFactory(name);
  if (!factory) return;
  tf.removeBackend(name);
  tf.registerBackend(name, factory);
}

// ---------------------------------------------------------------------------------------------

/** Runs fn while collecting console.warn output (tfjs explains failed backend inits there). */
async function withConsoleWarnings<T>(into: string[], fn: () => Promise<T>): Promise<T> {
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    into.push(args.map(errorText).join(' '));
    original.apply(console, args);
  };
  try {
    return await fn();
  } finally {
    console.warn = original;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const firstLine = (s: string): string => s.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ').slice(0, 300);
