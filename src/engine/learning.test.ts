// "tiny learns" runs a few hundred real training steps: on tfjs's pure-JS CPU backend that takes
// minutes on a 2-core machine, so this one test runs on the WASM backend (same math, ~10× faster).
// Every other engine test runs on the CPU backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from './tf';
import { useBackend } from '../backend/node';
import { presetConfig } from './config';
import { syntheticDataset } from './data/synthetic';
import { Trainer } from './trainer';

// The CLI's own backend set-up: WASM binaries from node_modules, prod mode, our kernel patches.
beforeAll(async () => {
  expect(await useBackend('wasm')).toBe('wasm');
});

afterAll(async () => {
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
