import { describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { pruneAndGrow } from './prune-grow';
import { isUpdateStep, swapCount, updateFraction } from './schedule';
import { randomMask, packBits, unpackBits } from './masks';
import { selectSwap } from './swap';
import { Rng } from '../rng';

describe('SViTE prune and grow (hand-built tensors)', () => {
  it('prunes exactly the smallest active magnitudes and grows exactly the largest inactive gradients', async () => {
    const before = tf.memory().numTensors;
    // 2×4 layer, 5 active entries.
    const mask = tf.tensor2d([[1, 1, 0, 1], [0, 1, 1, 0]]);
    const w = tf.tensor2d([[0.9, -0.05, 0, 0.3], [0, -0.02, 0.7, 0]]); // active |w|: .9 .05 .3 .02 .7
    const g = tf.tensor2d([[5, 9, 0.1, 9], [0.4, 9, 9, 0.3]]); // inactive |g|: (0,2)=.1 (1,0)=.4 (1,3)=.3
    const r = pruneAndGrow(mask, w, g, 2);
    // Prune the two smallest active: (1,1)=.02 and (0,1)=.05. Candidates for growth: the
    // inactive ones plus the just-pruned (0,1)=9 and (1,1)=9: the largest two are those, so the
    // mask comes back unchanged (the reference's rule: a just-pruned entry may regrow at once).
    expect(await r.array()).toEqual([[1, 1, 0, 1], [0, 1, 1, 0]]);
    // Without the just-pruned entries' big gradients, growth picks the largest inactive |g|.
    const g2 = tf.tensor2d([[5, 0, 0.1, 9], [0.4, 0, 9, 0.3]]);
    const r2 = pruneAndGrow(mask, w, g2, 2);
    expect(await r2.array()).toEqual([[1, 0, 0, 1], [1, 0, 1, 1]]);
    tf.dispose([mask, w, g, g2, r, r2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the active count exactly for random layers and any k', async () => {
    const rng = new Rng(5);
    for (const [rows, cols, active, k] of [[7, 13, 40, 1], [7, 13, 40, 39], [16, 16, 128, 64], [3, 5, 1, 1]]) {
      const m = tf.tensor2d(randomMask(rows * cols, active, rng), [rows, cols]);
      const w = tf.mul(m, tf.tensor2d(Float32Array.from({ length: rows * cols }, () => rng.normal()), [rows, cols]));
      const g = tf.tensor2d(Float32Array.from({ length: rows * cols }, () => rng.normal()), [rows, cols]);
      const r = pruneAndGrow(m, w, g, k);
      const [before, after] = [Array.from(m.dataSync()), Array.from(r.dataSync())];
      expect(after.every((v) => v === 0 || v === 1)).toBe(true);
      expect(after.reduce((a, v) => a + v, 0)).toBe(active);
      // Of the k smallest active |w|, those not regrown are gone; nothing else active is.
      const absW = w.dataSync(), absG = g.dataSync();
      const order = [...before.keys()].filter((i) => before[i]).sort((a, b) => Math.abs(absW[a]) - Math.abs(absW[b]) || a - b);
      const prunable = new Set(order.slice(0, k));
      for (const i of order) if (!after[i]) expect(prunable.has(i)).toBe(true);
      // Every grown entry's |g| is at least every candidate's that was not grown.
      const grown = [...after.keys()].filter((i) => after[i] && (!before[i] || prunable.has(i)));
      const skipped = [...after.keys()].filter((i) => !after[i]);
      expect(grown).toHaveLength(k);
      expect(Math.min(...grown.map((i) => Math.abs(absG[i])))).toBeGreaterThanOrEqual(Math.max(...skipped.map((i) => Math.abs(absG[i]))));
      tf.dispose([m, w, g, r]);
    }
  });
});

describe('schedule and masks', () => {
  it('dr(t) follows 0.005 + (α − 0.005)(1 + cos(πt/T))/2 and updates fire on ΔT before t_end', () => {
    const s = { updateFraction: 0.5, updateInterval: 10, updateEnd: 0.8, steps: 100 };
    for (const t of [0, 13, 50, 99, 100]) expect(updateFraction(s, t)).toBeCloseTo(0.005 + 0.495 * (1 + Math.cos((Math.PI * t) / 100)) / 2, 12);
    expect(updateFraction(s, 0)).toBeCloseTo(0.5, 12);
    expect(updateFraction(s, 100)).toBeCloseTo(0.005, 12);
    const steps = Array.from({ length: 101 }, (_, t) => t).filter((t) => isUpdateStep(s, t));
    expect(steps).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(swapCount(0.3, 10)).toBe(3);
    expect(swapCount(0.31, 10)).toBe(4);
  });

  it('draws exactly round(d·N) active entries, seeded, and packs them losslessly', () => {
    const a = randomMask(1000, 377, new Rng(1)), b = randomMask(1000, 377, new Rng(1)), c = randomMask(1000, 377, new Rng(2));
    expect(a.reduce((s, v) => s + v, 0)).toBe(377);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const { bits, active } = packBits(a);
    expect(active).toBe(377);
    expect(Array.from(unpackBits(bits, 1000))).toEqual(Array.from(a));
  });

  it('structured swap: prunes the smallest prune scores, grows the largest grow scores among the dead', () => {
    const alive = Uint8Array.from([1, 1, 1, 0, 0, 0]);
    const r = selectSwap(alive, [0.5, 0.1, 0.9, 0, 0, 0], [0, 7, 0, 1, 3, 2], 2);
    expect(r.pruned).toEqual([0, 1]);
    expect(r.grown).toEqual([1, 4]); // just-pruned head 1 has the largest grow score
    expect(Array.from(alive)).toEqual([0, 1, 1, 0, 1, 0]);
    expect(r.regrown).toBe(1);
  });

  it('structured swap without regrowing the just-pruned: the budget holds and identities change', () => {
    const alive = Uint8Array.from([1, 1, 1, 0, 0, 0]);
    const r = selectSwap(alive, [0.5, 0.1, 0.9, 0, 0, 0], [0, 7, 0, 1, 3, 2], 2, false);
    expect(r.pruned).toEqual([0, 1]);
    expect(r.grown).toEqual([4, 5]); // 7 (head 1) is just-pruned: the next best dead are 4 and 5
    expect(r.regrown).toBe(0);
    expect(Array.from(alive)).toEqual([0, 0, 1, 0, 1, 1]);
    // Too few other dead units: just-pruned ones fill the budget, best grow score first.
    const full = Uint8Array.from([1, 1, 1, 0]);
    const f = selectSwap(full, [0.1, 0.2, 0.9, 0], [5, 6, 0, 1], 2, false);
    expect(f.grown).toEqual([1, 3]);
    expect(f.regrown).toBe(1);
    expect(full.reduce((a, v) => a + v, 0)).toBe(3);
  });
});
