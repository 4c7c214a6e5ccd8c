// Backend choice for the worker: webgpu → webgl → wasm → cpu, or the requested one first.
// tf.setBackend returns false (or throws for an unregistered name) instead of explaining: we check
// both, fall back explicitly, assert tf.getBackend(), and say in words what happened.
import * as tf from '../engine/tf';
import { BACKEND_NAMES, type BackendInfo, type BackendName } from '../protocol/messages';
import { errorText } from './error-text';
import { applyWasmPatches } from './wasm-patches';
import { applyWebGpuPatches } from './webgpu-patches';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Loads a backend's module (which registers it with tfjs); only the ones we try are fetched. */
const REGISTER: Record<BackendName, () => Promise<unknown>> = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  wasm: async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Served by us (bundled assets), never a CDN.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
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

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** Order of attempts: the requested backend first, then the default chain. */
export function backendOrder(requested?: BackendName): BackendName[] {
  const first = requested ?? BACKEND_NAMES[0];
  return [first, ...BACKEND_NAMES.filter((b) => b !== first)];
}

/** Picks and initialises a backend; throws only if none at all works. */
export async function chooseBackend(requested?: BackendName): Promise<BackendInfo> {
  const want = requested ?? BACKEND_NAMES[0];
  const failures: string[] = [];
  const adapter = await describeAdapter();
  for (const name of backendOrder(requested)) {
    const why = await trySetBackend(name, adapter);
    if (why === null) {
      const info: BackendInfo = {
        backend: name,
        requested: want,
        adapter: adapter.text,
        crossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
      };
      if (name !== want) {
        info.fallbackReason = `${failures.join('; ')}. Running on ${LABEL[name]} instead: ${COST[name] || 'no extra cost'}.`;
      }
      return info;
    }
    failures.push(`${LABEL[name]} unavailable (${why})`);
  }
  throw new Error(`No tfjs backend could be initialised: ${failures.join('; ')}`);
}

/** null on success, else the reason. */
async function trySetBackend(name: BackendName, adapter: AdapterReport): Promise<string | null> {
  if (name === 'webgpu' && !adapter.ok) return adapter.text;
  try {
    await REGISTER[name]();
    const warnings: string[] = [];
    // A backend whose init never settles (seen: WASM pthreads failing to start) must not hang us.
    const ok = await withConsoleWarnings(warnings, () => withTimeout(tf.setBackend(name), INIT_TIMEOUT_MS, `initialisation did not finish within ${INIT_TIMEOUT_MS / 1000} s`));
    if (!ok) return warnings.length ? firstLine(warnings.join(' ')) : 'tf.setBackend returned false';
    await tf.ready();
    const got = tf.getBackend();
    if (got !== name) return `tfjs reports backend "${got}" after setBackend("${name}")`;
    if (name === 'webgpu') applyWebGpuPatches();
    if (name === 'wasm') applyWasmPatches();
    return null;
  } catch (err) {
    return firstLine(errorText(err));
  }
}

// ---------------------------------------------------------------------------------------------
// WebGPU adapter and device

interface AdapterReport {
  ok: boolean;
  /** "vendor / architecture / description" or why there is no adapter. */
  text: string;
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

async function describeAdapter(): Promise<AdapterReport> {
  const g = gpu();
  if (!g) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
    return { ok: false, text: secure === false ? 'navigator.gpu is missing: the page is not a secure context (use https or localhost)' : 'navigator.gpu is missing: this browser has no WebGPU' };
  }
  try {
    const adapter = await g.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { ok: false, text: 'navigator.gpu.requestAdapter() returned no adapter (GPU blocklisted or disabled?)' };
    const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
    const parts = [info.vendor, info.architecture, info.description || info.device].filter(Boolean);
    return { ok: true, text: (parts.join(' / ') || 'unnamed adapter') + (adapter.isFallbackAdapter ? ' (fallback adapter)' : '') };
  } catch (err) {
    return { ok: false, text: `requestAdapter failed: ${firstLine(errorText(err))}` };
  }
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
