// `npm run bench:webgpu-steps`: the WebGPU training step's structure (issue #23) in headless Chromium:
// dispatches, submissions, readbacks, uploads and late pipelines per step, for the tiny and fmnist
// shapes, with the engine's loss readback schedule (every 8 steps) and reading every step (before).
// Counts, not times (e2e/gpu-step-counts.ts). Writes bench/results/webgpu-steps.json and re-renders
// BENCHMARKS.md. On SwiftShader an fmnist step takes ~40 s: its windows are shorter.
// Env: CHROMIUM_PATH, BENCH_WEBGPU_STEPS_FMNIST (steady fmnist steps, default 8; 0 skips fmnist).
import path from 'node:path';
import { launchChromium } from '../e2e/chromium';
import { collectErrors } from '../e2e/page-errors';
import type { HarnessWindow } from '../e2e/harness';
import type { PresetName } from '../src/engine/config';
import { writeBenchmarks } from '../src/cli/bench/render';
import { machineLine, saveResult } from '../src/cli/bench/results';
import { startProvenance } from '../src/cli/bench/provenance';
import type { GpuStepCounts, WebGpuStepsData } from '../src/cli/bench/webgpu-steps-result';
import { root, serveBuilt } from './serve-built';

const outDir = path.join(root, '.cache', 'bench-webgpu-steps', 'dist');
const log = (s: string): void => console.log(`[bench:webgpu-steps] ${s}`);
const FMNIST_STEADY = Number(process.env.BENCH_WEBGPU_STEPS_FMNIST ?? 8);
/** tsx's keepNames wraps functions in __name(), also inside page.evaluate callbacks: give the page one. */
const KEEP_NAMES_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

/** Preset, readback schedule (undefined: the engine's), steady steps. */
const PLANS: [PresetName, number | undefined, number][] = [
  ['tiny', undefined, 16],
  ['tiny', 1, 16],
  ...(FMNIST_STEADY > 0 ? [['fmnist', undefined, FMNIST_STEADY], ['fmnist', 1, FMNIST_STEADY]] as [PresetName, number | undefined, number][] : []),
];

async function main(): Promise<void> {
  const t0 = Date.now();
  const provenance = startProvenance();
  log(`building into ${path.relative(root, outDir)}`);
  const server = await serveBuilt(outDir);
  const browser = await launchChromium();
  const runs: GpuStepCounts[] = [];
  let adapter: string | null = null;
  try {
    for (const [preset, every, steady] of PLANS) {
      const context = await browser.newContext();
      await context.addInitScript(KEEP_NAMES_SHIM);
      const page = await context.newPage();
      page.setDefaultTimeout(0);
      const errors = collectErrors(page);
      await page.goto(`${server.base}/e2e/smoke.html`);
      await page.waitForFunction(() => Boolean((globalThis as unknown as Partial<HarnessWindow>).__harness));
      adapter ??= await page.evaluate(async () => {
        const a = await ((globalThis as unknown as { navigator: unknown }).navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string; description: string } } | null> } }).gpu?.requestAdapter();
        return a?.info ? [a.info.vendor, a.info.architecture, a.info.description].filter(Boolean).join(' ') : null;
      });
      log(`${preset}, readback ${every === undefined ? 'as the engine does' : `every ${every}`}: 3 warm-up steps, then ${steady} counted`);
      const r = await page.evaluate(([p, e, s]) => (globalThis as unknown as HarnessWindow).__harness.gpuStepCounts(p, e, 3, s), [preset, every, steady] as const);
      log(`chunks ${r.chunks.join(' ')}; per step ${JSON.stringify(r.perStep)}; pipelines after step 3: ${r.pipelinesAfterWarmup}${errors.length ? `; page errors: ${errors.join(' / ')}` : ''}`);
      runs.push(r);
      await context.close();
    }
    const data: WebGpuStepsData = { chromium: browser.version(), adapter, runs };
    saveResult({
      section: 'webgpu-steps', title: 'WebGPU step structure: dispatches, submissions, readbacks, uploads (Chromium, counts)',
      measuredAt: new Date().toISOString(), machine: machineLine(`no GPU (SwiftShader), Chromium ${browser.version()}`),
      wallMs: Date.now() - t0, provenance: provenance.now(), data,
    });
    log('wrote bench/results/webgpu-steps.json');
  } finally {
    await browser.close();
    await server.close();
  }
  writeBenchmarks();
  log('wrote BENCHMARKS.md');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
