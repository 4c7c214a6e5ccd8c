// Switching methods and back must leave every heat map drawing: a panel hidden by one method
// ("Masks appear with SViTE") mounts a fresh canvas when it comes back, and must draw into that one.
import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './page-errors';

/** How many distinct colours a canvas (by test id) holds, and its size. */
const colours = (page: Page, testid: string) => page.getByTestId(testid).evaluate((node) => {
  type Ctx = { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
  const c = node as unknown as { width: number; height: number; getContext(k: string): Ctx };
  const data = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer.slice(0));
  return { distinct: new Set(data).size, width: c.width, height: c.height };
});

async function train(page: Page, method: 'svite' | 's2vite'): Promise<void> {
  await page.locator(`input[name=method][value=${method}]`).check({ force: true });
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
}

test('SViTE → S²ViTE → SViTE: the third run still draws its weight mask (and S²ViTE its heads)', async ({ page }) => {
  const errors = collectErrors(page);
  // Tiny and short on WASM: the bug is in the page, not in the backend.
  await page.goto('/?v=1&p=tiny&n=32&st=4&bs=8&ee=0&es=16&m=svite&dt=2&s=1&backend=wasm');
  await train(page, 'svite');
  expect((await colours(page, 'canvas-masks')).distinct, 'first SViTE mask').toBeGreaterThan(1);
  await train(page, 's2vite');
  await expect(page.getByTestId('panel-masks-na')).toBeVisible();
  const heads = await colours(page, 'canvas-heads');
  await train(page, 'svite');
  const mask = await colours(page, 'canvas-masks');
  expect(mask.distinct, `third run's mask canvas (${mask.width}×${mask.height}) is one colour`).toBeGreaterThan(1);
  // And the other way round: heads hidden under SViTE, back under S²ViTE.
  await train(page, 's2vite');
  const headsAgain = await colours(page, 'canvas-heads');
  expect(headsAgain.distinct, 'heads grid after S²ViTE → SViTE → S²ViTE').toBeGreaterThan(1);
  expect(headsAgain.width).toBe(heads.width);
  expect(errors).toEqual([]);
});
