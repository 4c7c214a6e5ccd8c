// `npm run bench:browser`: training throughput in headless Chromium (the real worker, through the
// e2e harness page) on every backend, then UI smoothness while the studio trains. One browser, a
// fresh page per measurement, one after another. Writes bench/results/browser.json (the browser
// section's result, typed in src/cli/bench/browser-result.ts) and re-renders BENCHMARKS.md.
//
// The app is built into .cache/bench-browser/dist and served on a free port (serve-built.ts).
// Env: CHROMIUM_PATH (default /usr/bin/chromium), BENCH_BROWSER_UI_MS (default 15000),
// BENCH_BROWSER_BACKENDS (default webgpu,webgl,wasm,cpu), BENCH_BROWSER_PEER_ROUNDS (default 3; 0 skips
// the PyTorch comparison).
import type { Browser, Page, Worker } from '@playwright/test';
import { launchChromium } from '../e2e/chromium';
import { collectErrors } from '../e2e/page-errors';
import { traceMainThread, type MainTask } from '../e2e/main-thread';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { presetConfig, type ExperimentConfig } from '../src/engine/config';
import { errorText } from '../src/backend/error-text';
import type { BrowserData, ChromiumPeer, ThroughputRow, UiResult } from '../src/cli/bench/browser-result';
import { findTorchPython, runTorch } from '../src/cli/bench/torch-peer';
import { WARMUP_STEPS } from '../src/cli/bench/warmup';
import { fixed, writeBenchmarks } from '../src/cli/bench/render';
import { loadAverage, machineLine, saveResult } from '../src/cli/bench/results';
import { startProvenance } from '../src/cli/bench/provenance';
import { median } from '../src/engine/stats';
import type { BackendInfo, BackendName, DataSource, WorkerEvent } from '../src/protocol/messages';
import type { HarnessWindow, RunSummary } from '../e2e/harness';
import { root, serveBuilt } from './serve-built';

const outDir = path.join(root, '.cache', 'bench-browser', 'dist');
const log = (s: string): void => console.log(`[bench:browser] ${s}`);

/**
 * Steps per backend: warm-up steps (shader compilation, first allocations) are not timed. After
 * the timed steps the run pauses and one more step is profiled (kernels per step) when `profile`.
 */
interface Plan { backend: BackendName; preset: 'fmnist' | 'tiny'; warmup: number; measured: number; capMs: number; profile: boolean }
const PLANS: Plan[] = [
  // On SwiftShader an fmnist step takes ~40 s on a busy 2-core CPU (the first ~10 s more, shader
  // compilation): 1 warm-up + 3 timed steps, no profiled step; its kernels are counted on the tiny
  // shapes, whose steps take seconds.
  { backend: 'webgpu', preset: 'fmnist', warmup: 1, measured: 3, capMs: 300_000, profile: false },
  { backend: 'webgpu', preset: 'tiny', warmup: 1, measured: 5, capMs: 240_000, profile: true },
  { backend: 'webgl', preset: 'fmnist', warmup: 2, measured: 8, capMs: 120_000, profile: true },
  { backend: 'wasm', preset: 'fmnist', warmup: WARMUP_STEPS, measured: 8, capMs: 90_000, profile: true },
  { backend: 'wasm', preset: 'tiny', warmup: 2, measured: 8, capMs: 60_000, profile: true },
  { backend: 'cpu', preset: 'fmnist', warmup: 1, measured: 3, capMs: 120_000, profile: true },
];
const UI_WINDOW_MS = Number(process.env.BENCH_BROWSER_UI_MS) || 15_000;
const PEER_ROUNDS = Number(process.env.BENCH_BROWSER_PEER_ROUNDS ?? 3);
/** The WASM fmnist row's plan, repeated in each round against PyTorch. */
const PEER_PLAN: Plan = { backend: 'wasm', preset: 'fmnist', warmup: WARMUP_STEPS, measured: 8, capMs: 90_000, profile: false };


// ---------------------------------------------------------------------------------------------
// Build and serve

// ---------------------------------------------------------------------------------------------
// 1. Training throughput (the fmnist preset) per backend, in the worker

/**
 * tsx (esbuild with keepNames) wraps named functions in `__name(...)`, also inside the callbacks
 * given to page.evaluate, which then run in the page where there is no such helper: give it one.
 */
const KEEP_NAMES_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

async function throughput(browser: Browser, base: string, plan: Plan, config: ExperimentConfig, data: DataSource): Promise<ThroughputRow> {
  const t0 = Date.now();
  const context = await browser.newContext();
  await context.addInitScript(KEEP_NAMES_SHIM);
  const page = await context.newPage();
  const consoleErrors = collectErrors(page);
  const row: ThroughputRow = {
    backend: plan.backend, preset: plan.preset, actualBackend: null, adapter: null, fallbackReason: null, dataset: config.dataset,
    batch: config.batchSize, warmupSteps: plan.warmup, measuredSteps: 0, warmupMs: null, medianStepMs: null, imagesPerSec: null,
    stepMs: [], setupMs: null, pageMs: 0, ok: false, note: null, consoleErrors,
    kernelsPerStep: null, kernelsTop: [], wasmThreads: null, crossOriginIsolated: null,
  };
  try {
    await page.goto(`${base}/e2e/smoke.html?backend=${plan.backend}`);
    await page.waitForFunction(() => Boolean((globalThis as unknown as Partial<HarnessWindow>).__harness), null, { timeout: 60_000 });
    const target = plan.warmup + plan.measured;
    const r = await page.evaluate(async ({ config, data, target, capMs }) => {
      const h = (globalThis as unknown as HarnessWindow).__harness;
      let info: BackendInfo | null = null;
      try {
        info = await h.client.init(h.backend);
      } catch (err) {
        return { info, failure: `init: ${errorText(err)}`, run: null as RunSummary | null, capped: false, paused: false };
      }
      h.info = info;
      // Once enough steps are done the run pauses (one more step is then profiled); at the cap it stops.
      const end = h.client.waitFor((e: WorkerEvent) => (e.type === 'state' && (e.state === 'finished' || e.state === 'stopped' || e.state === 'paused')) || (e.type === 'error' && e.fatal));
      let capped = false;
      const cap = (): ReturnType<typeof setTimeout> => setTimeout(() => { capped = true; h.client.stop(); }, capMs);
      let timer = cap();
      let asked = false;
      const off = h.client.on((e: WorkerEvent) => {
        if (e.type === 'frame' && e.step >= target && !asked) {
          asked = true;
          h.client.pause();
          // The pause lands after the step in flight, which can be slow on SwiftShader: give it time.
          clearTimeout(timer);
          timer = cap();
        }
      });
      h.client.start(config, data, { frameHz: 4, finalEvalSize: 16 });
      const last = await end;
      clearTimeout(timer);
      off();
      return { info, failure: last.type === 'error' ? last.message : null, run: h.summary(), capped, paused: last.type === 'state' && last.state === 'paused' };
    }, { config, data, target, capMs: plan.capMs });

    row.actualBackend = r.info?.backend ?? null;
    row.adapter = r.info?.adapter ?? null;
    row.fallbackReason = r.info?.fallbackReason ?? null;
    const steps = r.run?.stepMs ?? [];
    row.stepMs = steps.slice(0, target).map((x) => Math.round(x * 10) / 10);
    row.setupMs = r.run?.started ? Math.round(r.run.started.setupMs) : null;
    row.warmupMs = steps.length ? Math.round(steps[0]) : null;
    const measured = steps.slice(plan.warmup, target);
    row.measuredSteps = measured.length;
    if (measured.length) {
      row.medianStepMs = Math.round(median(measured) * 10) / 10;
      row.imagesPerSec = Math.round((config.batchSize / median(measured)) * 1000 * 10) / 10;
    }
    const notes: string[] = [];
    if (r.paused && plan.profile && row.actualBackend) {
      const k = await profileOneStep(page, row.actualBackend, plan.capMs).catch((err: unknown) => ({ error: errorText(err) }));
      if ('error' in k) notes.push(`kernels not counted: ${k.error}`);
      else Object.assign(row, k);
    }
    await page.evaluate(() => (globalThis as unknown as HarnessWindow).__harness.client.stop());
    row.wasmThreads = r.info?.wasmThreads ?? null;
    row.crossOriginIsolated = r.info?.crossOriginIsolated ?? null;
    if (r.failure) notes.push(r.failure);
    if (r.capped) notes.push(`stopped at the ${Math.round(plan.capMs / 1000)} s cap after ${steps.length} steps`);
    if (row.actualBackend !== plan.backend) notes.push(`fell back to ${row.actualBackend}: ${row.fallbackReason ?? 'no reason given'}`);
    row.ok = !r.failure && row.actualBackend === plan.backend && measured.length > 0;
    row.note = notes.join('; ') || null;
  } catch (err) {
    row.note = errorText(err);
  } finally {
    row.pageMs = Date.now() - t0;
    await context.close();
  }
  return row;
}

/** The training worker's global scope as tfjs-core leaves it: its engine and its kernel registry. */
type TfWorkerScope = {
  _tfengine: { profile(query: () => Promise<void>): Promise<{ kernels: { name: string }[] }> };
  _tfGlobals: Map<string, Map<string, unknown>>;
  __benchProfile?: Promise<{ kernels: { name: string }[] }>;
  __benchProfileEnd?: () => void;
};

/**
 * Kernels of one training step in the real worker, which is paused: tfjs-core's engine (the
 * worker's global `_tfengine`, what tf.profile calls) profiles while the page asks for one step
 * and its frame arrives. Counted as `cli profile` counts (src/cli/profile.ts): only names that are
 * registered kernels of the backend, not custom-gradient scopes. The frame's own readbacks fall in
 * the window too, as they do in every step of the studio.
 */
async function profileOneStep(page: Page, backend: string, capMs: number): Promise<Pick<ThroughputRow, 'kernelsPerStep' | 'kernelsTop'>> {
  let worker: Worker | undefined;
  // Only the training worker: WASM's pthread workers (blob: URLs) sit in Atomics.wait between
  // jobs, and an evaluate there never returns.
  for (const w of page.workers().filter((x) => !x.url().startsWith('blob:')))
    if (await w.evaluate(() => '_tfengine' in globalThis).catch(() => false)) worker = w;
  if (!worker) throw new Error('no worker with a tfjs engine');
  await worker.evaluate(() => {
    const g = globalThis as unknown as TfWorkerScope;
    g.__benchProfile = g._tfengine.profile(() => new Promise<void>((resolve) => { g.__benchProfileEnd = resolve; }));
  });
  await page.evaluate(async (capMs) => {
    const h = (globalThis as unknown as HarnessWindow).__harness;
    const before = h.summary().frames.at(-1)?.step ?? 0;
    const next = h.client.waitFor((e: WorkerEvent) => (e.type === 'frame' && e.step > before) || (e.type === 'error' && e.fatal));
    h.client.step();
    await Promise.race([next, new Promise((_, reject) => setTimeout(() => reject(new Error('no frame after one step')), capMs))]);
  }, capMs);
  return worker.evaluate(async (backend) => {
    const g = globalThis as unknown as TfWorkerScope;
    g.__benchProfileEnd?.();
    const { kernels } = await (g.__benchProfile as Promise<{ kernels: { name: string }[] }>);
    const registry = g._tfGlobals.get('kernelRegistry');
    const real = kernels.filter((k) => registry?.has(`${backend}_${k.name}`));
    const by = new Map<string, number>();
    for (const k of real) by.set(k.name, (by.get(k.name) ?? 0) + 1);
    return { kernelsPerStep: real.length, kernelsTop: [...by].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count).slice(0, 8) };
  }, backend);
}

// ---------------------------------------------------------------------------------------------
// 1b. Chromium's WASM worker against PyTorch on one CPU thread, the same shapes, rounds back to back
//     (as the Node `peer` section does), so a slow spell of the shared machine hits both sides.

async function chromiumPeer(browser: Browser, base: string, config: ExperimentConfig, data: DataSource): Promise<ChromiumPeer> {
  const none = (skipped: string): ChromiumPeer => ({ skipped, torch: null, rounds: [], chromiumImagesPerSec: null, torchImagesPerSec: null, ratio: null });
  if (!(PEER_ROUNDS > 0)) return none('BENCH_BROWSER_PEER_ROUNDS=0');
  const found = findTorchPython();
  if ('skipped' in found) return none(found.skipped);
  const rounds: ChromiumPeer['rounds'] = [];
  let torch: string | null = null;
  for (let round = 0; round < PEER_ROUNDS; round++) {
    const ours = await throughput(browser, base, PEER_PLAN, config, data);
    const out = runTorch(found.python, config, 1, [1], PEER_PLAN.measured);
    torch = out.torch;
    const theirs = out.rows[0].imagesPerSec;
    log(`peer round ${round}: Chromium wasm ${fixed(ours.imagesPerSec, 0)} images/s, PyTorch 1 thread ${theirs.toFixed(0)} images/s${ours.note ? ` (${ours.note})` : ''}`);
    if (ours.ok && ours.imagesPerSec !== null) rounds.push({ chromiumImagesPerSec: ours.imagesPerSec, torchImagesPerSec: theirs });
  }
  if (!rounds.length) return { ...none('no round measured Chromium WASM'), torch };
  return {
    skipped: null, torch, rounds,
    chromiumImagesPerSec: median(rounds.map((r) => r.chromiumImagesPerSec)),
    torchImagesPerSec: median(rounds.map((r) => r.torchImagesPerSec)),
    ratio: median(rounds.map((r) => r.chromiumImagesPerSec / r.torchImagesPerSec)),
  };
}

// ---------------------------------------------------------------------------------------------
// 2. The studio UI while it trains the tiny preset with SViTE + token selection on WASM: fast steps,
//    so frames stream at their cap with every mask: the UI's worst case, not a slow idle one.
const UI_QUERY = 'v=1&p=tiny&m=svite&tk=0.5&backend=wasm';

/** Installed before the app's scripts: rAF count, long tasks, and worker → UI message bytes. */
const UI_PROBE = `(() => {
  const probe = { raf: [], longTasks: [], messages: [], lastStep: 0, workers: 0 };
  globalThis.__benchProbe = probe;
  const tick = (t) => { probe.raf.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push({ at: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { probe.longTaskError = String(e); }
  // Bytes of one message: typed arrays and ArrayBuffers by byteLength, the rest as JSON text.
  const size = (data) => {
    let binary = 0;
    let json = 0;
    try {
      json = (JSON.stringify(data, (k, v) => {
        if (ArrayBuffer.isView(v)) { binary += v.byteLength; return null; }
        if (v instanceof ArrayBuffer) { binary += v.byteLength; return null; }
        if (v instanceof Map) return Array.from(v.entries());
        if (v instanceof Set) return Array.from(v);
        return v;
      }) || '').length;
    } catch (e) { json = 0; }
    return { binary, json };
  };
  const Base = globalThis.Worker;
  if (Base) {
    class CountingWorker extends Base {
      constructor(...args) {
        super(...args);
        probe.workers += 1;
        super.addEventListener('message', (ev) => {
          const s = size(ev.data);
          const d = ev.data || {};
          if (d.type === 'frame' && typeof d.step === 'number') probe.lastStep = Math.max(probe.lastStep, d.step);
          probe.messages.push({ at: performance.now(), type: String(d.type), step: d.type === 'frame' ? d.step : null, binary: s.binary, json: s.json });
        });
      }
    }
    globalThis.Worker = CountingWorker;
  }
})();`;

interface Probe {
  raf: number[];
  longTasks: { at: number; duration: number }[];
  messages: { at: number; type: string; step: number | null; binary: number; json: number }[];
  lastStep: number;
  workers: number;
  longTaskError?: string;
}
type ProbeWindow = { __benchProbe: Probe };

async function studioUi(browser: Browser, base: string, haveIndex: boolean): Promise<UiResult> {
  const out: UiResult = {
    measured: false, skipped: null, query: UI_QUERY, preset: 'tiny', backend: null, windowMs: null, firstStepAfterMs: null, stepsInWindow: null,
    fps: null, longTasks: null, longestTaskMs: null, longTaskMsTotal: null, messages: null, bytesPerSec: null,
    binaryBytesPerSec: null, jsonBytesPerSec: null, consoleErrors: [],
    cpuLongTasks: null, longestTaskCpuMs: null, mainThreadCpuShare: null,
  };
  if (!haveIndex) {
    out.skipped = 'no studio UI yet (index.html / src/main.tsx missing)';
    return out;
  }
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(KEEP_NAMES_SHIM);
  const page = await context.newPage();
  out.consoleErrors = collectErrors(page);
  try {
    await page.addInitScript(UI_PROBE);
    await page.goto(`${base}/?${UI_QUERY}`);
    const start = page.getByRole('button', { name: /start/i }).first();
    try {
      await start.waitFor({ state: 'visible', timeout: 30_000 });
    } catch {
      out.skipped = 'the studio page shows no button named /start/i';
      return out;
    }
    try {
      await page.waitForFunction((el) => !(el as unknown as { disabled: boolean }).disabled, await start.elementHandle(), { timeout: 90_000 });
    } catch {
      out.skipped = `the Start button stayed disabled for 90 s${(await start.getAttribute('title')) ? ` (${await start.getAttribute('title')})` : ''}`;
      return out;
    }
    const badge = page.getByTestId('backend-badge');
    if (await badge.count()) out.backend = (await badge.getAttribute('data-backend')) || null;
    const clickedAt = await page.evaluate(() => performance.now());
    await start.click();
    // Past the first step (shader compilation on SwiftShader) before the window opens.
    try {
      await page.waitForFunction(() => (globalThis as unknown as ProbeWindow).__benchProbe.lastStep >= 1, null, { timeout: 150_000, polling: 250 });
    } catch {
      out.skipped = 'no training step within 150 s of clicking Start';
      return out;
    }
    const firstStepAt = await page.evaluate(() => {
      const p = (globalThis as unknown as ProbeWindow).__benchProbe;
      return p.messages.find((m) => m.type === 'frame' && (m.step ?? 0) >= 1)?.at ?? performance.now();
    });
    out.firstStepAfterMs = Math.round(firstStepAt - clickedAt);
    // The second step can still compile (optimizer state, first frame): open the window after it.
    await page.waitForFunction(() => (globalThis as unknown as ProbeWindow).__benchProbe.lastStep >= 2, null, { timeout: 60_000, polling: 250 }).catch(() => undefined);
    if (await badge.count()) out.backend = (await badge.getAttribute('data-backend')) || out.backend;
    const from = await page.evaluate(() => ({ t: performance.now(), step: (globalThis as unknown as ProbeWindow).__benchProbe.lastStep }));
    // Traced too: each task's main-thread CPU time, which the waiting for a shared core does not inflate.
    const traced: MainTask[] = await traceMainThread(page, () => page.waitForTimeout(UI_WINDOW_MS));
    const m = await page.evaluate((t0) => {
      const p = (globalThis as unknown as ProbeWindow).__benchProbe;
      const t1 = performance.now();
      const inWin = <T extends { at: number }>(xs: T[]): T[] => xs.filter((x) => x.at >= t0 && x.at <= t1);
      const msgs = inWin(p.messages);
      const long = inWin(p.longTasks).filter((x) => x.duration > 50);
      return {
        windowMs: t1 - t0,
        frames: p.raf.filter((t) => t >= t0 && t <= t1).length,
        longTasks: long.length,
        longest: long.reduce((a, x) => Math.max(a, x.duration), 0),
        longTotal: long.reduce((a, x) => a + x.duration, 0),
        messages: msgs.length,
        binary: msgs.reduce((a, x) => a + x.binary, 0),
        json: msgs.reduce((a, x) => a + x.json, 0),
        step: p.lastStep,
        workers: p.workers,
        longTaskError: p.longTaskError ?? null,
      };
    }, from.t);
    const secs = m.windowMs / 1000;
    Object.assign(out, {
      measured: true,
      windowMs: Math.round(m.windowMs),
      stepsInWindow: m.step - from.step,
      fps: Math.round((m.frames / secs) * 10) / 10,
      longTasks: m.longTasks,
      longestTaskMs: Math.round(m.longest),
      longTaskMsTotal: Math.round(m.longTotal),
      messages: m.messages,
      bytesPerSec: Math.round((m.binary + m.json) / secs),
      binaryBytesPerSec: Math.round(m.binary / secs),
      jsonBytesPerSec: Math.round(m.json / secs),
      cpuLongTasks: traced.filter((t) => t.cpuMs > 50).length,
      longestTaskCpuMs: Math.round(traced.reduce((a, t) => Math.max(a, t.cpuMs), 0) * 10) / 10,
      mainThreadCpuShare: Math.round((traced.reduce((a, t) => a + t.cpuMs, 0) / m.windowMs) * 1000) / 1000,
    });
    if (m.workers === 0) out.skipped = 'no Worker was constructed through the probe (bytes not counted)';
    if (m.longTaskError) out.skipped = `long tasks not observable: ${m.longTaskError}`;
    // Leave the worker idle before the page goes.
    const stop = page.getByTestId('stop');
    if ((await stop.count()) && (await stop.isEnabled())) await stop.click().catch(() => undefined);
  } catch (err) {
    out.skipped = `UI measurement failed: ${errorText(err)}`;
  } finally {
    await context.close();
  }
  return out;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const load = loadAverage();
  const provenance = startProvenance();
  const only = (process.env.BENCH_BROWSER_BACKENDS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const plans = only.length ? PLANS.filter((p) => only.includes(p.backend)) : PLANS;

  log(`building into ${path.relative(root, outDir)}`);
  const server = await serveBuilt(outDir);
  const { base } = server;
  log(`serving ${base}`);

  let anyOk = false;
  const browser = await launchChromium();
  const chromiumVersion = browser.version();
  try {
    // The fmnist preset: served Fashion-MNIST when this checkout has it, else synthetic images of the
    // same shape. The tiny preset trains on synthetic images anyway.
    const served = existsSync(path.join(root, 'public', 'datasets', 'fashion-mnist', 'files.json'));
    const setups = {
      fmnist: {
        config: { ...presetConfig('fmnist'), dataset: served ? 'fashion-mnist' : 'synthetic', steps: 100_000, evalEvery: 0 } as ExperimentConfig,
        data: (served ? { kind: 'served', baseUrl: '/datasets' } : { kind: 'synthetic' }) as DataSource,
      },
      tiny: { config: { ...presetConfig('tiny'), steps: 100_000, evalEvery: 0 } as ExperimentConfig, data: { kind: 'synthetic' } as DataSource },
    };
    const config = setups.fmnist.config;

    const rows: ThroughputRow[] = [];
    for (const plan of plans) {
      const setup = setups[plan.preset];
      log(`${plan.backend}: ${plan.warmup} warm-up + ${plan.measured} timed steps of ${plan.preset} (batch ${setup.config.batchSize}, ${setup.config.dataset})${plan.profile ? ', then one profiled' : ''}`);
      const row = await throughput(browser, base, plan, setup.config, setup.data);
      rows.push(row);
      log(`${plan.backend} → ${row.actualBackend}: first ${fixed(row.warmupMs, 0)} ms, median ${fixed(row.medianStepMs, 1)} ms, ${fixed(row.imagesPerSec, 0)} images/s, ${row.kernelsPerStep ?? '–'} kernels/step ` +
        `[${row.stepMs.map((x) => x.toFixed(0)).join(' ')}] in ${(row.pageMs / 1000).toFixed(0)} s${row.note ? ` (${row.note})` : ''}`);
    }

    log(`PyTorch peer: ${PEER_ROUNDS} rounds of Chromium wasm then PyTorch (1 thread), fmnist shapes`);
    const peer = await chromiumPeer(browser, base, config, setups.fmnist.data);
    log(peer.ratio === null ? `peer skipped: ${peer.skipped}` : `peer: Chromium wasm ÷ PyTorch = ${peer.ratio.toFixed(2)}×`);

    log(`studio UI: ${UI_QUERY} for ${UI_WINDOW_MS / 1000} s`);
    const haveIndex = existsSync(path.join(outDir, 'index.html')) && existsSync(path.join(root, 'src', 'main.tsx'));
    const ui = await studioUi(browser, base, haveIndex);
    log(ui.measured
      ? `UI: ${fixed(ui.fps, 1)} fps, ${ui.longTasks} long tasks (longest ${ui.longestTaskMs} ms), ${ui.bytesPerSec} B/s from the worker, ${ui.stepsInWindow} steps${ui.skipped ? ` (${ui.skipped})` : ''}`
      : `UI skipped: ${ui.skipped}`);

    const measured: BrowserData = {
      config: 'fmnist',
      dataset: config.dataset,
      chromium: chromiumVersion,
      cores: os.cpus().length,
      loadAverage: load,
      rows,
      ui,
      peer,
    };
    const result = {
      section: 'browser' as const,
      title: 'Throughput in headless Chromium and the studio UI',
      measuredAt: new Date().toISOString(),
      machine: machineLine(`no GPU, Chromium ${chromiumVersion}`),
      wallMs: Date.now() - t0,
      provenance: provenance.now(),
      data: measured,
    };
    anyOk = rows.some((row) => row.ok);
    saveResult(result);
    log(`wrote bench/results/browser.json (${(result.wallMs / 1000).toFixed(0)} s)`);
  } finally {
    await browser.close();
    await server.close();
  }

  writeBenchmarks();
  log('wrote BENCHMARKS.md');
  if (!anyOk) {
    console.error('[bench:browser] no backend produced a measurement');
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
