// What every screenshot scene shares: the two sizes the guide asks for, and one way to take a
// picture at each. Scenes are for looking at (overlaps, clipping, panels that never change), not
// for asserting.
import type { Browser, Locator, Page } from '@playwright/test';
import path from 'node:path';

export const SIZES = [{ width: 1440, height: 900 }, { width: 390, height: 844 }] as const;

export interface SceneContext {
  browser: Browser;
  /** The built studio's address, e.g. http://127.0.0.1:4173 */
  base: string;
  outDir: string;
  log: (s: string) => void;
}

export type Scene = (ctx: SceneContext) => Promise<void>;

/** Off-screen panels skip rendering (content-visibility: auto): a picture of them needs them drawn. */
export const drawOffscreen = (page: Page): Promise<unknown> => page.addStyleTag({ content: '* { content-visibility: visible !important; }' });

export interface ShotOptions {
  /** Run at each size before the picture (open a menu, scroll to a panel). */
  before?: () => Promise<unknown>;
  /** Also a picture of this element alone, `${name}-panel-…`. */
  element?: Locator;
  /** Also the whole page, `${name}-…-full`. */
  fullPage?: boolean;
  /** Close menus and popovers after each picture. */
  dismiss?: boolean;
}

/** `${name}-${width}x${height}.png` at each size. */
export async function shoot(ctx: SceneContext, page: Page, name: string, o: ShotOptions = {}): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(800); // panels redraw at their new widths
    if (o.before) await o.before();
    if (o.element) await o.element.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const file = (suffix = ''): string => path.join(ctx.outDir, `${name}${suffix}-${size.width}x${size.height}.png`);
    await page.screenshot({ path: file() });
    if (o.fullPage) await page.screenshot({ path: file('-full'), fullPage: true });
    if (o.element) await o.element.screenshot({ path: file('-panel') });
    if (o.dismiss) {
      await page.keyboard.press('Escape');
      await page.mouse.click(2, 2);
    }
    ctx.log(path.basename(file()));
  }
}

/** Start the run on the page and wait until it has finished. */
export async function trainToEnd(page: Page): Promise<void> {
  await page.getByTestId('start').click({ timeout: 60_000 });
  await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: 300_000 });
}
