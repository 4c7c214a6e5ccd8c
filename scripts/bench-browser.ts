// `npm run bench:browser`: training throughput in headless Chromium (the real worker, through the
// e2e harness page) on every backend, then UI smoothness while the studio trains. One browser, a
// fresh page per measurement, one after another. Writes bench/results/browser.json (a SectionResult)
// and re-renders BENCHMARKS.md with `npm run bench -- --only render`.
//
// The app is built into .cache/bench-browser/dist and served by `vite preview` on a free port, so
// neither dist/ nor the e2e port (4173) of a concurrent `playwright test` is touched.
// Env: CHROMIUM_PATH (default /usr/bin/chromium), BENCH_BROWSER_UI_MS (default 15000),
// BENCH_BROWSER_BACKENDS (default webgpu,webgl,wasm,cpu).
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium';
import { collectErrors } from '../e2e/page-errors';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { presetConfig, type ExperimentConfig } from '../src/engine/config';
import { median } from '../src/cli/bench/stats';
import type { BackendInfo, BackendName, DataSource, WorkerEvent } from '../src/protocol/messages';
import type { HarnessWindow, RunSummary } from '../e2e/harness';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, '.cache', 'bench-browser', 'dist');
const log = (s: string): void => console.log(`[bench:browser] ${s}`);

/** Steps per backend: warm-up steps (shader compilation, first allocations) are not timed. */
interface Plan { backend: BackendName; warmup: number; measured: number; capMs: number }
const PLANS: Plan[] = [
  // On SwiftShader an fmnist step takes ~40 s on a busy 2-core CPU (the first ~10 s more, shader
  // compilation): 1 warm-up + 3 timed steps keep the whole benchmark under ~8 minutes.
  { backend: 'webgpu', warmup: 1, measured: 3, capMs: 240_000 },
  { backend: 'webgl', warmup: 2, measured: 8, capMs: 120_000 },
  { backend: 'wasm', warmup: 2, measured: 8, capMs: 90_000 },
  { backend: 'cpu', warmup: 1, measured: 3, capMs: 60_000 },
];
const UI_WINDOW_MS = Number(process.env.BENCH_BROWSER_UI_MS) || 15_000;


// ---------------------------------------------------------------------------------------------
// Build and serve

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');

function build(): void {
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}

async function serve(): Promise<{ base: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(process.execPath, [vite, 'preview', '--outDir', outDir, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: root, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`vite preview exited: ${stderr}`);
    try {
      if ((await fetch(`${base}/e2e/smoke.html`)).ok) return { base, server };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  server.kill();
  throw new Error(`vite preview did not answer on ${base}: ${stderr}`);
}

// ---------------------------------------------------------------------------------------------
// 1. Training throughput (the fmnist preset) per backend, in the worker

interface ThroughputRow {
  backend: BackendName;
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
}

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
    backend: plan.backend, actualBackend: null, adapter: null, fallbackReason: null, dataset: config.dataset,
    batch: config.batchSize, warmupSteps: plan.warmup, measuredSteps: 0, warmupMs: null, medianStepMs: null, imagesPerSec: null,
    stepMs: [], setupMs: null, pageMs: 0, ok: false, note: null, consoleErrors,
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
        return { info, failure: `init: ${err instanceof Error ? err.message : String(err)}`, run: null as RunSummary | null, capped: false };
      }
      h.info = info;
      const end = h.client.waitFor((e: WorkerEvent) => (e.type === 'state' && (e.state === 'finished' || e.state === 'stopped')) || (e.type === 'error' && e.fatal));
      // Stop once enough steps are done: no final evaluation (a new shape, so more shader compilation).
      let stopped = false;
      const stop = (): void => {
        if (!stopped) h.client.stop();
        stopped = true;
      };
      const off = h.client.on((e: WorkerEvent) => {
        if (e.type === 'frame' && e.step >= target) stop();
      });
      let capped = false;
      const timer = setTimeout(() => { capped = true; stop(); }, capMs);
      h.client.start(config, data, { frameHz: 4, finalEvalSize: 16 });
      const last = await end;
      clearTimeout(timer);
      off();
      return { info, failure: last.type === 'error' ? last.message : null, run: h.summary(), capped };
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
    if (r.failure) notes.push(r.failure);
    if (r.capped) notes.push(`stopped at the ${Math.round(plan.capMs / 1000)} s cap after ${steps.length} steps`);
    if (row.actualBackend !== plan.backend) notes.push(`fell back to ${row.actualBackend}: ${row.fallbackReason ?? 'no reason given'}`);
    row.ok = !r.failure && row.actualBackend === plan.backend && measured.length > 0;
    row.note = notes.join('; ') || null;
  } catch (err) {
    row.note = err instanceof Error ? err.message : String(err);
  } finally {
    row.pageMs = Date.now() - t0;
    await context.close();
  }
  return row;
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

interface UiResult {
  measured: boolean;
  skipped: string | null;
  preset: string;
  backend: string | null;
  windowMs: number | null;
  /** Seconds from the click on Start to the first finished step. */
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
}

async function studioUi(browser: Browser, base: string, haveIndex: boolean): Promise<UiResult> {
  const out: UiResult = {
    measured: false, skipped: null, preset: 'tiny', backend: null, windowMs: null, firstStepAfterMs: null, stepsInWindow: null,
    fps: null, longTasks: null, longestTaskMs: null, longTaskMsTotal: null, messages: null, bytesPerSec: null,
    binaryBytesPerSec: null, jsonBytesPerSec: null, consoleErrors: [],
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
    await page.waitForTimeout(UI_WINDOW_MS);
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
    });
    if (m.workers === 0) out.skipped = 'no Worker was constructed through the probe (bytes not counted)';
    if (m.longTaskError) out.skipped = `long tasks not observable: ${m.longTaskError}`;
    // Leave the worker idle before the page goes.
    const stop = page.getByTestId('stop');
    if ((await stop.count()) && (await stop.isEnabled())) await stop.click().catch(() => undefined);
  } catch (err) {
    out.skipped = `UI measurement failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await context.close();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (x: number | null, d = 1): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(d));

function markdown(rows: ThroughputRow[], ui: UiResult, ctx: { cores: number; cpu: string; chromium: string; load: number[]; dataset: string }): string {
  const lines: string[] = [];
  lines.push(
    `The real training worker in headless Chromium ${ctx.chromium}, \`fmnist\` preset shapes (28×28×1, patch 7, D 64, depth 4, 4 heads, batch 64, ` +
      `${ctx.dataset === 'fashion-mnist' ? 'served Fashion-MNIST' : 'synthetic images'}). ` +
      `**WebGPU here is SwiftShader (software Vulkan on the CPU), and so is WebGL: a ${ctx.cores}-core CPU with no GPU**, ` +
      `shared with other benchmark processes (load average ${ctx.load.map((l) => l.toFixed(1)).join(' / ')} at the start). ` +
      'Warm-up steps (shader compilation) are not timed; images/s = batch ÷ median measured step (the step awaits the loss, so it is synchronised).',
    '',
    '| backend (asked → used) | adapter | first step (ms) | median step (ms) | images/s | steps timed | note |',
    '|---|---|---|---|---|---|---|',
  );
  for (const r of rows) {
    const adapter = r.backend === 'webgpu' || r.actualBackend === 'webgpu' ? (r.adapter ?? '–') : '–';
    lines.push(`| ${r.backend} → ${r.actualBackend ?? 'none'} | ${adapter.replace(/\|/g, '/')} | ${fmt(r.warmupMs, 0)} | ${fmt(r.medianStepMs)} | ${r.imagesPerSec === null ? '–' : `**${fmt(r.imagesPerSec, 0)}**`} | ${r.measuredSteps} (after ${r.warmupSteps} warm-up) | ${(r.note ?? '').replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 160)} |`);
  }
  lines.push('');
  if (ui.measured) {
    lines.push(
      `Studio UI (\`index.html\`, 1440×900) while it trains \`${UI_QUERY}\` on ${ui.backend ?? 'wasm'}, over ${fmt((ui.windowMs ?? 0) / 1000, 0)} s starting after its second step ` +
        `(the first step, with setup and shader compilation, ended ${fmt((ui.firstStepAfterMs ?? 0) / 1000, 1)} s after the click on Start):`,
      '',
      '| UI frames/s | long tasks > 50 ms | longest (ms) | steps in window | worker → UI messages | worker → UI bytes/s (binary + JSON) |',
      '|---|---|---|---|---|---|',
      `| ${fmt(ui.fps)} | ${ui.longTasks} (${ui.longTaskMsTotal} ms in all) | ${ui.longTasks ? ui.longestTaskMs : '–'} | ${ui.stepsInWindow} | ${ui.messages} | ${ui.bytesPerSec?.toLocaleString('en-US')} (${ui.binaryBytesPerSec?.toLocaleString('en-US')} + ${ui.jsonBytesPerSec?.toLocaleString('en-US')}) |`,
    );
    if (ui.skipped) lines.push('', `Note: ${ui.skipped}.`);
  } else {
    lines.push(`Studio UI: not measured — ${ui.skipped}.`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const load = os.loadavg();
  const only = (process.env.BENCH_BROWSER_BACKENDS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const plans = only.length ? PLANS.filter((p) => only.includes(p.backend)) : PLANS;

  log(`building into ${path.relative(root, outDir)}`);
  build();
  const { base, server } = await serve();
  log(`serving ${base}`);

  const executablePath = chromiumPath();
  let anyOk = false;
  const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
  const chromiumVersion = browser.version();
  try {
    // The fmnist preset: served Fashion-MNIST when this checkout has it, else synthetic images of the same shape.
    const served = existsSync(path.join(root, 'public', 'datasets', 'fashion-mnist', 'files.json'));
    const config: ExperimentConfig = {
      ...presetConfig('fmnist'),
      dataset: served ? 'fashion-mnist' : 'synthetic',
      steps: 100_000, // stopped once the planned steps are done
      evalEvery: 0,
    };
    const data: DataSource = served ? { kind: 'served', baseUrl: '/datasets' } : { kind: 'synthetic' };

    const rows: ThroughputRow[] = [];
    for (const plan of plans) {
      log(`${plan.backend}: ${plan.warmup} warm-up + ${plan.measured} timed steps of fmnist (batch ${config.batchSize}, ${config.dataset})`);
      const row = await throughput(browser, base, plan, config, data);
      rows.push(row);
      log(`${plan.backend} → ${row.actualBackend}: first ${fmt(row.warmupMs, 0)} ms, median ${fmt(row.medianStepMs)} ms, ${fmt(row.imagesPerSec, 0)} images/s ` +
        `[${row.stepMs.map((x) => x.toFixed(0)).join(' ')}] in ${(row.pageMs / 1000).toFixed(0)} s${row.note ? ` (${row.note})` : ''}`);
    }

    log(`studio UI: ${UI_QUERY} for ${UI_WINDOW_MS / 1000} s`);
    const haveIndex = existsSync(path.join(outDir, 'index.html')) && existsSync(path.join(root, 'src', 'main.tsx'));
    const ui = await studioUi(browser, base, haveIndex);
    log(ui.measured
      ? `UI: ${fmt(ui.fps)} fps, ${ui.longTasks} long tasks (longest ${ui.longestTaskMs} ms), ${ui.bytesPerSec} B/s from the worker, ${ui.stepsInWindow} steps${ui.skipped ? ` (${ui.skipped})` : ''}`
      : `UI skipped: ${ui.skipped}`);

    const cpu = os.cpus()[0]?.model ?? 'cpu';
    const cores = os.cpus().length;
    const result = {
      section: 'browser',
      title: 'Throughput in headless Chromium and the studio UI',
      measuredAt: new Date().toISOString(),
      machine: `${cores}× ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, no GPU, Chromium ${chromiumVersion}`,
      wallMs: Date.now() - t0,
      data: {
        config: 'fmnist',
        dataset: config.dataset,
        chromium: chromiumVersion,
        loadAverage: load.map((l) => Math.round(l * 100) / 100),
        rows,
        ui,
        markdown: markdown(rows, ui, { cores, cpu, chromium: chromiumVersion, load, dataset: config.dataset }),
      },
    };
    anyOk = rows.some((row) => row.ok);
    const dir = path.join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'browser.json'), JSON.stringify(result, null, 1));
    log(`wrote bench/results/browser.json (${(result.wallMs / 1000).toFixed(0)} s)`);
  } finally {
    await browser.close();
    server.kill();
  }

  const r = spawnSync('npm', ['run', '--silent', 'bench', '--', '--only', 'render'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`re-rendering BENCHMARKS.md failed (exit ${r.status})`);
  if (!anyOk) {
    console.error('[bench:browser] no backend produced a measurement');
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
