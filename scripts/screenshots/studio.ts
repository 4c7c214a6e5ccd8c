// The studio mid-run (by default SViTE+ on the tiny preset), paused so both sizes show one state;
// the viewport and the whole page. README's docs/screenshot.png is one of these, copied by hand.
import type { Scene } from './scene';
import { drawOffscreen, shoot, SIZES } from './scene';
import { collectErrors } from '../../e2e/page-errors';

export const STUDIO_EXPERIMENT = 'v=1&p=tiny&st=80&bs=16&ee=10&es=200&m=svite&dt=3&tk=0.5&s=1&run=1';

export function studioScene(o: { query: string; steps: number; theme: 'light' | 'dark'; backend?: string }): Scene {
  return async (ctx) => {
    const page = await ctx.browser.newPage({ viewport: SIZES[0], colorScheme: o.theme });
    const errors = collectErrors(page);
    await page.goto(`${ctx.base}/?${o.query}${o.backend ? `&backend=${o.backend}` : ''}`);
    ctx.log(`training to step ${o.steps}…`);
    const deadline = Date.now() + 600_000;
    while (Number(await page.getByTestId('step-counter').textContent()) < o.steps) {
      if (Date.now() > deadline) throw new Error(`step ${o.steps} not reached in 10 minutes. Page errors: ${errors.join('; ') || 'none'}`);
      // Often: tiny trains ~35 steps/s here, so a slower poll can miss the window before the run ends.
      await page.waitForTimeout(100);
    }
    await page.keyboard.press('Space');
    await page.locator('[data-testid="run-status"][data-status="paused"]').waitFor({ timeout: 60_000 });
    await page.mouse.move(0, 0);
    await drawOffscreen(page);
    await shoot(ctx, page, 'studio', { fullPage: true });
    if (errors.length) ctx.log(`page errors:\n  ${errors.join('\n  ')}`);
    await page.close();
  };
}
