// Renders docs/screenshot.png: the studio mid-run (SViTE+ on the tiny preset, light theme).
// Opt-in, it takes a minute of training: SCREENSHOT=1 npx playwright test e2e/studio-screenshot.spec.ts
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test.skip(!process.env.SCREENSHOT, 'set SCREENSHOT=1 to render docs/screenshot.png');
test.use({ viewport: { width: 1600, height: 1000 }, colorScheme: (process.env.SCREENSHOT_THEME as 'dark' | 'light') ?? 'light' });

test('screenshot of a run in progress', async ({ page }) => {
  test.setTimeout(240_000);
  const steps = Number(process.env.SCREENSHOT_STEPS ?? 40);
  await page.goto('/?v=1&p=tiny&st=80&bs=16&ee=10&es=200&m=svite&dt=3&tk=0.5&s=1&run=1');
  await expect.poll(async () => Number(await page.getByTestId('step-counter').textContent()), { timeout: 200_000, intervals: [1000] })
    .toBeGreaterThanOrEqual(steps);
  await page.waitForTimeout(1500);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: process.env.SCREENSHOT_PATH ?? path.join(root, 'docs/screenshot.png') });
});
