import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { presetConfig } from '../../engine/config';
import type { FlopsReport } from '../../engine/flops';
import type { FrameEvent } from '../../protocol/messages';
import { openRunDb, type RunRecord } from './db';
import { RunRecorder, simulated } from './recorder';

const flops: FlopsReport = {
  unit: 'MACs', dense: 100, theoretical: 50, executed: 80, savedTheoretical: 0.5, savedExecuted: 0.2, components: [], byComponent: {},
  params: { dense: 10, nonzero: 5, executed: 8 }, tokens: 5,
};

function frame(first: number, n: number): FrameEvent {
  return {
    type: 'frame', runId: 1, seq: 0, state: 'running', step: first + n - 1, totalSteps: 100,
    steps: Int32Array.from({ length: n }, (_, i) => first + i), loss: Float32Array.from({ length: n }, (_, i) => 3 - 0.01 * (first + i)),
    lr: new Float32Array(n), tau: new Float32Array(n), stepMs: new Float32Array(n).fill(4), updates: [],
    snapshot: { step: first + n - 1, masks: [], density: {}, firedDensity: {}, globalDensity: 1, globalFiredDensity: 1, headsAlive: null, headScores: null, neuronsAlive: null, keptTokens: null, keptPerSample: 0 },
    flops, stepsPerSec: 1, imagesPerSec: 1, etaMs: 0, elapsedMs: 0, numTensors: 0,
  };
}

const record = (): RunRecord => ({
  id: 'run-1', name: 'r', starred: false, status: 'running', link: '', config: presetConfig('tiny'), preset: 'tiny', backend: 'cpu', adapter: '',
  startedAt: 0, endedAt: null, updatedAt: 0, step: 0, totalSteps: 100, lastLoss: NaN, accuracy: null, testLoss: null, flops: null, finalFlops: null,
  meta: null, paramsCount: 0, msPerStep: NaN, elapsedMs: 0, confusion: null, bytes: 0,
});

afterEach(() => { simulated.fullQuota = false; });

describe('RunRecorder', () => {
  it('writes steps while the run trains, not only at its end', async () => {
    const db = openRunDb(`rec-${Math.random()}`);
    const rec = new RunRecorder(db, record(), { onWrite: () => undefined });
    rec.frame(frame(1, 5));
    await rec.flush();
    rec.frame(frame(6, 3));
    await rec.flush();
    const chunks = await (await db).getAll('chunks');
    expect(chunks.flatMap((c) => c.frames.flatMap((f) => Array.from(f.steps)))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const saved = await (await db).get('runs', 'run-1');
    expect(saved?.status).toBe('running');
    expect(saved?.step).toBe(8);
    rec.dispose();
  });

  it('keeps what a full quota refused, in order, and writes it once there is room', async () => {
    const db = openRunDb(`rec-${Math.random()}`);
    const errors: unknown[] = [];
    const rec = new RunRecorder(db, record(), { onWrite: (e) => { if (e) errors.push(e); } });
    await rec.flush();
    simulated.fullQuota = true;
    rec.frame(frame(1, 4));
    await rec.flush();
    rec.frame(frame(5, 2));
    await rec.flush();
    expect(errors.length).toBe(2);
    expect((errors[0] as DOMException).name).toBe('QuotaExceededError');
    expect(rec.unsavedFrames).toBe(2);
    simulated.fullQuota = false;
    await rec.end('finished');
    const chunks = await (await db).getAll('chunks');
    expect(chunks.flatMap((c) => c.frames.flatMap((f) => Array.from(f.loss)))).toEqual(Array.from(Float32Array.from([1, 2, 3, 4, 5, 6], (s) => 3 - 0.01 * s)));
    expect((await (await db).get('runs', 'run-1'))?.status).toBe('finished');
    // The last snapshot is written at the end.
    expect((await (await db).getAll('snapshots')).map((s) => s.step)).toEqual([6]);
  });

  it('writes a checkpoint with the frames before it and keeps only the latest; a full quota holds it back, not drops it', async () => {
    const db = openRunDb(`rec-${Math.random()}`);
    const rec = new RunRecorder(db, record(), { onWrite: () => undefined });
    rec.frame(frame(1, 4));
    rec.checkpoint({ type: 'checkpoint', runId: 1, step: 4, blob: new Blob([new Uint8Array(100).fill(1)]), ms: 1 });
    await rec.flush();
    const d = await db;
    expect((await d.getAll('chunks')).flatMap((c) => c.frames.map((f) => f.step))).toEqual([4]);
    expect((await d.get('runs', 'run-1'))?.checkpointStep).toBe(4);
    simulated.fullQuota = true;
    rec.frame(frame(5, 4));
    rec.checkpoint({ type: 'checkpoint', runId: 1, step: 8, blob: new Blob([new Uint8Array(120).fill(2)]), ms: 1 });
    await rec.flush();
    expect((await d.get('checkpoints', 'run-1'))?.step).toBe(4);
    simulated.fullQuota = false;
    await rec.flush();
    const kept = await d.getAll('checkpoints');
    expect(kept.map((c) => [c.step, c.blob.size])).toEqual([[8, 120]]);
    expect(new Uint8Array(await kept[0].blob.arrayBuffer())[0]).toBe(2);
    const saved = await d.get('runs', 'run-1');
    expect(saved?.checkpointStep).toBe(8);
    // Two 4-step frames (5 × 16 + 200 each), one snapshot (200) and the latest checkpoint only (120, not 100 + 120).
    expect(saved?.bytes).toBe(2 * 280 + 200 + 120);
    expect(rec.checkpointWrites.map((w) => w.step)).toEqual([4, 8]);
    rec.dispose();
  });
});
