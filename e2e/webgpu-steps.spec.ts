// The WebGPU training step's structure (issue #23): losses stay on the GPU and are read back once
// per 8 steps, and no compute pipeline is created after step 3. Counted on tfjs's GPUDevice in the
// page (e2e/gpu-step-counts.ts) while the tiny preset trains on Chromium's WebGPU (SwiftShader here):
// counts, not times, so asserting them is fine. The per-step schedule (readbackEvery 1, the old
// behaviour) runs too, for the readbacks it saves and for identical losses.
import { expect, test } from '@playwright/test';
import type { HarnessWindow } from './harness';
import { collectErrors } from './page-errors';

test('WebGPU training reads the loss back once per 8 steps and creates no pipeline after step 3', async ({ page }) => {
  test.setTimeout(600_000);
  const pageErrors = collectErrors(page);
  await page.goto('/e2e/smoke.html');
  await page.waitForFunction(() => Boolean((globalThis as unknown as Partial<HarnessWindow>).__harness));
  const chunked = await page.evaluate(() => (globalThis as unknown as HarnessWindow).__harness.gpuStepCounts('tiny'));
  const every = await page.evaluate(() => (globalThis as unknown as HarnessWindow).__harness.gpuStepCounts('tiny', 1, 3, 16));
  for (const r of [chunked, every]) console.log(`[webgpu-steps] tiny, readback every ${r.readbackEvery}: chunks ${r.chunks.join(' ')}; per step ${JSON.stringify(r.perStep)}; pipelines after step 3: ${r.pipelinesAfterWarmup}`);

  expect(chunked.gpuErrors).toEqual([]);
  expect(chunked.readbackEvery).toBe(8); // the engine's schedule on WebGPU (facts/readback)
  expect(chunked.chunks).toEqual([3, 5, 8, 8]);
  expect(chunked.window.readbacks).toBeLessThanOrEqual(chunked.steadySteps / 8);
  expect(chunked.pipelinesAfterWarmup).toBe(0);
  expect(every.window.readbacks).toBeGreaterThanOrEqual(every.steadySteps); // what it replaces: one per step
  expect(chunked.losses.slice(0, every.losses.length)).toEqual(every.losses); // the same steps, bit for bit
  expect(pageErrors).toEqual([]);
});
