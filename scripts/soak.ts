// `npm run soak -- [--minutes 30] [--baseline 5] [--query LINK]`: the studio trains fmnist with
// SViTE + token selection (SViTE+) on WASM in headless Chromium, every panel rendering, for a long
// run; once a minute, after a forced garbage collection in the page and in the worker, it samples
// the page's JS heap, the worker's JS heap and ArrayBuffer stores (WASM memory), the worker's tfjs
// tensor count and the renderer processes' resident memory. Growth = the last three samples vs the
// three around the baseline minute (medians). A benchmark, not a test: writes bench/results/soak.json and re-renders BENCHMARKS.md.
import type { CDPSession, Page, Worker } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../e2e/chromium';
import { collectErrors } from '../e2e/page-errors';
import { writeBenchmarks } from '../src/cli/bench/render';
import { machineLine, saveResult } from '../src/cli/bench/results';
import { startProvenance } from '../src/cli/bench/provenance';
import { soakGrowth, type SoakData, type SoakSample } from '../src/cli/bench/soak-result';
import { root, serveBuilt } from './serve-built';

// fmnist, SViTE at the preset's density with token keep 0.7, steps far beyond the soak so the run
// (topology updates every 50 steps, evaluations every 500) never reaches its end.
const QUERY = 'v=1&p=fmnist&st=1000000&m=svite&tk=0.7&backend=wasm&run=1';
const VIEWPORT = { width: 1440, height: 900 };
const TARGET_GROWTH = 0.05;

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    baseline: { type: 'string', default: '5' },
    query: { type: 'string', default: QUERY },
  },
});
const minutes = Number(flags.minutes);
const baselineMinute = Math.min(Number(flags.baseline), minutes - 1);
const log = (s: string): void => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${s}`);

/** tsx wraps named functions in `__name(...)`, also inside page.evaluate callbacks: give the page one. */
const KEEP_NAMES_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

/** Installed before the app: remembers the tensor count of the worker's last frame. */
const FRAME_PROBE = `(() => {
  const probe = { tensors: null };
  globalThis.__soakProbe = probe;
  const Base = globalThis.Worker;
  globalThis.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      super.addEventListener('message', (ev) => {
        const d = ev.data || {};
        if (d.type === 'frame' && typeof d.numTensors === 'number') probe.tensors = d.numTensors;
      });
    }
  };
})();`;

// ---------------------------------------------------------------------------------------------
// The worker's own CDP target. Playwright gives CDP sessions for pages only; the browser session
// reaches the worker through Target.sendMessageToTarget.

type Send = (method: string, params?: object) => Promise<Record<string, number>>;

async function workerTarget(browserSession: CDPSession): Promise<Send> {
  const until = Date.now() + 60_000;
  let targetId: string | undefined;
  while (!targetId && Date.now() < until) {
    const { targetInfos } = await browserSession.send('Target.getTargets');
    targetId = targetInfos.find((t) => t.type === 'worker')?.targetId;
    if (!targetId) await new Promise((r) => setTimeout(r, 500));
  }
  if (!targetId) throw new Error('no worker target in 60 s');
  const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId, flatten: false });
  const pending = new Map<number, (r: Record<string, number>) => void>();
  browserSession.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return;
    const msg = JSON.parse(e.message) as { id?: number; result?: Record<string, number> };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result ?? {});
    if (msg.id !== undefined) pending.delete(msg.id);
  });
  let id = 0;
  return (method, params = {}) => new Promise((resolve) => {
    const n = ++id;
    pending.set(n, resolve);
    void browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method, params }) });
  });
}

// ---------------------------------------------------------------------------------------------
// Resident memory of the renderer processes under this script (the browser is our child).

function procTree(): Map<number, { ppid: number; cmd: string; rss: number }> {
  const out = new Map<number, { ppid: number; cmd: string; rss: number }>();
  const page = 4096;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.set(Number(d), { ppid: Number(fields[1]), cmd, rss: Number(fields[21]) * page });
    } catch { /* the process ended */ }
  }
  return out;
}

function rendererRss(): number {
  const procs = procTree();
  const ours = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === process.pid) return true;
      p = procs.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let sum = 0;
  for (const [pid, p] of procs) if (p.cmd.includes('--type=renderer') && ours(pid)) sum += p.rss;
  return sum;
}

// ---------------------------------------------------------------------------------------------

async function currentStep(page: Page): Promise<number> {
  return Number(await page.getByTestId('step-counter').textContent().catch(() => 'NaN'));
}

async function sample(page: Page, pageCdp: CDPSession, worker: Worker, send: Send, startedAt: number): Promise<SoakSample> {
  await pageCdp.send('HeapProfiler.collectGarbage');
  await send('HeapProfiler.collectGarbage');
  const [heap, dom, wheap, tensorsNow, tensorsFrame, step] = await Promise.all([
    pageCdp.send('Runtime.getHeapUsage'),
    pageCdp.send('Memory.getDOMCounters'),
    send('Runtime.getHeapUsage'),
    worker.evaluate(() => (globalThis as unknown as { __studio?: { numTensors(): number } }).__studio?.numTensors() ?? null).catch(() => null),
    page.evaluate(() => (globalThis as unknown as { __soakProbe: { tensors: number | null } }).__soakProbe.tensors),
    currentStep(page),
  ]);
  return {
    minute: Math.round((Date.now() - startedAt) / 6000) / 10,
    step,
    pageHeapUsed: heap.usedSize,
    pageBacking: heap.backingStorageSize ?? 0,
    domNodes: dom.nodes,
    workerHeapUsed: wheap.usedSize,
    workerBacking: wheap.backingStorageSize ?? 0,
    tensorsFrame,
    tensorsNow,
    rendererRss: rendererRss(),
    load1: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

const MB = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;

async function main(): Promise<void> {
  const t0 = Date.now();
  const provenance = startProvenance();
  log('building the studio…');
  const server = await serveBuilt(path.join(root, '.cache', 'soak', 'dist'));
  const browser = await launchChromium();
  const samples: SoakSample[] = [];
  let stoppedEarly: string | null = null;
  let errors: string[] = [];
  let panels: SoakData['panels'] = [];
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(KEEP_NAMES_SHIM);
    await context.addInitScript(FRAME_PROBE);
    const page = await context.newPage();
    errors = collectErrors(page);
    const workerEvent = page.waitForEvent('worker', { timeout: 60_000 });
    await page.goto(`${server.base}/?${flags.query}`);
    // Every panel renders, on screen or not (the studio skips off-screen ones: content-visibility: auto).
    await page.addStyleTag({ content: '* { content-visibility: visible !important; }' });
    const worker = await workerEvent;
    const send = await workerTarget(await browser.newBrowserCDPSession());
    const pageCdp = await context.newCDPSession(page);
    const deadline = Date.now() + 300_000;
    while (!((await currentStep(page)) >= 1)) {
      if (Date.now() > deadline) throw new Error(`no training step in 5 minutes; page errors: ${errors.join('; ') || 'none'}`);
      await page.waitForTimeout(1000);
    }
    panels = await page.locator('section.map-panel').evaluateAll((els) => els.map((e) => {
      const testid = e.getAttribute('data-testid') ?? '';
      return { testid, applies: !e.querySelector(`[data-testid="${testid}-na"]`) };
    }));
    log(`training; panels: ${panels.map((p) => `${p.testid}${p.applies ? '' : ' (n/a)'}`).join(', ')}`);
    const startedAt = Date.now();
    for (let m = 0; m <= minutes; m++) {
      const due = startedAt + m * 60_000;
      if (due > Date.now()) await page.waitForTimeout(due - Date.now());
      const s = await sample(page, pageCdp, worker, send, startedAt);
      samples.push(s);
      log(`min ${s.minute}: step ${s.step}, page heap ${MB(s.pageHeapUsed)}, DOM ${s.domNodes}, worker heap ${MB(s.workerHeapUsed)}, ` +
        `worker buffers ${MB(s.workerBacking)}, tensors ${s.tensorsFrame} (now ${s.tensorsNow}), renderer RSS ${MB(s.rendererRss)}, load ${s.load1}`);
      const status = await page.getByTestId('run-status').getAttribute('data-status').catch(() => null);
      if (status && status !== 'running') {
        stoppedEarly = `the run's status became "${status}" at minute ${s.minute}`;
        break;
      }
    }
  } catch (err) {
    stoppedEarly = err instanceof Error ? err.message : String(err);
    log(`stopped: ${stoppedEarly}`);
  } finally {
    const chromiumVersion = browser.version();
    await browser.close();
    await server.close();
    const data: SoakData = {
      query: flags.query, chromium: chromiumVersion, viewport: `${VIEWPORT.width}×${VIEWPORT.height}`, panels,
      plannedMinutes: minutes, baselineMinute, samples, growth: soakGrowth(samples, baselineMinute), targetGrowth: TARGET_GROWTH,
      consoleErrors: errors.slice(0, 20), stoppedEarly,
    };
    for (const g of data.growth) log(`${g.metric}: ${g.from} → ${g.to} (${(g.growth * 100).toFixed(2)}%)`);
    if (samples.length) {
      saveResult({ section: 'soak', title: 'Soak: memory over a long SViTE+ run in Chromium (WASM)', measuredAt: new Date().toISOString(),
        machine: machineLine(`no GPU, Chromium ${chromiumVersion}`), wallMs: Date.now() - t0, provenance: provenance.now(), data });
      writeBenchmarks();
      log('wrote bench/results/soak.json and BENCHMARKS.md');
    }
  }
  if (stoppedEarly) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
