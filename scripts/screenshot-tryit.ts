// `npx tsx scripts/screenshot-tryit.ts [--out docs/screenshots]`: the Try-it panel before a model
// exists and after a test image and a drawing, at a desktop and a phone size (the viewport scrolled
// to the panel, and the panel alone). For looking at (overlaps, clipping), not for asserting.
import { chromium, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium';
import { root, serveBuilt } from './serve-built';

const SIZES = [{ width: 1440, height: 900 }, { width: 390, height: 844 }];
const RUN = 'v=1&p=tiny&st=30&bs=8&ee=0&es=100&m=s2vite&ad=0.5&tk=0.5&s=1&backend=wasm';
const { values: flags } = parseArgs({ options: { out: { type: 'string', default: 'docs/screenshots' } } });
const outDir = path.resolve(root, flags.out);

async function shoot(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(500);
    const panel = page.getByTestId('panel-tryit');
    await panel.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(outDir, `${name}-${size.width}x${size.height}.png`) });
    await panel.screenshot({ path: path.join(outDir, `${name}-panel-${size.width}x${size.height}.png`) });
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
    await page.addStyleTag({ content: '* { content-visibility: visible !important; }' });
    await shoot(page, 'tryit-no-model');
    await page.setViewportSize(SIZES[0]);
    await page.getByTestId('start').click({ timeout: 60_000 });
    await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: 300_000 });
    await page.getByTestId('tryit-test-index').fill('3');
    await page.getByTestId('tryit-use-test').click();
    await page.getByTestId('tryit-status').waitFor();
    await shoot(page, 'tryit-test-image');
    console.log(`[screenshot-tryit] written to ${path.relative(process.cwd(), outDir)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
