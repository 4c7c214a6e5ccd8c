// Try it end to end: a test image through the studio's model gives the prediction the evaluation
// path gives on that image outside the studio (the exported model, evalBatches + Trainer.predict),
// the attention maps of the live heads draw, removed heads show as such, and a drawing runs too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { collectErrors } from './page-errors';

// S²ViTE (heads removed) with SViTE+ token selection on the synthetic set, WASM, a few steps.
const RUN = '/?v=1&p=tiny&st=30&bs=8&ee=0&es=100&m=s2vite&ad=0.5&tk=0.5&s=3&backend=wasm';
const TEST_IMAGE = 7;

type CanvasLike = { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };

test('try it: a test image gets the evaluation path\'s prediction; live heads\' attention maps draw; a drawing runs', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await page.goto(RUN);
  await expect(page.getByTestId('panel-tryit-na')).toContainText('No model yet');
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished', { timeout: 120_000 });

  await page.getByTestId('tryit-test-index').fill(String(TEST_IMAGE));
  await page.getByTestId('tryit-use-test').click();
  const status = page.getByTestId('tryit-status');
  await expect(status).toContainText(`test image ${TEST_IMAGE}`);
  await expect(status).toContainText('model at step 30');
  const studioPred = Number(await status.getAttribute('data-pred'));
  const top = page.getByTestId('tryit-top').locator('li');
  await expect(top).toHaveCount(5);
  const shown = await top.evaluateAll((rows) => rows.map((r) => ({
    cls: Number((r as unknown as { dataset: Record<string, string> }).dataset.cls),
    pct: Number(r.querySelector('.tryit-pct')!.textContent!.replace('%', '')),
  })));

  // The same model, outside the studio, through the evaluation path.
  await page.getByTestId('export').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model-dense').click()]);
  const model = path.join(mkdtempSync(path.join(tmpdir(), 'studio-tryit-')), 'model.safetensors');
  await file.saveAs(model);
  await page.getByTestId('export').click(); // close
  const ref = JSON.parse(execFileSync('node', ['scripts/run-ts.mjs', 'e2e/predict-test-image.ts', model, String(TEST_IMAGE)], { encoding: 'utf8', timeout: 120_000 }));
  expect(studioPred).toBe(ref.pred);
  // The whole top 5, in order, with the probabilities to the 0.1% shown.
  expect(shown.map((s) => s.cls)).toEqual(ref.top.map((t: { cls: number }) => t.cls));
  shown.forEach((s, j) => expect(Math.abs(s.pct - 100 * ref.top[j].prob)).toBeLessThan(0.11));
  await expect(status).toContainText('labelled'); // the test image's true label is named

  // S²ViTE at 0.5: 2 of 4 heads live per block, each with a drawn map; the others marked removed.
  const maps = page.getByTestId('tryit-maps');
  await expect(maps.locator('canvas')).toHaveCount(4); // 2 blocks × 2 live heads
  await expect(maps.locator('.tryit-removed')).toHaveCount(4);
  const drawn = await maps.locator('canvas').evaluateAll((nodes) => nodes.map((n) => {
    const c = n as unknown as CanvasLike;
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let opaque = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] === 255) opaque++;
      colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    }
    return { size: c.width * c.height, opaque, colours: colours.size };
  }));
  for (const d of drawn) {
    expect(d.size).toBe(16); // the 4×4 patch grid
    expect(d.opaque).toBe(d.size);
    expect(d.colours).toBeGreaterThan(1); // a map, not a flat fill
  }
  await expect(page.getByTestId('panel-tryit')).toContainText('8 of 16 patches kept');

  // A drawing: a stroke with the mouse runs the model on it.
  await page.getByTestId('tryit-clear').click();
  const box = (await page.getByTestId('tryit-sketch').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.8, { steps: 5 });
  await page.mouse.up();
  await expect(status).toContainText('your image');
  await expect(top).toHaveCount(5);
  expect(errors).toEqual([]);
});
