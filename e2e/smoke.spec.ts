// The real worker trains the tiny preset on WebGPU (SwiftShader when there is no GPU): the backend
// must really be webgpu inside the worker (a silent fallback to webgl is the classic false green)
// and the loss must fall.
import { expect, test } from '@playwright/test';
import { mean } from '../src/engine/stats';
import type { HarnessWindow } from './harness';
import { collectErrors } from './page-errors';

const STEPS = 8;

test('tiny ViT trains on WebGPU in the worker and the loss falls', async ({ page }) => {
  const t0 = Date.now();
  const pageErrors = collectErrors(page);
  const workerSeen = page.waitForEvent('worker');
  await page.goto(`/e2e/smoke.html?run=smoke&backend=webgpu&steps=${STEPS}&batch=16`);
  const worker = await workerSeen;

  await page.waitForFunction(() => (globalThis as unknown as HarnessWindow).__harness?.done === true, null, { timeout: 120_000 });
  const { info, failure, run } = await page.evaluate(() => {
    const h = (globalThis as unknown as HarnessWindow).__harness;
    return { info: h.info, failure: h.failure, run: h.summary() };
  });

  // The backend, from the event and from inside the worker.
  expect(failure).toBeNull();
  expect(info?.backend, `fell back: ${info?.fallbackReason}`).toBe('webgpu');
  expect(info?.fallbackReason).toBeUndefined();
  expect(await worker.evaluate(() => (globalThis as unknown as { __studio: { backend(): string } }).__studio.backend())).toBe('webgpu');

  // A complete run: every step once, in order; frames numbered 0, 1, 2, …; a final evaluation.
  expect(run.errors).toEqual([]);
  expect(run.started?.paramsCount).toBeGreaterThan(0);
  expect(run.started?.samples).toBeGreaterThan(0);
  expect(run.steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  expect(run.frames.map((f) => f.seq)).toEqual(run.frames.map((_, i) => i));
  expect(run.frames.at(-1)).toMatchObject({ state: 'finished', step: STEPS });
  expect(run.states.at(-1)?.state).toBe('finished');
  expect(run.evals.map((e) => e.reason)).toEqual(['final']);
  expect(run.evals[0].confusionSum).toBe(run.evals[0].count);
  const counts = run.frames.filter((f) => f.step >= 1).map((f) => f.numTensors);
  expect(new Set(counts).size, `tensor counts ${counts.join(' ')}`).toBe(1);

  // The loss is finite and falls.
  expect(run.loss.every(Number.isFinite)).toBe(true);
  const first = mean(run.loss.slice(0, 2));
  const last = mean(run.loss.slice(-2));
  expect(last, `loss ${run.loss.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThan(first);

  const stepMs = run.frames.at(-1)!.elapsedMs;
  console.log(
    `[smoke] adapter: ${info?.adapter}\n` +
      `[smoke] step ms ${run.stepMs.map((l) => l.toFixed(0)).join(' ')}; eval ${run.evals[0].elapsedMs.toFixed(0)} ms\n` +
      `[smoke] frames at ${run.frames.map((f) => ((f.at - run.frames[0].at) / 1000).toFixed(1) + 's:' + f.step).join(' ')}\n` +
      `[smoke] loss ${run.loss.map((l) => l.toFixed(3)).join(' ')}; final eval acc ${run.evals[0].accuracy?.toFixed(3)} on ${run.evals[0].count}\n` +
      `[smoke] setup ${run.started?.setupMs.toFixed(0)} ms, training ${stepMs.toFixed(0)} ms, ${run.frames.length} frames, test ${Date.now() - t0} ms`,
  );
  expect(pageErrors).toEqual([]);
});
