// `npm run bench:store -- [--seconds 120] [--query LINK]`: what saving the run costs while the studio
// trains, where it really runs: the studio (index.html) in headless Chromium with its own IndexedDB.
// After the second step a window opens; at its end the page's run recorder says how many
// main-thread milliseconds it spent (frames taken in, writes built and issued) and how long the
// worker spent making checkpoints (one per 30 s of training), against the training milliseconds of
// the same steps, all from the same run. Writes bench/results/store.json and re-renders BENCHMARKS.md.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../e2e/chromium';
import { collectErrors } from '../e2e/page-errors';
import type { StoreData } from '../src/cli/bench/checkpoint-result';
import { writeBenchmarks } from '../src/cli/bench/render';
import { loadAverage, machineLine, saveResult } from '../src/cli/bench/results';
import { startProvenance } from '../src/cli/bench/provenance';
import { CHECKPOINT_EVERY_MS } from '../src/protocol/messages';
import { root, serveBuilt } from './serve-built';

// fmnist with SViTE (masks make the snapshots the biggest of the unstructured methods), steps far
// beyond the window so the run never ends inside it.
const QUERY = 'v=1&p=fmnist&st=1000000&m=svite&backend=wasm';

const { values: flags } = parseArgs({ options: { seconds: { type: 'string', default: '120' }, query: { type: 'string', default: QUERY } } });
const windowSeconds = Number(flags.seconds);
const log = (s: string): void => console.log(`[bench:store ${new Date().toISOString().slice(11, 19)}] ${s}`);

/** tsx wraps named functions in `__name(...)`, also inside page.evaluate callbacks: give the page one. */
const KEEP_NAMES_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';
/** Main-thread tasks over 50 ms, from before the app loads. */
const LONG_TASKS = `(() => {
  globalThis.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) globalThis.__longTasks.push({ startTime: e.startTime, duration: e.duration }); }).observe({ type: 'longtask' });
})();`;

type CheckpointWrite = { step: number; bytes: number; workerMs: number; at: number; syncMs: number; putMs: number; totalMs: number };
type SaveCost = { frameMs: number; flushMs: number; writes: number; trainMs: number; step: number; checkpointWrites: CheckpointWrite[] };
type BenchWindow = { __studioRuns: { saveCost(): SaveCost }; __longTasks: { startTime: number; duration: number }[]; performance: { now(): number } };

async function main(): Promise<void> {
  const t0 = Date.now();
  const load = loadAverage();
  const provenance = startProvenance();
  const server = await serveBuilt(path.join(root, '.cache', 'bench-store', 'dist'));
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(KEEP_NAMES_SHIM);
    await context.addInitScript(LONG_TASKS);
    const page = await context.newPage();
    const consoleErrors = collectErrors(page);
    await page.goto(`${server.base}/?${flags.query}`);
    const start = page.getByTestId('start');
    await start.waitFor({ state: 'visible', timeout: 60_000 });
    for (const until = Date.now() + 120_000; !(await start.isEnabled()); await page.waitForTimeout(500))
      if (Date.now() > until) throw new Error('Start stayed disabled for 120 s');
    const backend = await page.getByTestId('backend-badge').getAttribute('data-backend').catch(() => null);
    await start.click();
    const cost = (): Promise<SaveCost & { now: number }> => page.evaluate(() => {
      const w = globalThis as unknown as BenchWindow;
      return { ...w.__studioRuns.saveCost(), now: w.performance.now() };
    });
    // Past the first steps (setup, first kernels) before the window opens.
    await page.waitForFunction(() => (globalThis as unknown as BenchWindow).__studioRuns.saveCost().step >= 2, null, { timeout: 180_000, polling: 250 });
    const from = await cost();
    log(`window opens at step ${from.step}; ${windowSeconds} s`);
    await page.waitForTimeout(windowSeconds * 1000);
    const to = await cost();
    const longTasks = await page.evaluate(() => (globalThis as unknown as BenchWindow).__longTasks);
    await page.getByTestId('stop').click().catch(() => undefined);
    await context.close();

    const writes = to.checkpointWrites.filter((w) => w.at >= from.now);
    const trainMs = to.trainMs - from.trainMs;
    const frameMs = to.frameMs - from.frameMs;
    const flushMs = to.flushMs - from.flushMs;
    const workerCheckpointMs = writes.reduce((a, w) => a + w.workerMs, 0);
    const data: StoreData = {
      chromium: browser.version(), query: flags.query, backend, intervalMs: CHECKPOINT_EVERY_MS, loadAverage: load,
      windowMs: to.now - from.now, steps: to.step - from.step, trainMs, frameMs, flushMs, writes: to.writes - from.writes,
      checkpoints: writes.map((w) => ({ step: w.step, bytes: w.bytes, workerMs: w.workerMs, syncMs: w.syncMs, putMs: w.putMs, commitMs: w.totalMs })),
      workerCheckpointMs,
      mainShare: (frameMs + flushMs) / trainMs,
      workerShare: workerCheckpointMs / trainMs,
      share: (frameMs + flushMs + workerCheckpointMs) / trainMs,
      longTasksDuringWrites: longTasks.filter((t) => writes.some((w) => t.startTime < w.at + w.totalMs && t.startTime + t.duration > w.at)).length,
      consoleErrors,
    };
    log(`${data.steps} steps, ${trainMs.toFixed(0)} training ms; main thread ${(frameMs + flushMs).toFixed(1)} ms, worker checkpoints ${workerCheckpointMs.toFixed(1)} ms (${writes.length}): ${(data.share * 100).toFixed(3)}% of training`);
    saveResult({
      section: 'store', title: 'Saving the run while it trains: cost against step time (the studio, Chromium IndexedDB)',
      measuredAt: new Date().toISOString(), machine: machineLine(`no GPU, Chromium ${browser.version()}`), wallMs: Date.now() - t0, provenance: provenance.now(), data,
    });
  } finally {
    await browser.close();
    await server.close();
  }
  writeBenchmarks();
  log('wrote bench/results/store.json and BENCHMARKS.md');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
