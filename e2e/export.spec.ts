// Export from the studio, checked outside it: the model file evaluates in `cli eval` to the
// accuracy the studio shows and loads back to the same evaluation, a results link shows the same
// numbers in a fresh page without training, the CSV has one row per step, the panels come as PNGs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { collectErrors } from './page-errors';

const STEPS = 10;
// S²ViTE on the synthetic set, WASM, whole test set (1000 images) at the end: the studio's figure
// and `cli eval` (which always evaluates the whole test split) count the same images.
const RUN = `/?v=1&p=tiny&st=${STEPS}&bs=8&ee=0&es=0&m=s2vite&s=5&backend=wasm`;

async function save(page: Page, item: string, dir: string): Promise<string> {
  await page.getByTestId('export').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${item}`).click()]);
  const out = path.join(dir, file.suggestedFilename());
  await file.saveAs(out);
  await expect(page.getByTestId('export-status')).toContainText('Saved');
  await page.getByTestId('export').click(); // close
  return out;
}

test('export: cli eval gives the studio accuracy; load back gives the same evaluation; results link; curves and panels', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const dir = mkdtempSync(path.join(tmpdir(), 'studio-export-'));
  await page.goto(RUN);
  await expect(page.getByTestId('export')).toBeDisabled(); // nothing trained yet
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished', { timeout: 120_000 });
  const acc = page.getByTestId('test-acc');
  await expect(acc).toHaveAttribute('title', `step ${STEPS}: the whole test split (1,000 images)`); // es=0: all of it
  const studioAccuracy = await acc.textContent();

  const model = await save(page, 'model-dense', dir);
  expect(path.basename(model)).toBe(`sparse-vit-tiny-s2vite-seed5-step${STEPS}.safetensors`);
  const cli = JSON.parse(execFileSync('node', ['scripts/run-ts.mjs', 'src/cli/main.ts', 'eval', model, '--backend', 'wasm'], { encoding: 'utf8', timeout: 120_000 }));
  expect([cli.method, cli.layout, cli.testImages]).toEqual(['s2vite', 'dense', 1000]);
  expect(`${(100 * cli.testAccuracy).toFixed(1)}%`).toBe(studioAccuracy);

  // Loaded back into a fresh studio (picker): the same evaluation, the same live heads.
  const loaded = await page.context().newPage();
  const loadedErrors = collectErrors(loaded);
  await loaded.goto('/?backend=wasm');
  await expect(loaded.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
  await loaded.getByTestId('load-model-input').setInputFiles(model);
  await expect(loaded.getByTestId('test-acc')).toHaveAttribute('title', 'step 0: the whole test split (1,000 images)', { timeout: 60_000 });
  await expect(loaded.getByTestId('test-acc-label')).toHaveText('test acc., all'); // the label says which split and size
  await expect(loaded.getByTestId('test-acc')).toHaveText(studioAccuracy!);
  await expect(loaded.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  const liveHeads = async (p: Page) => (await p.getByTestId('panel-heads').innerText()).match(/\d+ of \d+ heads live/)?.[0];
  expect(await liveHeads(loaded)).toBe(await liveHeads(page));
  expect(loadedErrors).toEqual([]);
  // A broken file: the CLI's own message, and nothing changes.
  const bad = path.join(dir, 'bad.safetensors');
  writeFileSync(bad, 'not a model at all');
  let cliError = '';
  try {
    execFileSync('node', ['scripts/run-ts.mjs', 'src/cli/main.ts', 'eval', bad], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    cliError = String((e as { stderr: string }).stderr).trim().replace(/^error: .*?bad\.safetensors: /, '');
  }
  expect(cliError).toMatch(/headers are capped at 100 MB/);
  await loaded.getByTestId('load-model-input').setInputFiles(bad);
  await expect(loaded.getByText('This model file cannot be loaded: the experiment is unchanged')).toBeVisible();
  await expect(loaded.getByText(cliError)).toBeVisible();
  await expect(loaded.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  await loaded.close();

  const compact = await save(page, 'model-compact', dir);
  const cliCompact = JSON.parse(execFileSync('node', ['scripts/run-ts.mjs', 'src/cli/main.ts', 'eval', compact, '--backend', 'wasm'], { encoding: 'utf8', timeout: 120_000 }));
  expect([cliCompact.layout, cliCompact.testAccuracy]).toEqual(['compact', cli.testAccuracy]);

  const csv = readFileSync(await save(page, 'csv', dir), 'utf8').trimEnd().split('\n');
  expect(csv[0].split(',').slice(0, 2)).toEqual(['step', 'loss']);
  expect(csv.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  const json = JSON.parse(readFileSync(await save(page, 'json', dir), 'utf8'));
  expect(json.steps.step).toHaveLength(STEPS);
  expect(json.evals.test_accuracy.at(-1)).toBeCloseTo(cli.testAccuracy, 10);

  // The results link: opened in a fresh page, the numbers are there at once, without training.
  await page.getByTestId('share').click();
  const link = await page.getByTestId('results-link').inputValue();
  await page.getByTestId('share').click(); // close
  expect(link).toMatch(/#r=1\./);
  expect(link.length).toBeLessThan(8192 + 200);
  const fresh = await page.context().newPage();
  const freshErrors = collectErrors(fresh);
  await fresh.goto(link);
  await expect(fresh.getByTestId('reported-banner')).toContainText('Reported results', { timeout: 10_000 });
  await expect(fresh.getByTestId('run-status')).toHaveAttribute('data-status', 'finished');
  await expect(fresh.getByTestId('test-acc')).toHaveText(studioAccuracy!);
  await expect(fresh.getByTestId('step-counter')).toHaveText(String(STEPS));
  // The per-layer densities are the trained page's (which adds the fired fraction after each).
  const densities = (await fresh.getByTestId('panel-density').innerText()).match(/\d\.\d\d/g) ?? [];
  expect(densities.length).toBeGreaterThanOrEqual(8); // 2 blocks × 4 layers
  const trained = await page.getByTestId('panel-density').innerText();
  for (const d of densities) expect(trained).toContain(d);
  for (const id of ['panel-heads', 'panel-neurons']) {
    const drawn = await fresh.getByTestId(id).locator('canvas').first().evaluate((c) => {
      const canvas = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let colours = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2])) colours++;
      return colours;
    });
    expect(drawn, id).toBeGreaterThan(0);
  }
  // The address bar keeps the results while they are shown: a reload shows them again.
  await fresh.waitForTimeout(500);
  expect(fresh.url()).toContain('#r=1.');
  await fresh.reload();
  await expect(fresh.getByTestId('reported-banner')).toContainText('Reported results', { timeout: 10_000 });
  await expect(fresh.getByTestId('test-acc')).toHaveText(studioAccuracy!);
  await fresh.getByTestId('export').click();
  await expect(fresh.getByTestId('export-model-dense')).toHaveCount(0); // no model behind a link
  await fresh.getByTestId('export').click();
  // Re-run to verify: the same config and seed on the same backend give the same figures.
  await fresh.getByTestId('rerun-verify').click();
  await expect(fresh.getByTestId('reported-diff')).toContainText('test accuracy', { timeout: 120_000 });
  await expect(fresh.getByTestId('reported-diff').locator('tr', { hasText: 'test accuracy' })).toContainText('0.00 points');
  expect(freshErrors).toEqual([]);

  // A garbled fragment: a clear notice, and the experiment still loads.
  const garbled = await page.context().newPage();
  await garbled.goto(link.replace(/#r=1\.(.{20})/, '#r=1.$1~~'));
  await expect(garbled.getByText('The results in this link could not be read')).toBeVisible();
  await expect(garbled.getByTestId('reported-banner')).toHaveCount(0);
  await expect(garbled.getByTestId('run-status')).toHaveAttribute('data-status', 'idle');
  expect(new URL(garbled.url()).searchParams.get('st')).toBe(String(STEPS));

  const pngs = unzipSync(new Uint8Array(readFileSync(await save(page, 'png', dir))));
  const names = Object.keys(pngs);
  for (const n of ['training-loss.png', 'test-accuracy.png', 'attention-heads.png']) expect(names).toContain(n);
  for (const bytes of Object.values(pngs)) expect(Array.from(bytes.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  expect(errors).toEqual([]);
});
