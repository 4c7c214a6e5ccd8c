// `npm run screenshot -- [--out docs/screenshots] [--steps 40] [--theme light|dark] [--backend wasm] [--query LINK]`:
// the studio mid-run (by default SViTE+ on the tiny preset; --query: another experiment link, with run=1) in headless Chromium, at a desktop and a phone
// size, each as the viewport shows it and as the whole page. For looking at, not for asserting:
// README's docs/screenshot.png is one of these, copied by hand when the look changes.
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium';
import { collectErrors } from '../e2e/page-errors';
import { root, serveBuilt } from './serve-built';

const SIZES = [{ width: 1440, height: 900 }, { width: 390, height: 844 }];
const EXPERIMENT = 'v=1&p=tiny&st=80&bs=16&ee=10&es=200&m=svite&dt=3&tk=0.5&s=1&run=1';

const { values: flags } = parseArgs({
  options: {
    out: { type: 'string', default: 'docs/screenshots' },
    steps: { type: 'string', default: '40' },
    theme: { type: 'string', default: 'light' },
    backend: { type: 'string' },
    query: { type: 'string', default: EXPERIMENT },
  },
});
const outDir = path.resolve(root, flags.out);
const steps = Number(flags.steps);
const log = (s: string): void => console.log(`[screenshot] ${s}`);

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  log('building the studio…');
  const server = await serveBuilt(path.join(root, '.cache', 'screenshot', 'dist'));
  const executablePath = chromiumPath();
  const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: SIZES[0], colorScheme: flags.theme === 'dark' ? 'dark' : 'light' });
    const errors = collectErrors(page);
    await page.goto(`${server.base}/?${flags.query}${flags.backend ? `&backend=${flags.backend}` : ''}`);
    log(`training to step ${steps}…`);
    const deadline = Date.now() + 600_000;
    while (Number(await page.getByTestId('step-counter').textContent()) < steps) {
      if (Date.now() > deadline) throw new Error(`step ${steps} not reached in 10 minutes. Page errors: ${errors.join('; ') || 'none'}`);
      await page.waitForTimeout(1000);
    }
    // One run, paused, so every size shows the same state.
    await page.keyboard.press('Space');
    await page.locator('[data-testid="run-status"][data-status="paused"]').waitFor({ timeout: 60_000 });
    await page.mouse.move(0, 0);
    // Off-screen panels skip rendering (content-visibility: auto): a whole-page picture needs them.
    await page.addStyleTag({ content: '* { content-visibility: visible !important; }' });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.waitForTimeout(1000); // panels redraw at their new widths
      const name = `studio-${size.width}x${size.height}`;
      await page.screenshot({ path: path.join(outDir, `${name}.png`) });
      await page.screenshot({ path: path.join(outDir, `${name}-full.png`), fullPage: true });
      log(`${name}.png, ${name}-full.png`);
    }
    if (errors.length) log(`page errors:\n  ${errors.join('\n  ')}`);
    log(`written to ${path.relative(process.cwd(), outDir) || '.'}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
