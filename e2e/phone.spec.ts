// The studio at phone size (390×844): Start on the first screen, and no two blocks on top of each other.
import { expect, test } from '@playwright/test';

test.use({ viewport: { width: 390, height: 844 } });

test('at 390×844 Start is visible without scrolling and the sidebar and panels do not overlap', async ({ page }) => {
  await page.goto('/?v=1&p=tiny&m=svite&s=1');
  const start = page.getByTestId('start');
  await expect(start).toBeEnabled({ timeout: 60_000 });
  const box = (await start.boundingBox())!;
  expect(box.y + box.height, 'Start is below the fold').toBeLessThanOrEqual(844);
  await expect(page.locator('h1')).toHaveText('Sparse ViT Studio');
  const title = await page.locator('h1').evaluate((h) => h.scrollWidth <= h.clientWidth);
  expect(title, 'the title is clipped').toBe(true);
  // Every outermost card of the layout (the sidebar included), in page coordinates: none may overlap another.
  type El = { className: string; parentElement: { closest(s: string): unknown } | null; getBoundingClientRect(): { left: number; top: number; right: number; bottom: number } };
  const blocks = await page.evaluate(() => {
    const d = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> }; scrollY: number };
    return Array.from(d.document.querySelectorAll('.layout .controls, .layout .card'))
      .filter((el) => !el.parentElement?.closest('.card, .controls'))
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { name: el.className, left: r.left, right: r.right, top: r.top + d.scrollY, bottom: r.bottom + d.scrollY };
      });
  });
  expect(blocks.length).toBeGreaterThan(5);
  for (const [i, a] of blocks.entries())
    for (const b of blocks.slice(i + 1)) {
      const overlap = a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
      expect(overlap, `${a.name} overlaps ${b.name}`).toBe(false);
    }
});

test('at 390×844 every popover and menu lies inside the viewport (Share, backend details, Export, help), and Runs fits', async ({ page }) => {
  await page.goto('/?v=1&p=tiny&n=32&st=20&bs=8&ee=0&es=16&m=s2vite&s=1&backend=wasm');
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('step').click(); // one step: a model to export, and results to share
  await expect(page.getByTestId('step-counter')).toHaveText('1', { timeout: 60_000 });
  const inside = async (name: string, open: () => Promise<unknown>, testid: string, close: () => Promise<unknown>) => {
    await open();
    const el = page.getByTestId(testid);
    await expect(el, name).toBeVisible();
    const box = (await el.boundingBox())!;
    expect(box.x, `${name}: left edge ${box.x}`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${name}: right edge ${box.x + box.width}`).toBeLessThanOrEqual(390);
    expect(box.y, `${name}: top ${box.y}`).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height, `${name}: bottom ${box.y + box.height}`).toBeLessThanOrEqual(844);
    await close();
    await expect(el).toHaveCount(0);
  };
  const clickAt = (id: string) => () => page.getByTestId(id).click();
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await inside('Share', clickAt('share'), 'share-popover', clickAt('share'));
  await inside('backend details', clickAt('backend-badge'), 'backend-details', clickAt('backend-badge'));
  await inside('help', () => page.getByLabel('Help').click(), 'help', () => page.getByRole('dialog').getByLabel('Close').click());
  await page.getByTestId('export').scrollIntoViewIfNeeded();
  await inside('Export', clickAt('export'), 'export-menu', clickAt('export'));

  // Runs: each run a card, its status, Open and Resume on screen (the table was 970 px wide).
  await page.getByTestId('stop').click();
  await page.getByTestId('runs-toggle').click();
  const row = page.getByTestId('run-row').first();
  // Nothing to scroll sideways: the list is no wider than its box.
  type Box = { scrollWidth: number; clientWidth: number; parentElement: Box };
  const sideways = await page.getByTestId('runs-table').evaluate((t) => {
    const wrap = (t as unknown as Box).parentElement;
    return wrap.scrollWidth - wrap.clientWidth;
  });
  expect(sideways, 'the runs list scrolls sideways').toBeLessThanOrEqual(1);
  for (const id of ['saved-run-status', 'run-open', 'run-name']) {
    const el = row.getByTestId(id);
    const box = (await el.boundingBox())!;
    expect(box.x, `${id}: left edge`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${id}: right edge ${box.x + box.width}`).toBeLessThanOrEqual(390);
  }
  await expect(row.getByTestId('saved-run-status')).toContainText(/stopped at 1\/20/);
});
