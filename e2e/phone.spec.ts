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
