// The Export menu, the share popover with a results link, and the results opened from that link.
import type { Scene } from './scene';
import { shoot, SIZES, trainToEnd } from './scene';

const RUN = 'v=1&p=tiny&st=12&bs=8&ee=4&es=200&m=s2vite&s=1&backend=wasm';

export const shareScene: Scene = async (ctx) => {
  const page = await ctx.browser.newPage({ viewport: SIZES[0] });
  await page.goto(`${ctx.base}/?${RUN}`);
  await trainToEnd(page);
  const exportButton = page.getByTestId('export');
  await shoot(ctx, page, 'export-menu', { before: async () => { await exportButton.scrollIntoViewIfNeeded(); await exportButton.click(); }, dismiss: true });
  await shoot(ctx, page, 'share-results', { before: () => page.getByTestId('share').click(), dismiss: true });
  await page.getByTestId('share').click();
  const link = await page.getByTestId('results-link').inputValue();
  const fresh = await ctx.browser.newPage({ viewport: SIZES[0] });
  await fresh.goto(link);
  await fresh.getByTestId('reported-banner').waitFor();
  await shoot(ctx, fresh, 'reported');
  await Promise.all([page.close(), fresh.close()]);
};
