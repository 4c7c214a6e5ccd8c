// WASM on 2 threads (our kernels split over this thread and a helper, kernel-pool.ts) against 1
// thread (in a `cli train --threads 1` process: the backend initialises once per process).
// fmnist's shapes on synthetic images, SViTE with token selection (a topology update and the
// selector's gathers too): the losses must agree within 1e-5 (each output element is computed by
// one thread in the same order, so they are in fact bit-identical; node-parity e2e asserts that).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../engine/tf';
import { presetConfig, type ExperimentConfig } from '../engine/config';
import { encodeConfig } from '../engine/config-url';
import { loadForConfig } from '../cli/load-data';
import { repoRoot } from '../cli/node-datasets';
import { trainRun } from '../cli/train-run';
import { parseWasmThreads, wasmThreadsFor } from './wasm-threads';
import { nodeWasmThreads, useBackend, wasmThreadsInUse } from './node';

const THREADS = 2;

beforeAll(async () => {
  expect(await useBackend('wasm', undefined, THREADS)).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('WASM threads in Node', () => {
  it('runs the pool at the size asked for, and trains to the single-threaded losses', async () => {
    expect(wasmThreadsInUse()).toBe(THREADS);
    const c: ExperimentConfig = { ...presetConfig('fmnist'), dataset: 'synthetic', method: 'svite', tokenKeep: 0.5, updateInterval: 4, steps: 12, evalEvery: 0, evalSize: 64 };
    const before = tf.memory().numTensors;
    const { summary, trainer } = await trainRun(c, loadForConfig(c), 'wasm', { quiet: true, trainEvalImages: 64 });
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const cli = execFileSync(process.execPath, [path.join(repoRoot(), 'scripts', 'run-ts.mjs'), 'src/cli/main.ts', 'train', '--url', encodeConfig(c), '--threads', '1', '--quiet'], { cwd: repoRoot(), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const single = (JSON.parse(cli) as { losses: number[] }).losses;
    expect(single).toHaveLength(c.steps);
    expect(summary.losses).toHaveLength(c.steps);
    const worst = Math.max(...summary.losses.map((l, i) => Math.abs(l - single[i])));
    expect(worst).toBeLessThanOrEqual(1e-5);
  }, 300_000);

  it('takes the thread count from --threads / SVITE_WASM_THREADS, else the cores (at most 4)', () => {
    expect(wasmThreadsFor(2)).toBe(2);
    expect(wasmThreadsFor(1)).toBe(1);
    expect(wasmThreadsFor(16)).toBe(4);
    expect(nodeWasmThreads({ SVITE_WASM_THREADS: '1' })).toBe(1);
    expect(() => parseWasmThreads('two', '--threads')).toThrow(/--threads: "two" is not a thread count; give a whole number from 1 to 4/);
    expect(() => nodeWasmThreads({ SVITE_WASM_THREADS: '0' })).toThrow(/SVITE_WASM_THREADS: "0"/);
  });

  it('a script that used the thread pool exits by itself', () => {
    // A process kept alive by the pool's idle workers would hit the timeout (ETIMEDOUT) instead.
    const out = execFileSync(process.execPath, [path.join(repoRoot(), 'scripts', 'run-ts.mjs'), 'src/backend/fixtures/threaded-exit.ts'],
      { cwd: repoRoot(), encoding: 'utf8', timeout: 90_000 });
    expect(out).toContain(`threads 2 sum ${128 ** 3}`);
  }, 120_000);
});
