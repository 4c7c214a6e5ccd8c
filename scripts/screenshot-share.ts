// `npx tsx scripts/screenshot-share.ts [--out docs/screenshots]`: the Export menu, the share popover
// with a results link, and the results opened from that link, at a desktop and a phone size. For
// looking at (overlaps, clipping), not for asserting.
import { chromium, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium';
import { root, serveBuilt } from './serve-built';

const SIZES = [{ width: 1440, height: 900 }, { width: 390, height: 844 }];
const RUN = 'v=1&p=tiny&st=12&bs=8&ee=4&es=200&m=s2vite&s=1&backend=wasm';
const { values: flags } = parseArgs({ options: { out: { type: 'string', default: 'docs/screenshots' } } });
const outDir = path.resolve(root, flags.out);

async function shoot(page: Page, name: string, open?: () => Promise<void>): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(500);
    if (open) await open();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(outDir, `${name}-${size.width}x${size.height}.png`) });
    await page.keyboard.press('Escape');
    await page.mouse.click(2, 2); // closes any popover
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const server = await serveBuilt(path.join(root, '.cache', 'screenshot', 'dist'));
  const executablePath = chromiumPath();
  const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: SIZES[0] });
    await page.goto(`${server.base}/?${RUN}`);
    await page.getByTestId('start').click({ timeout: 60_000 });
    await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: 300_000 });
    await shoot(page, 'export-menu', async () => {
      await page.getByTestId('export').scrollIntoViewIfNeeded();
      await page.getByTestId('export').click();
    });
    await shoot(page, 'share-results', () => page.getByTestId('share').click());
    await page.getByTestId('share').click();
    const link = await page.getByTestId('results-link').inputValue();
    const fresh = await browser.newPage({ viewport: SIZES[0] });
    await fresh.goto(link);
    await fresh.getByTestId('reported-banner').waitFor();
    await shoot(fresh, 'reported');
    console.log(`[screenshot-share] written to ${path.relative(process.cwd(), outDir)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
