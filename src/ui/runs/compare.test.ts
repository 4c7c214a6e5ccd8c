import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../engine/config';
import type { SparsitySnapshot } from '../../engine/snapshot';
import type { ChunkRecord, RunRecord, SavedFrame } from './db';
import { bothKeep, curvesOf, distinctNames, jaccardBits, overlapOf, TRAIN_PASSES } from './compare';

const snap = (over: Partial<SparsitySnapshot>): SparsitySnapshot => ({
  step: 0, masks: [], density: {}, firedDensity: {}, globalDensity: 1, globalFiredDensity: NaN,
  headsAlive: null, headScores: null, neuronsAlive: null, keptTokens: null, keptPerSample: 0, ...over,
});

const frame = (steps: number[], stepMs: number, executed: number): SavedFrame => ({
  step: steps.at(-1)!, elapsedMs: 0, steps: Int32Array.from(steps), loss: Float32Array.from(steps, (s) => 10 - s),
  lr: new Float32Array(steps.length), tau: new Float32Array(steps.length), stepMs: new Float32Array(steps.length).fill(stepMs),
  updates: [], globalDensity: 0.5, globalFiredDensity: NaN, flops: { dense: 100, theoretical: 50, executed, savedTheoretical: 0.5, savedExecuted: 1 - executed / 100 },
});

describe('compare', () => {
  it('runs that share a name are told apart by start time, then by id; unique names stay as they are', () => {
    const at = Date.UTC(2026, 11, 7, 7, 35, 12);
    const runs = [
      { id: 'a-111111', name: 'SViTE · tiny · seed 0', startedAt: at },
      { id: 'b-222222', name: 'SViTE · tiny · seed 0', startedAt: at + 60_000 },
      { id: 'c-333333', name: 'dense · tiny · seed 0', startedAt: at },
      { id: 'd-444444', name: 'SViTE · tiny · seed 0', startedAt: at + 60_000 },
    ];
    expect(distinctNames(runs)).toEqual([
      'SViTE · tiny · seed 0 · 07:35:12', 'SViTE · tiny · seed 0 · 07:36:12 · #2222', 'dense · tiny · seed 0', 'SViTE · tiny · seed 0 · 07:36:12 · #4444',
    ]);
  });

  it('Jaccard counts bits, not bytes', () => {
    // a = bits {0,1,2}, b = bits {1,2,3,8}: ∩ = 2, ∪ = 5.
    expect(jaccardBits(Uint8Array.from([0b0111, 0]), Uint8Array.from([0b1110, 1]))).toBeCloseTo(2 / 5, 12);
    expect(jaccardBits(new Uint8Array(2), new Uint8Array(2))).toBe(1);
  });

  it('counts the units both runs keep', () => {
    expect(bothKeep(Uint8Array.from([1, 1, 0, 1]), Uint8Array.from([1, 0, 0, 1]))).toEqual({ both: 2, a: 3, b: 2, total: 4 });
  });

  it('refuses runs of different shapes or methods, with the reason', () => {
    const m = (rows: number) => ({ name: 'w', rows, cols: 8, bits: new Uint8Array(rows), active: 0 });
    expect(overlapOf(snap({ masks: [m(8)] }), snap({ masks: [m(4)] }))).toMatch(/differ in shape/);
    expect(overlapOf(snap({}), snap({}))).toMatch(/Neither/);
    const o = overlapOf(snap({ masks: [m(8)], headsAlive: Uint8Array.from([1, 0]) }), snap({ masks: [m(8)], headsAlive: Uint8Array.from([1, 1]) }));
    expect(typeof o === 'string' ? o : o.heads).toEqual({ both: 1, a: 1, b: 2, total: 2 });
  });

  it('puts curves on wall time and cumulative training FLOPs, evaluations at their step', () => {
    const config = { ...presetConfig('tiny'), batchSize: 4 };
    const r = { config } as RunRecord;
    const chunks: ChunkRecord[] = [
      { runId: 'r', seq: 1, frames: [frame([3], 30, 20)], evals: [{ step: 3, accuracy: 0.75, loss: 1, count: 4, reason: 'final', elapsedMs: 0 }] },
      { runId: 'r', seq: 0, frames: [frame([1, 2], 10, 10)], evals: [] },
    ];
    const byTime = curvesOf(r, chunks, 'time');
    expect(byTime.loss).toEqual([[10, 20, 50], [9, 8, 7]]);
    expect(byTime.accuracy).toEqual([[50], [0.75]]);
    const perStep = (macs: number) => TRAIN_PASSES * 2 * macs * 4;
    const byFlops = curvesOf(r, chunks, 'flops');
    expect(byFlops.loss[0]).toEqual([perStep(10), 2 * perStep(10), 2 * perStep(10) + perStep(20)]);
    expect(byFlops.density[0]).toEqual([2 * perStep(10), 2 * perStep(10) + perStep(20)]);
    expect(curvesOf(r, chunks, 'step').density).toEqual([[2, 3], [0.5, 0.5]]);
  });
});
