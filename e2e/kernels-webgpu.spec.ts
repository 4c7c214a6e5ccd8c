// The fused WebGPU kernels (src/engine/kernels/webgpu) against the composed tfjs ops, in Chromium's
// WebGPU (SwiftShader without a GPU): values and gradients, that the fused path really ran, its
// kernel and program counts, and no leaked tensors or backend buffers; the same for the WebGL
// kernels (src/engine/kernels/webgl); and a training step's counts in the worker. The checks run
// in the page: e2e/kernel-checks.ts.
//
// Tolerance 1e-4 of the tensor's scale: both paths compute in float32 (ε ≈ 1.2e-7) but sum in other
// orders (workgroup trees against tfjs's reductions and matmul tiles, over up to 70 terms), WGSL's
// and GLSL's exp are only required to be within a few ULP (WGSL: 3 + 2·|x|), and erf's
// approximation is 1.5e-7 absolute; a wrong index, sign or term is off by O(1) of the scale, four
// orders above it (each check was seen failing with a broken kernel).
import { expect, test } from '@playwright/test';
import type { HarnessWindow } from './harness';
import type { KernelCheck } from './kernel-checks';
import { collectErrors } from './page-errors';

const TOLERANCE = 1e-4;
/** What `gradDiffs` compares for the checks that have no gradient. */
const OTHER_OUTPUTS: Record<string, string[]> = { adamW: ['moments', 'ages'], clipScale: ['scale when the norm is within the bound'] };

/** Logs every check, then asserts each (soft: one run shows every check that fails, not only the first). */
function expectChecks(checks: KernelCheck[], backend: string): void {
  for (const c of checks) {
    console.log(`[kernels-${backend}] ${c.name}: value ${c.valueDiff.toExponential(1)}, gradients ${c.gradDiffs.map((d) => d.toExponential(1)).join(' ')}; ` +
      `fused ${c.fused.kernels.length} kernels / ${c.fused.dispatches} programs (${c.fused.kernels.join(' ')}), ` +
      `composed ${c.composed.kernels.length} / ${c.composed.dispatches}; leaked ${c.leaked} tensors, ${c.leakedData} buffers`);
  }
  for (const c of checks) {
    expect.soft(c.fusedOn, c.name).toBe(true);
    // The fused path ran the fused kernels, forward and backward, and nothing else of note.
    // (AdamW and the clipping scale have no backward: their "gradients" are further outputs.)
    const kernels = c.kernel === 'SvAdamW' ? ['SvAdamW', 'SvClipScale'] : c.kernel === 'SvClipScale' ? [c.kernel] : [c.kernel, `${c.kernel}Grad`];
    expect.soft(c.fused.kernels, c.name).toEqual(expect.arrayContaining(kernels));
    expect.soft(c.composed.kernels, c.name).not.toContain(c.kernel);
    expect.soft(c.fused.dispatches, c.name).toBeLessThan(c.composed.dispatches);
    expect.soft(c.valueDiff, `${c.name} values`).toBeLessThan(TOLERANCE);
    c.gradDiffs.forEach((d, i) => expect.soft(d, `${c.name} ${OTHER_OUTPUTS[c.name]?.[i] ?? `gradient of input ${i}`}`).toBeLessThan(TOLERANCE));
    expect.soft(c.leaked, `${c.name} leaked tensors`).toBe(0);
    expect.soft(c.leakedData, `${c.name} leaked backend buffers`).toBe(0);
  }
}

test('fused WebGPU kernels match the composed ops, values and gradients', async ({ page }) => {
  test.setTimeout(300_000);
  const pageErrors = collectErrors(page);
  await page.goto('/e2e/smoke.html');
  await page.waitForFunction(() => Boolean((globalThis as unknown as Partial<HarnessWindow>).__harness));
  const { checks, leaked, gpuErrors } = await page.evaluate(() => (globalThis as unknown as HarnessWindow).__harness.kernelChecks());

  expect.soft(gpuErrors, 'WebGPU errors (shader compilation, validation)').toEqual([]);
  expect(checks.map((c) => c.name)).toEqual(['layerNorm', 'gelu', 'attention B2 T5 H2 hd4', 'attention B1 T67 H1 hd3', 'crossEntropy', 'tokens', 'adamW', 'clipScale']);
  expectChecks(checks, 'webgpu');
  expect(leaked, 'tensors leaked by the whole run').toBe(0);
  expect(pageErrors).toEqual([]);
});

test('fused WebGL kernels (LayerNorm, GELU, attention) match the composed ops, values and gradients', async ({ page }) => {
  const pageErrors = collectErrors(page);
  await page.goto('/e2e/smoke.html');
  await page.waitForFunction(() => Boolean((globalThis as unknown as Partial<HarnessWindow>).__harness));
  const { checks, leaked } = await page.evaluate(() => (globalThis as unknown as HarnessWindow).__harness.webGlKernelChecks());
  expect(checks.map((c) => c.name)).toEqual(['layerNorm', 'gelu', 'attention B2 T5 H2 hd4', 'attention B1 T67 H1 hd3']);
  expectChecks(checks, 'webgl');
  expect(leaked, 'tensors leaked by the whole run').toBe(0);
  expect(pageErrors).toEqual([]);
});

/** The training worker's tfjs globals (as scripts/bench-browser.ts reads them). */
type TfWorkerScope = {
  _tfengine: {
    profile(query: () => Promise<void>): Promise<{ kernels: { name: string }[] }>;
    backendInstance: { runWebGPUProgram: (...a: unknown[]) => unknown };
  };
  _tfGlobals: Map<string, Map<string, unknown>>;
  __probe?: { profile: Promise<{ kernels: { name: string }[] }>; end: () => void; dispatches: number; restore: () => void };
};

/** Every fused kernel registered for webgpu (src/engine/kernels/webgpu): a training step runs each. */
const FUSED = ['SvLayerNorm', 'SvLayerNormGrad', 'SvGelu', 'SvGeluGrad', 'SvAttention', 'SvAttentionGrad',
  'SvSmoothedCrossEntropy', 'SvSmoothedCrossEntropyGrad', 'SvTokens', 'SvTokensGrad', 'SvAdamW', 'SvClipScale'];

test('a tiny-preset training step on WebGPU takes fewer kernels and dispatches with the fused kernels', async ({ page }) => {
  test.setTimeout(400_000);
  const pageErrors = collectErrors(page);
  const workerSeen = page.waitForEvent('worker');
  await page.goto('/e2e/smoke.html?backend=webgpu');
  const worker = await workerSeen;
  await page.waitForFunction(() => Boolean((globalThis as unknown as Partial<HarnessWindow>).__harness));
  // The tiny preset at its own batch size (32), paused after two steps (shaders compiled).
  const failure = await page.evaluate(async () => {
    const h = (globalThis as unknown as HarnessWindow).__harness;
    h.info = await h.client.init('webgpu');
    const paused = h.client.waitFor((e) => (e.type === 'state' && e.state !== 'running') || (e.type === 'error' && e.fatal));
    let asked = false;
    h.client.on((e) => {
      if (e.type === 'frame' && e.step >= 2 && !asked) {
        asked = true;
        h.client.pause();
      }
    });
    h.client.start({ ...h.smokeConfig(), steps: 1000, batchSize: 32 }, { kind: 'synthetic' }, { frameHz: 4 });
    const last = await paused;
    if (last.type === 'error') return last.message;
    return last.type === 'state' && last.state === 'paused' ? null : `run ended: ${JSON.stringify(last)}`;
  });
  expect(failure).toBeNull();

  /** Kernels (registered names, as bench:browser counts) and programs dispatched in one step and its frame. */
  const oneStep = async () => {
    await worker.evaluate(() => {
      const g = globalThis as unknown as TfWorkerScope;
      const backend = g._tfengine.backendInstance;
      const original = backend.runWebGPUProgram;
      let end = (): void => undefined;
      const probe = {
        dispatches: 0,
        end: () => end(),
        restore: () => { backend.runWebGPUProgram = original; },
        profile: g._tfengine.profile(() => new Promise<void>((resolve) => { end = resolve; })),
      };
      backend.runWebGPUProgram = function (...a: unknown[]) {
        probe.dispatches++;
        return original.apply(this, a);
      };
      g.__probe = probe;
    });
    await page.evaluate(async () => {
      const h = (globalThis as unknown as HarnessWindow).__harness;
      const before = h.summary().frames.at(-1)?.step ?? 0;
      const next = h.client.waitFor((e) => (e.type === 'frame' && e.step > before) || (e.type === 'error' && e.fatal));
      h.client.step();
      await next;
    });
    return worker.evaluate(async () => {
      const g = globalThis as unknown as TfWorkerScope;
      const probe = g.__probe!;
      probe.end();
      const { kernels } = await probe.profile;
      probe.restore();
      const registry = g._tfGlobals.get('kernelRegistry');
      const names = kernels.map((k) => k.name).filter((n) => registry?.has(`webgpu_${n}`));
      return { kernels: names.length, dispatches: probe.dispatches, fused: names.filter((n) => n.startsWith('Sv')) };
    });
  };

  const fused = await oneStep();
  // The same worker without the fused WebGPU kernels: the ops see none registered and compose.
  await worker.evaluate((names) => {
    const registry = (globalThis as unknown as TfWorkerScope)._tfGlobals.get('kernelRegistry');
    for (const n of names) registry?.delete(`webgpu_${n}`);
  }, FUSED);
  const composed = await oneStep();
  await page.evaluate(() => (globalThis as unknown as HarnessWindow).__harness.client.stop());
  console.log(`[kernels-webgpu] tiny preset, batch 32, one training step + frame: fused ${fused.kernels} kernels / ${fused.dispatches} dispatches, ` +
    `composed ${composed.kernels} / ${composed.dispatches}; fused kernels run: ${[...new Set(fused.fused)].join(' ')}`);
  expect(new Set(fused.fused)).toEqual(new Set(FUSED));
  expect(composed.fused).toEqual([]);
  expect(fused.kernels).toBeLessThan(composed.kernels);
  expect(fused.dispatches).toBeLessThan(composed.dispatches);
  expect(pageErrors).toEqual([]);
});
