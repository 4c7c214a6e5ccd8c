// The Try-it panel before a model exists and after a test image, scrolled to, and the panel alone.
import type { Scene } from './scene';
import { drawOffscreen, shoot, SIZES, trainToEnd } from './scene';

const RUN = 'v=1&p=tiny&st=30&bs=8&ee=0&es=100&m=s2vite&ad=0.5&tk=0.5&s=1&backend=wasm';

export const tryitScene: Scene = async (ctx) => {
  const page = await ctx.browser.newPage({ viewport: SIZES[0] });
  await page.goto(`${ctx.base}/?${RUN}`);
  await drawOffscreen(page);
  const panel = page.getByTestId('panel-tryit');
  await shoot(ctx, page, 'tryit-no-model', { element: panel });
  await page.setViewportSize(SIZES[0]);
  await trainToEnd(page);
  await page.getByTestId('tryit-test-index').fill('3');
  await page.getByTestId('tryit-use-test').click();
  await page.getByTestId('tryit-status').waitFor();
  await shoot(ctx, page, 'tryit-test-image', { element: panel });
  await page.close();
};
