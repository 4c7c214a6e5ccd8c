import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../engine/config';
import type { RunRecord, SavedFrame } from './db';
import { historyDb, rewindToCheckpoint } from './history';

const saved = (step: number, elapsedMs: number): SavedFrame => ({
  step, elapsedMs, steps: Int32Array.of(step), loss: Float32Array.of(1), lr: Float32Array.of(0), tau: Float32Array.of(0), stepMs: Float32Array.of(5),
  updates: [], globalDensity: 1, globalFiredDensity: NaN, flops: { dense: 1, theoretical: 1, executed: 1, savedTheoretical: 0, savedExecuted: 0 },
});

describe('rewindToCheckpoint', () => {
  it('cuts the history back to the checkpoint, and the record\'s training time to the checkpoint\'s frame, not the last flush', async () => {
    const record: RunRecord = {
      id: 'r', name: 'r', starred: false, status: 'running', link: '', config: presetConfig('tiny'), preset: 'tiny', backend: 'wasm', adapter: '',
      startedAt: 0, endedAt: null, updatedAt: 0, step: 30, totalSteps: 100, lastLoss: 1, accuracy: null, testLoss: null, flops: null, finalFlops: null,
      meta: null, paramsCount: 0, msPerStep: 5, elapsedMs: 9_000, confusion: null, bytes: 0, checkpointStep: 20,
    };
    const db = await historyDb();
    await db.put('runs', record);
    await db.put('chunks', { runId: 'r', seq: 0, frames: [saved(10, 3_000), saved(20, 6_000)], evals: [] });
    await db.put('chunks', { runId: 'r', seq: 1, frames: [saved(30, 9_000)], evals: [] });
    await db.put('checkpoints', { runId: 'r', step: 20, blob: new Blob([new Uint8Array(4)]), savedAt: 0 });
    const rewound = await rewindToCheckpoint('r', 50);
    expect(rewound?.loaded.record).toMatchObject({ step: 20, elapsedMs: 6_000, status: 'running', updatedAt: 50 });
    expect(rewound?.loaded.chunks.flatMap((c) => c.frames.map((f) => f.step))).toEqual([10, 20]);
    expect(await db.get('runs', 'r')).toMatchObject({ step: 20, elapsedMs: 6_000 });
  });
});
