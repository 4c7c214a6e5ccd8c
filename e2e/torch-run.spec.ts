// A run trained by the PyTorch package (python/sparse_vit, issue #21) comes back into the studio:
// Runs → Import takes its .svrun.gz, and the reopened run's curve is the summary.json's losses.
// Needs a Python with torch (Debian: python3-torch); without one the test says so and skips.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { collectErrors } from './page-errors';
import { findTorchPython } from '../src/cli/bench/torch-peer';

type StudioUi = { losses(): number[] };
const LINK = 'v=1&p=tiny&st=12&ee=6&es=100&m=s2vite&dt=5&s=3';

test('a PyTorch run file imports into Runs and reopens with its summary curve', async ({ page }) => {
  const found = findTorchPython();
  test.skip('skipped' in found, 'skipped' in found ? found.skipped : '');
  const out = mkdtempSync(path.join(os.tmpdir(), 'torch-run-'));
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync((found as { python: string }).python, ['-m', 'sparse_vit.train', '--url', LINK, '--out', out, '--quiet'],
    { cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../python'), env, encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { losses: number[]; testAccuracy: number };

  const errors = collectErrors(page);
  await page.goto('/');
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.getByTestId('runs-toggle').click();
  await page.getByTestId('run-import').setInputFiles(path.join(out, 'run.svrun.gz'));
  await expect(page.getByTestId('run-import-note')).toContainText('(imported)');
  const row = page.getByTestId('run-row').first();
  await expect(row.getByTestId('run-name')).toContainText('torch');
  await row.getByTestId('run-open').click();
  const losses = () => page.evaluate(() => (globalThis as unknown as { __studioUi: StudioUi }).__studioUi.losses());
  await expect.poll(losses).toEqual(summary.losses.map((l) => Math.fround(l)));
  expect(errors).toEqual([]);
});
