// A fresh clone (`npm ci && npm start`, no `npm run datasets`) serves no real data set: the studio
// says so before Start, and a start that fails on the data leaves no dead end behind it.
import { expect, test } from '@playwright/test';
import { collectErrors } from './page-errors';

test('fmnist without served data: the Data section says how to get it before Start, and Start waits', async ({ page }) => {
  const errors = collectErrors(page);
  await page.route('**/datasets/**', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/?v=1&p=fmnist&backend=wasm');
  const notice = page.getByTestId('data-not-served');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('npm run datasets');
  await expect(notice).toContainText('import the files');
  await expect(page.getByTestId('data-source')).not.toContainText('Served by this server');
  await expect(page.getByTestId('start')).toBeDisabled();
  await expect(page.getByTestId('start-blocker')).toContainText('npm run datasets');
  expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
});

test('a start that fails on the data: no Evaluate, no stuck Export, no "failed at 0/N" run in Runs', async ({ page }) => {
  // The server claims the folder (its manifest lists the files) but every data file is missing.
  await page.route('**/datasets/**', (r) => r.request().url().endsWith('/files.json')
    ? r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ name: 'fashion-mnist', files: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'] }) })
    : r.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/?v=1&p=fmnist&st=4&backend=wasm');
  await expect(page.getByTestId('data-served')).toBeVisible();
  await page.getByTestId('start').click();
  const banner = page.getByTestId('data-error');
  await expect(banner).toContainText('fashion-mnist data set is not available', { timeout: 60_000 });
  await expect(banner).toContainText('npm run datasets');
  await expect(banner).toContainText('train-images-idx3-ubyte.gz is missing');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByTestId('evaluate')).toBeDisabled();
  await expect(page.getByTestId('export')).toBeDisabled();
  await expect(page.getByTestId('export')).toHaveAttribute('title', /stopped before training began/);
  // The Data section now knows the server lacks the files, and Start says how to get them.
  await expect(page.getByTestId('data-not-served')).toBeVisible();
  await expect(page.getByTestId('start-blocker')).toContainText('npm run datasets');
  await page.getByTestId('runs-toggle').click();
  await expect(page.getByTestId('runs-panel')).toBeVisible();
  await page.waitForTimeout(1000); // the end's write and the list's refresh
  await expect(page.getByTestId('run-row')).toHaveCount(0);
});
