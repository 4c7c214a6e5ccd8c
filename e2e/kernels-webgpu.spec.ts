// The fused WebGPU kernels (src/engine/kernels/webgpu) against the composed tfjs ops, in Chromium's
// WebGPU (SwiftShader without a GPU): values and gradients, that the fused path really ran, its
// kernel and dispatch counts, and no leaked tensors or backend buffers. The checks run in the
// page: e2e/kernel-checks.ts.
//
// Tolerance 1e-4 of the tensor's scale: both paths compute in float32 (ε ≈ 1.2e-7) but sum in other
// orders (workgroup trees against tfjs's reductions and matmul tiles, over up to 70 terms), WGSL's
// exp is only required to be within 3 + 2·|x| ULP, and erf's approximation is 1.5e-7 absolute; a
// wrong index, sign or term is off by O(1) of the scale, four orders above it.
import { expect, test } from '@playwright/test';
import type { HarnessWindow } from './harness';
import { collectErrors } from './page-errors';

const TOLERANCE = 1e-4;

test('fused WebGPU kernels match the composed ops, values and gradients', async ({ page }) => {
  test.setTimeout(300_000);
  const pageErrors = collectErrors(page);
  await page.goto('/e2e/smoke.html');
  await page.waitForFunction(() => Boolean((globalThis as unknown as Partial<HarnessWindow>).__harness));
  const { checks, leaked } = await page.evaluate(() => (globalThis as unknown as HarnessWindow).__harness.kernelChecks());

  expect(checks.map((c) => c.name)).toEqual(['layerNorm', 'gelu', 'attention B2 T5 H2 hd4', 'attention B1 T67 H1 hd3']);
  for (const c of checks) {
    console.log(`[kernels-webgpu] ${c.name}: value ${c.valueDiff.toExponential(1)}, gradients ${c.gradDiffs.map((d) => d.toExponential(1)).join(' ')}; ` +
      `forward+backward fused ${c.fused.kernels.length} kernels / ${c.fused.dispatches} dispatches (${c.fused.kernels.join(' ')}), ` +
      `composed ${c.composed.kernels.length} / ${c.composed.dispatches}; leaked ${c.leaked} tensors, ${c.leakedData} buffers`);
  }
  // Soft: one run shows every check that fails, not only the first.
  for (const c of checks) {
    expect.soft(c.fusedOn, c.name).toBe(true);
    // The fused path ran the fused kernels, forward and backward, and nothing else of note.
    expect.soft(c.fused.kernels, c.name).toEqual(expect.arrayContaining([c.kernel, `${c.kernel}Grad`]));
    expect.soft(c.composed.kernels, c.name).not.toContain(c.kernel);
    expect.soft(c.fused.dispatches, c.name).toBeLessThan(c.composed.dispatches);
    expect.soft(c.valueDiff, `${c.name} values`).toBeLessThan(TOLERANCE);
    c.gradDiffs.forEach((d, i) => expect.soft(d, `${c.name} gradient of input ${i}`).toBeLessThan(TOLERANCE));
    expect.soft(c.leaked, `${c.name} leaked tensors`).toBe(0);
    expect.soft(c.leakedData, `${c.name} leaked backend buffers`).toBe(0);
  }
  expect(leaked, 'tensors leaked by the whole run').toBe(0);
  expect(pageErrors).toEqual([]);
});
