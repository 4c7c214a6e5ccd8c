// The worker protocol on the exact, fast CPU backend: pause/step/resume continue a run exactly
// (same losses as an uninterrupted run), stale commands are ignored, frames are rate-bounded,
// stop keeps the model for evaluation. Plus: the WASM backend loads from our own server.
import { expect, test } from '@playwright/test';
import type { HarnessWindow } from './harness';

test('pause, step and resume continue exactly; stale commands are ignored', async ({ page }) => {
  await page.goto('/e2e/smoke.html?backend=cpu');
  const out = await page.evaluate(async () => {
    const h = (globalThis as unknown as HarnessWindow).__harness;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // SViTE with topology updates every 4 steps: masks and optimiser state must survive pauses.
    const config = h.smokeConfig({ steps: 12, batchSize: 8, trainSize: 0, method: 'svite', density: 0.5, updateInterval: 4 });
    const info = await h.client.init('cpu');

    // A: straight through.
    const aEnd = h.next('state', (e) => e.state === 'finished');
    const a = h.client.start(config, { kind: 'synthetic' }, { frameHz: 2, finalEvalSize: 50 });
    await aEnd;

    // B: the same run, started paused, stepped, resumed, paused, poked with stale commands.
    const bPaused = h.next('state', (e) => e.state === 'paused');
    const b = h.client.start(config, { kind: 'synthetic' }, { startPaused: true, finalEvalSize: 50 });
    await bPaused;
    for (const want of [1, 2]) {
      const f = h.next('frame', (e) => e.step === want);
      h.client.step();
      await f;
    }
    h.client.resume();
    await h.next('frame', (e) => e.step >= 5);
    const paused = h.next('state', (e) => e.state === 'paused');
    h.client.pause();
    const pausedAt = (await paused).step;
    h.client.send({ type: 'resume', runId: a }); // stale: run A is over
    h.client.send({ type: 'step', runId: b + 100 }); // not a run at all
    await sleep(600);
    const stillAt = h.summary(b).steps.at(-1);
    const evalDone = h.next('eval', (e) => e.reason === 'requested');
    h.client.evaluate(40); // between steps, while paused
    const requested = (await evalDone).result;
    const bEnd = h.next('state', (e) => e.state === 'finished');
    h.client.resume();
    await bEnd;

    // C: stopped early; the model stays for evaluation; stale events of B are dropped by the gate.
    const c = h.client.start({ ...config, steps: 1000 }, { kind: 'synthetic' });
    await h.next('frame', (e) => e.step >= 3);
    const stopped = h.next('state', (e) => e.state === 'stopped');
    h.client.stop();
    const stoppedAt = (await stopped).step;
    const afterStop = h.next('eval');
    h.client.evaluate(30);
    const evalAfterStop = (await afterStop).result;

    return {
      info, pausedAt, stillAt, requested: { step: requested.step, count: requested.count }, stoppedAt,
      evalAfterStop: { step: evalAfterStop.step, count: evalAfterStop.count },
      runA: h.summary(a), runB: h.summary(b), runC: h.summary(c),
    };
  });

  expect(out.info.backend).toBe('cpu');
  const { runA, runB, runC } = out;
  for (const run of [runA, runB, runC]) {
    expect(run.errors).toEqual([]);
    expect(run.frames.map((f) => f.seq)).toEqual(run.frames.map((_, i) => i));
  }
  // Every step once, in order, and B's losses are A's: pausing lost nothing.
  expect(runA.steps).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  expect(runB.steps).toEqual(runA.steps);
  expect(runB.loss).toEqual(runA.loss);
  expect(runA.frames.at(-1)?.masks).toBeGreaterThan(0);
  expect(runA.frames.some((f) => f.updates > 0)).toBe(true);
  expect(runB.frames.at(-1)?.globalDensity).toBeCloseTo(runA.frames.at(-1)!.globalDensity, 6);

  // No tensor leaks: the count is flat from the first step on, and the same for every run (the
  // previous run's trainer is disposed when the next starts).
  const counts = [runA, runB, runC].flatMap((r) => r.frames.filter((f) => f.step >= 1).map((f) => f.numTensors));
  expect(new Set(counts).size, `tensor counts ${counts.join(' ')}`).toBe(1);

  // States: A ran through (evaluating at the end); B started paused and came back to paused once, stale commands did nothing.
  expect(runA.states.map((s) => s.state)).toEqual(['running', 'evaluating', 'finished']);
  expect(runB.states.map((s) => s.state)).toEqual(['paused', 'running', 'paused', 'running', 'evaluating', 'finished']);
  expect(out.stillAt).toBe(out.pausedAt);
  expect(out.requested).toEqual({ step: out.pausedAt, count: 40 });
  expect(runB.evals.map((e) => e.reason)).toEqual(['requested', 'final']);

  // Frames are rate-bounded (A ran at ≤ 2 per second plus the first and the last).
  const runningS = (runA.states[1].at - runA.states[0].at) / 1000;
  expect(runA.frames.length).toBeLessThanOrEqual(Math.ceil(runningS * 2) + 2);

  // C stopped between steps and still evaluates.
  expect(runC.states.map((s) => s.state)).toEqual(['running', 'stopped']);
  expect(runC.frames.at(-1)).toMatchObject({ state: 'stopped', step: out.stoppedAt });
  expect(out.evalAfterStop).toEqual({ step: out.stoppedAt, count: 30 });
  console.log(`[protocol] A: ${runA.frames.length} frames in ${runningS.toFixed(1)} s; B paused at ${out.pausedAt}; C stopped at ${out.stoppedAt}`);
});

test('the WASM backend loads from our own server, cross-origin isolated, and trains', async ({ page }) => {
  const foreign: string[] = [];
  await page.context().route((url) => url.hostname !== 'localhost', (route) => {
    foreign.push(route.request().url());
    return route.abort();
  });
  await page.goto('/e2e/smoke.html?backend=wasm&steps=3&batch=8');
  const out = await page.evaluate(async () => {
    const h = (globalThis as unknown as HarnessWindow).__harness;
    await h.smoke({}, { finalEvalSize: 20 });
    return { info: h.info, failure: h.failure, run: h.summary(), pageIsolated: (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated };
  });
  expect(out.failure).toBeNull();
  expect(out.info?.backend).toBe('wasm');
  expect(out.pageIsolated).toBe(true);
  expect(out.info?.crossOriginIsolated).toBe(true);
  expect(out.run.steps).toEqual([1, 2, 3]);
  expect(out.run.loss.every(Number.isFinite)).toBe(true);
  expect(foreign).toEqual([]);
});

test('real data: served by the server and given as files (MNIST, CPU backend)', async ({ page, request }) => {
  const manifest = await request.get('/datasets/mnist/files.json');
  // npm test's own `datasets --offline` writes a manifest even where it found no files: read it.
  const listed = manifest.ok() ? ((await manifest.json()) as { files?: string[] }).files ?? [] : [];
  test.skip(!listed.includes('t10k-images-idx3-ubyte.gz') && !process.env.CI, 'no MNIST test files in /datasets/mnist: run `npm run datasets` first');
  await page.goto('/e2e/smoke.html?backend=cpu');
  const out = await page.evaluate(async () => {
    const h = (globalThis as unknown as HarnessWindow).__harness;
    const config = h.smokeConfig({
      dataset: 'mnist', imageSize: 28, patchSize: 7, inChans: 1, embedDim: 32, depth: 1, numHeads: 2,
      steps: 2, batchSize: 8, trainSize: 0,
    });
    await h.client.init('cpu');
    const served = h.client.start(config, { kind: 'served', baseUrl: '/datasets' }, { finalEvalSize: 16 });
    await h.next('state', (e) => e.state === 'finished' || e.state === 'stopped');
    const files = await Promise.all(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map(async (name) => ({
      name, bytes: new Uint8Array(await (await fetch(`/datasets/mnist/${name}`)).arrayBuffer()),
    })));
    const given = h.client.start(config, { kind: 'files', files }, { finalEvalSize: 16 });
    await h.next('state', (e) => e.state === 'finished' || e.state === 'stopped');
    const badError = h.next('error');
    const badEnd = h.next('state');
    const bad = h.client.start(config, { kind: 'synthetic' });
    await badEnd;
    return { served: h.summary(served), given: h.summary(given), bad: h.summary(bad), badError: (await badError).message, detached: files[0].bytes.length === 0 };
  });
  for (const run of [out.served, out.given]) {
    expect(run.errors).toEqual([]);
    expect(run.steps).toEqual([1, 2]);
    expect(run.started?.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(run.states.at(-1)?.state).toBe('finished');
  }
  expect(out.detached).toBe(true); // the file buffers were transferred, not copied
  expect(out.badError).toMatch(/data source is synthetic/);
  expect(out.bad.states.map((s) => s.state)).toEqual(['stopped']);
});
