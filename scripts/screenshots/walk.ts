// A newcomer's walk (issue #22): the backend details and the share popover, Runs with two runs of the
// same name and their comparison, and a real data set this server does not serve (the notice before
// Start, and the banner when the files are missing after all).
import type { Page } from '@playwright/test';
import type { Scene } from './scene';
import { drawOffscreen, shoot, SIZES, trainToEnd } from './scene';

const RUN = 'v=1&p=tiny&n=64&st=12&bs=8&ee=6&es=64&m=svite&dt=3&s=1';

/** Opens a popover from the top of the page (shoot's `dismiss` closes it after each picture). */
const openFromTop = (page: Page, button: string) => async () => {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.getByTestId(button).click();
};

export const walkScene: Scene = async (ctx) => {
  const page = await ctx.browser.newPage({ viewport: SIZES[0] });
  // The measured backend choice (no backend=): its details hold the measurements' table.
  await page.goto(`${ctx.base}/?${RUN}`);
  await trainToEnd(page);
  await trainToEnd(page); // the same experiment again: two runs with one name
  await shoot(ctx, page, 'backend-details', { before: openFromTop(page, 'backend-badge'), dismiss: true });
  await shoot(ctx, page, 'share', { before: openFromTop(page, 'share'), dismiss: true });
  await page.getByTestId('runs-toggle').click();
  for (const pick of await page.getByTestId('run-pick').all()) await pick.check();
  await drawOffscreen(page);
  await shoot(ctx, page, 'runs', { element: page.getByTestId('runs-panel'), before: () => page.getByTestId('runs-panel').scrollIntoViewIfNeeded() });
  await shoot(ctx, page, 'compare', { element: page.getByTestId('compare'), before: () => page.getByTestId('compare').scrollIntoViewIfNeeded() });
  await page.close();

  // fmnist on a server without `npm run datasets`: what the Data section says before Start.
  const bare = await ctx.browser.newPage({ viewport: SIZES[0] });
  await bare.route('**/datasets/**', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await bare.goto(`${ctx.base}/?v=1&p=fmnist&backend=wasm`);
  await bare.getByTestId('data-not-served').waitFor();
  await shoot(ctx, bare, 'data-not-served', { element: bare.getByTestId('data-source') });
  await bare.close();

  // A folder that claims the files but misses them: the failed start, and what stays usable.
  const broken = await ctx.browser.newPage({ viewport: SIZES[0] });
  await broken.route('**/datasets/**', (r) => r.request().url().endsWith('/files.json')
    ? r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ files: ['t10k-images-idx3-ubyte.gz'] }) })
    : r.fulfill({ status: 404, body: 'not found' }));
  await broken.goto(`${ctx.base}/?v=1&p=fmnist&backend=wasm`);
  await broken.getByTestId('start').click({ timeout: 60_000 });
  await broken.getByTestId('data-error').waitFor({ timeout: 60_000 });
  await shoot(ctx, broken, 'data-failed');
  await broken.close();
};
