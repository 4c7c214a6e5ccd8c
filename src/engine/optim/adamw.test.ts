import { describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { AdamW } from './adamw';

/** AdamW on plain arrays, one parameter at a time: the reference the fused buckets must match. */
function reference(p: number[], grads: number[][], lr: number, wd: number, decay: boolean): number[] {
  const m = p.map(() => 0), v = p.map(() => 0);
  const x = [...p];
  grads.forEach((g, i) => {
    const t = i + 1;
    for (let j = 0; j < x.length; j++) {
      m[j] = 0.9 * m[j] + 0.1 * g[j];
      v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
      const step = m[j] / (1 - 0.9 ** t) / (Math.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8);
      x[j] = (decay ? x[j] * (1 - lr * wd) : x[j]) - lr * step;
    }
  });
  return x;
}

describe('AdamW (fused buckets)', () => {
  it('matches per-parameter AdamW, decay only where set, across several buckets', () => {
    const before = tf.memory().numTensors;
    const specs: [string, number[], boolean][] = [['w1', [3, 4], true], ['b1', [4], false], ['w2', [4, 2], true], ['b2', [2], false], ['w3', [5], true]];
    const opt = new AdamW({ bucketElements: 10 }); // forces w1, w2, w3 into buckets of their own
    const init = new Map(specs.map(([n, s]) => [n, Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + n.length))]));
    const params = new Map(specs.map(([n, s]) => {
      const t = tf.tensor(init.get(n)!, s);
      const v = tf.variable(t, true, `adamw-test/${n}`);
      t.dispose();
      return [n, v];
    }));
    for (const [n, s, d] of specs) opt.addParam(n, s, d);
    const gradsByStep = [0, 1, 2].map((t) => new Map(specs.map(([n]) => [n, init.get(n)!.map((_, i) => Math.cos(i * 0.7 + t + n.length))])));
    for (const g of gradsByStep)
      tf.tidy(() => opt.apply(params, new Map([...g].map(([n, a]) => [n, tf.tensor(a, params.get(n)!.shape)])), 0.01, 0.05));
    for (const [n, , d] of specs) {
      const want = reference(init.get(n)!, gradsByStep.map((g) => g.get(n)!), 0.01, 0.05, d);
      const got = Array.from(params.get(n)!.dataSync());
      got.forEach((x, i) => expect(x).toBeCloseTo(want[i], 5));
    }
    expect(opt.stepCount).toBe(3);
    opt.dispose();
    for (const v of params.values()) v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('clips the global gradient norm, follows a parameter whose layout changes, and says what is missing', () => {
    const before = tf.memory().numTensors;
    const opt = new AdamW();
    const [w, b] = tf.tidy(() => [tf.variable(tf.zeros([2, 3]), true, 'adamw-test/w'), tf.variable(tf.zeros([3]), true, 'adamw-test/b')]);
    const params = new Map([['w', w], ['b', b]]);
    opt.addParam('w', [2, 3], true);
    opt.addParam('b', [3], false);
    // Gradient norm 10 clipped to 1: Adam's first step is ±lr whatever the scale, so look at the moments.
    tf.tidy(() => opt.apply(params, new Map([['w', tf.fill([2, 3], 10 / Math.sqrt(9))], ['b', tf.fill([3], 10 / Math.sqrt(9))]]), 0.1, 0, 1));
    const m = opt.moments('w')!;
    expect(m.m.dataSync()[0]).toBeCloseTo(0.1 * (1 / 3), 5); // (1 − β1) · g · 1/10
    tf.dispose([m.m, m.v]);
    // Keep columns 0 and 2 of w (a compact layout), then step with a [2, 2] gradient.
    opt.remapMany(new Map([['w', (t: tf.Tensor) => tf.gather(t, [0, 2], 1)]]));
    const wc = tf.tidy(() => tf.variable(tf.ones([2, 2]), true, 'adamw-test/wc'));
    tf.tidy(() => opt.apply(new Map([['w', wc], ['b', b]]), new Map([['w', tf.ones([2, 2])], ['b', tf.ones([3])]]), 0.1, 0));
    tf.tidy(() => { expect(opt.moments('w')!.m.shape).toEqual([2, 2]); });
    tf.tidy(() => { expect(() => opt.apply(params, new Map([['w', tf.ones([2, 2])]]), 0.1, 0)).toThrow(/no gradient for b/); });
    tf.tidy(() => { expect(() => opt.apply(params, new Map([['w', tf.ones([2, 3])], ['b', tf.ones([3])]]), 0.1, 0)).toThrow(/gradient of w has shape \[2,3\], its moments \[2,2\]/); });
    opt.dispose();
    tf.dispose([w, b, wc]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a restarted entry steps by ±lr, as a fresh Adam does, only with restartBiasCorrection', () => {
    const before = tf.memory().numTensors;
    // 300 steps of a constant gradient, reset entry 0's moments, then 30 more steps: how far does
    // each entry move per step, in units of lr?
    const movesAfterReset = (restartBiasCorrection: boolean): number[] => {
      const opt = new AdamW({ restartBiasCorrection });
      const w = tf.tidy(() => tf.variable(tf.zeros([2]), true, `adamw-test/r${restartBiasCorrection}`));
      opt.addParam('w', [2], false);
      const params = new Map([['w', w]]);
      const step = (): void => tf.tidy(() => opt.apply(params, new Map([['w', tf.ones([2])]]), 0.01, 0));
      for (let i = 0; i < 300; i++) step();
      const w0 = Array.from(w.dataSync());
      tf.tidy(() => opt.maskMany(new Map([['w', tf.tensor1d([0, 1])]])));
      for (let i = 0; i < 30; i++) step();
      const moved = Array.from(w.dataSync()).map((x, i) => (w0[i] - x) / 0.01 / 30);
      opt.dispose();
      w.dispose();
      return moved;
    };
    // A constant gradient moves a fresh Adam (or a never-reset entry) by exactly lr per step.
    const restarted = movesAfterReset(true);
    expect(restarted[0]).toBeCloseTo(1, 3);
    expect(restarted[1]).toBeCloseTo(1, 3);
    // Global correction: the reset entry's m refills in ~10 steps, its v in ~1000, while the
    // global 1 − β2^t has long grown: it moves ~3 lr per step (3.1 on average here, by hand).
    const global = movesAfterReset(false);
    expect(global[0]).toBeGreaterThan(2.5);
    expect(global[1]).toBeCloseTo(1, 3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
