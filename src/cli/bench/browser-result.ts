// The browser section's data, measured by scripts/bench-browser.ts (Playwright, headless Chromium)
// and rendered by render.ts like every other section.
import type { BackendName } from '../../protocol/messages';

/** Training throughput of a preset's shapes on one backend, in the real worker. */
export interface ThroughputRow {
  backend: BackendName;
  /** The preset whose shapes were trained (fmnist; tiny where fmnist is too slow to profile, or for comparison). */
  preset: 'fmnist' | 'tiny';
  /** What the worker really runs on (tf.getBackend() inside the worker) and its adapter. */
  actualBackend: string | null;
  adapter: string | null;
  fallbackReason: string | null;
  dataset: string;
  batch: number;
  warmupSteps: number;
  measuredSteps: number;
  /** The first step (shader compilation on WebGPU/WebGL). */
  warmupMs: number | null;
  medianStepMs: number | null;
  imagesPerSec: number | null;
  stepMs: number[];
  setupMs: number | null;
  pageMs: number;
  ok: boolean;
  note: string | null;
  consoleErrors: string[];
  /** Kernels of one training step in the worker (tf.profile), and the most frequent ones. */
  kernelsPerStep: number | null;
  kernelsTop: { name: string; count: number }[];
  /** WASM only: the threads it computes on (this one and the kernel helpers) and whether the worker was cross-origin isolated. */
  wasmThreads: number | null;
  crossOriginIsolated: boolean | null;
}

/** The studio UI while it trains: frame rate, long tasks and worker → UI traffic over a window. */
export interface UiResult {
  measured: boolean;
  skipped: string | null;
  /** The studio's link query the run was started from. */
  query: string;
  preset: string;
  backend: string | null;
  windowMs: number | null;
  /** Milliseconds from the click on Start to the first finished step. */
  firstStepAfterMs: number | null;
  stepsInWindow: number | null;
  fps: number | null;
  longTasks: number | null;
  longestTaskMs: number | null;
  longTaskMsTotal: number | null;
  messages: number | null;
  bytesPerSec: number | null;
  binaryBytesPerSec: number | null;
  jsonBytesPerSec: number | null;
  consoleErrors: string[];
  /**
   * From a trace of the same window: tasks whose main-thread CPU time exceeds 50 ms, the longest
   * task's CPU time, and the main thread's CPU time ÷ the window. Wall-time long tasks also count
   * waiting for a core of the shared machine; these do not. Absent in older results.
   */
  cpuLongTasks?: number | null;
  longestTaskCpuMs?: number | null;
  mainThreadCpuShare?: number | null;
}

export interface BrowserData {
  config: string;
  dataset: string;
  chromium: string;
  /** CPU cores: with no GPU, WebGPU and WebGL run on them through SwiftShader. */
  cores: number;
  /** os.loadavg() at the start, two decimals. */
  loadAverage: number[];
  rows: ThroughputRow[];
  ui: UiResult;
  /** Chromium's WASM worker against PyTorch on the CPU, rounds back to back (absent in older results). */
  peer?: ChromiumPeer;
}

/**
 * The fmnist training step in Chromium's WASM worker against PyTorch with one thread (BLAS and
 * intra-op), the same shapes (bench/peer/torch_vit.py): each round one, then the other.
 */
export interface ChromiumPeer {
  /** Why it was not measured (no torch here, or no round), else null. */
  skipped: string | null;
  torch: string | null;
  rounds: { chromiumImagesPerSec: number; torchImagesPerSec: number }[];
  /** Medians over rounds; the ratio is the median of the rounds' ours ÷ PyTorch. */
  chromiumImagesPerSec: number | null;
  torchImagesPerSec: number | null;
  ratio: number | null;
}
