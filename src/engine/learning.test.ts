// "tiny learns" runs a few hundred real training steps: on tfjs's pure-JS CPU backend that takes
// minutes on a 2-core machine, so this one test runs on the WASM backend (same math, ~10× faster).
// Every other engine test runs on the CPU backend.
import path from 'node:path';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from './tf';
import { presetConfig } from './config';
import { syntheticDataset } from './data/synthetic';
import { Trainer } from './trainer';
import { applyWasmPatches } from './wasm-patches';

beforeAll(async () => {
  setWasmPaths(path.resolve(__dirname, '../../node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep);
  // IS_TEST makes tfjs check every kernel for leaks, and WASM's logSoftmax has a known internal one.
  tf.env().set('IS_TEST', false);
  expect(await tf.setBackend('wasm')).toBe(true);
  applyWasmPatches();
});

afterAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

describe('tiny learns', () => {
  it('reaches accuracy far above chance (10%) in a few hundred steps, without leaking', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0 });
    const before = tf.memory().numTensors;
    const t = await Trainer.create({ ...presetConfig('tiny'), steps: 300 }, data);
    const first = (await t.step()).loss;
    const losses: number[] = [];
    while (!t.finished) losses.push((await t.step()).loss);
    const e = await t.evaluate(1000);
    t.dispose();
    const tail = losses.slice(-20).reduce((a, b) => a + b, 0) / 20;
    expect(tail).toBeLessThan(first - 0.3);
    expect(e.accuracy).toBeGreaterThan(0.4);
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);
});
