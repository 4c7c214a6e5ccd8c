// S²ViTE's heads panel names the baseline it must beat (its frozen topology), sets that run up in
// one click, and once both have trained shows the measured gap from the studio's own runs.
import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './page-errors';

async function trainToEnd(page: Page): Promise<void> {
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
}

test('S²ViTE beside its frozen topology: set up in one click, then the gap of the two runs', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?v=1&p=tiny&n=32&st=6&bs=8&ee=0&es=16&m=s2vite&dt=2&s=1&backend=wasm');
  const note = page.getByTestId('panel-heads').getByTestId('baseline-note');
  await expect(note).toContainText('frozen topology');
  await trainToEnd(page);
  await expect(note).toContainText('Train it to see whether S²ViTE beats it here');
  await note.getByTestId('baseline-setup').click();
  await trainToEnd(page);
  // The frozen run's own panel now shows the gap, against the S²ViTE run it is the baseline of.
  await expect(note).toHaveAttribute('data-gap', /^-?\d/);
  const gap = Number(await note.getAttribute('data-gap'));
  await expect(note).toContainText(/[+−±]\d+\.\d points against its frozen topology: S²ViTE \d+\.\d% \(1 run\), frozen topology \d+\.\d% \(1 run\)/);
  expect(Number.isFinite(gap)).toBe(true);
  await expect(note.getByTestId('baseline-setup')).toHaveCount(0);
  expect(errors).toEqual([]);
});
