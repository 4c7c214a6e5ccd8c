// The measured backend choice, in the studio on this kind of machine (no GPU: WebGPU runs on
// SwiftShader, emulated on the CPU). By default the worker times the tiny preset's steps on each
// backend and trains on WASM, because it measured SwiftShader slower; the badge shows what was
// measured, and a reload takes the remembered answer. `?backend=webgpu` still forces WebGPU.
import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './page-errors';

type StudioWorker = { __studio: { backend(): string; info(): { wasmThreads?: number } | null } };
const stepOf = async (page: Page): Promise<number> => Number(await page.getByTestId('step-counter').textContent());

/** Opens the studio on a link and waits until its worker trains on `backend`, by the badge and from inside. */
async function openOn(page: Page, query: string, backend: string) {
  const errors = collectErrors(page);
  const workerSeen = page.waitForEvent('worker');
  await page.goto(`/?${query}`);
  const worker = await workerSeen;
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', backend, { timeout: 60_000 });
  expect(await worker.evaluate(() => (globalThis as unknown as StudioWorker).__studio.backend())).toBe(backend);
  return { errors, worker, badge };
}

test('by default the studio measures the backends and trains on the fastest: WASM over SwiftShader', async ({ page }) => {
  const { errors, worker, badge } = await openOn(page, 'v=1&p=tiny&st=5&bs=8&ee=0&es=16&s=1', 'wasm');
  await expect(badge).toContainText('auto');
  await expect(page.getByTestId('backend-banner')).toHaveCount(0); // WebGPU exists: it lost, nothing failed

  // The measurements: WASM with a rate; WebGPU flagged as software, not timed by default.
  await badge.click();
  const details = page.getByTestId('backend-details');
  const quick = (await details.getByTestId('backend-summary').textContent()) ?? '';
  expect(quick).toMatch(/^WASM \d+(\.\d)? img\/s · WebGL · SwiftShader \(software\) – \(software renderer: not timed\) · WebGPU · SwiftShader \(software\) – \(software adapter: not timed/);
  expect(quick).toMatch(/→ WASM$/);
  const quickCost = Number(/in ([\d.]+) s/.exec((await details.textContent()) ?? '')?.[1]);
  const threads = (await worker.evaluate(() => (globalThis as unknown as StudioWorker).__studio.info()))?.wasmThreads;
  expect(threads).toBeGreaterThanOrEqual(1);

  // It trains on WASM.
  const t0 = Date.now();
  await badge.click(); // closes the details
  await page.getByTestId('start').click();
  await expect.poll(() => stepOf(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const firstStepS = (Date.now() - t0) / 1000;
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });

  // Measure again: now SwiftShader is timed too, and loses (its first step alone runs past the budget).
  await badge.click();
  await page.getByTestId('backend-remeasure').click();
  await expect(page.getByTestId('backend-details')).toHaveCount(0);
  await expect(badge).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  await badge.click();
  const summary = (await page.getByTestId('backend-summary').textContent()) ?? '';
  expect(summary).toMatch(/WebGPU · SwiftShader \(software\) (\d+(\.\d)? img\/s|– \(first step over 2 s\))/);
  expect(summary).toMatch(/→ WASM$/);
  await expect(page.locator('tr[data-backend=wasm]')).toHaveClass('chosen');
  await expect(page.getByTestId('backend-details')).toContainText('Measured just now');
  const cost = Number(/in ([\d.]+) s/.exec((await page.getByTestId('backend-details').textContent()) ?? '')?.[1]);

  // A reload takes the remembered choice (no measuring) for the same adapter and shapes.
  await page.reload();
  await expect(badge).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
  await badge.click();
  await expect(page.getByTestId('backend-details')).toContainText('Remembered from');
  expect(errors).toEqual([]);
  console.log(`[backend] ${quick} (${quickCost} s); measured again: ${summary} (${cost} s); WASM threads ${threads}; Start → step 1 in ${firstStepS.toFixed(1)} s`);
});

test('?backend=webgpu forces WebGPU (nothing measured) and trains; the picker shows it and goes back to automatic', async ({ page }) => {
  const { errors, worker, badge } = await openOn(page, 'v=1&p=tiny&n=16&st=2&bs=4&ee=0&es=8&s=1&backend=webgpu', 'webgpu');
  await expect(badge).toContainText('forced');
  await badge.click();
  await expect(page.getByTestId('backend-details')).toContainText('Forced with backend=webgpu');
  await expect(page.getByTestId('backend-picker')).toHaveValue('webgpu');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished', { timeout: 120_000 });
  expect(await stepOf(page)).toBe(2);
  expect(await worker.evaluate(() => (globalThis as unknown as StudioWorker).__studio.backend())).toBe('webgpu');
  await expect(page).toHaveURL(/backend=webgpu/);

  // The picker back on automatic: measured (WASM wins), and the link no longer names a backend.
  // Clicking Start closed the details (they close on a click outside): open them again.
  const picker = page.getByTestId('backend-picker');
  if (!(await picker.isVisible())) await badge.click();
  await picker.selectOption('auto');
  await expect(badge).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  await expect(badge).toContainText('auto');
  await expect(page).not.toHaveURL(/backend=/);
  expect(errors).toEqual([]);
});
