// A results link's "Re-run to verify" (Chromium, the studio's worker) and `cli train --url` (Node)
// must give the same losses for the same link on the same backend: WASM in both. This trains the
// tiny preset's link for 50 steps in both and compares every loss bit for bit (float32, as the
// frames carry them). Node runs single-threaded, the worker on every core (at most 4): our kernels
// split their outputs between threads (kernel-pool.ts), each element computed in the same order,
// so the thread count must not change a bit either.
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { decodeConfig } from '../src/engine/config-url';
import { wasmThreadsFor } from '../src/backend/wasm-threads';
import type { HarnessWindow } from './harness';
import { collectErrors } from './page-errors';

const LINK = 'v=1&p=tiny&st=50&s=0';

test('Node WASM (1 thread) and Chromium WASM (every core) give bit-identical losses for 50 steps of one link', async ({ page }) => {
  const pageErrors = collectErrors(page);
  const cli = execFileSync(process.execPath, ['scripts/run-ts.mjs', 'src/cli/main.ts', 'train', '--url', LINK, '--quiet', '--backend', 'wasm', '--threads', '1'], { encoding: 'utf8' });
  const node = (JSON.parse(cli) as { losses: number[] }).losses;
  expect(node).toHaveLength(50);

  await page.goto('/e2e/smoke.html?backend=wasm');
  const { info, failure, loss, cores } = await page.evaluate(async (config) => {
    const h = (globalThis as unknown as HarnessWindow).__harness;
    await h.smoke(config);
    return { info: h.info, failure: h.failure, loss: h.summary().loss, cores: (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency };
  }, decodeConfig(LINK).config);
  expect(failure).toBeNull();
  expect(info?.backend).toBe('wasm');
  expect(info?.crossOriginIsolated).toBe(true);
  // As many threads as the rule gives for this machine's cores (more than one where it has them).
  expect(info?.wasmThreads).toBe(wasmThreadsFor(cores));
  const chromium = loss;
  const first = chromium.findIndex((l, i) => Math.fround(node[i]) !== l);
  expect(first, first < 0 ? '' : `step ${first + 1}: Node ${node[first]}, Chromium ${chromium[first]}`).toBe(-1);
  expect(chromium).toHaveLength(50);
  expect(pageErrors).toEqual([]);
});
