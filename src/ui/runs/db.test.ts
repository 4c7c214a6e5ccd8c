import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../engine/config';
import { DB_VERSION, openRunDb, runState, type RunRecord } from './db';

let dbCount = 0;
const freshName = (): string => `runs-test-${++dbCount}-${Math.random()}`;

/** A run record as version 1 wrote it: no `starred`. */
function v1Record(id: string, startedAt: number): Omit<RunRecord, 'starred'> {
  return {
    id, name: `run ${id}`, status: 'finished', link: 'v=1', config: presetConfig('tiny'), preset: 'tiny',
    backend: 'wasm', adapter: '', startedAt, endedAt: startedAt + 1000, updatedAt: startedAt + 1000,
    step: 10, totalSteps: 10, lastLoss: 1.5, accuracy: 0.5, testLoss: 1.4, flops: null, finalFlops: null, meta: null, paramsCount: 100,
    msPerStep: 5, elapsedMs: 50, confusion: null, bytes: 0,
  };
}

describe('run history schema', () => {
  it('migrates a version-1 database to the current one without losing runs or chunks', async () => {
    const name = freshName();
    const v1 = await openRunDb(name, 1);
    expect([...v1.objectStoreNames].sort()).toEqual(['chunks', 'runs']);
    // Version 1 had no `starred` field: write records the way it did.
    await v1.put('runs', v1Record('a', 2000) as RunRecord);
    await v1.put('runs', v1Record('b', 1000) as RunRecord);
    await v1.put('chunks', { runId: 'a', seq: 0, frames: [], evals: [{ step: 10, accuracy: 0.5, loss: 1.4, count: 8, reason: 'final', elapsedMs: 50 }] });
    v1.close();

    const db = await openRunDb(name);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['checkpoints', 'chunks', 'runs', 'snapshots', 'sweeps']);
    const runs = await db.getAll('runs');
    expect(runs.map((r) => [r.id, r.starred, r.name])).toEqual([['a', false, 'run a'], ['b', false, 'run b']]);
    // The index added in v2 covers the records v1 wrote.
    expect((await db.getAllFromIndex('runs', 'by-started')).map((r) => r.id)).toEqual(['b', 'a']);
    const chunk = await db.get('chunks', ['a', 0]);
    expect(chunk?.evals[0].accuracy).toBe(0.5);
    db.close();
  });

  it('migrates a version-2 database to version 3: runs, chunks and sweeps kept, one checkpoint per run', async () => {
    const name = freshName();
    const v2 = await openRunDb(name, 2);
    expect([...v2.objectStoreNames].sort()).toEqual(['chunks', 'runs', 'snapshots', 'sweeps']);
    await v2.put('runs', { ...v1Record('a', 1000), starred: true, status: 'running' });
    await v2.put('sweeps', { id: 's', name: 'sweep', createdAt: 5, links: ['v=1'], labels: ['dense'], runIds: ['a'], status: 'queued' });
    v2.close();

    const db = await openRunDb(name, 3);
    expect((await db.getAll('runs')).map((r) => [r.id, r.starred, r.status, r.checkpointStep])).toEqual([['a', true, 'running', undefined]]);
    expect((await db.get('sweeps', 's'))?.runIds).toEqual(['a']);
    expect(await db.count('checkpoints')).toBe(0);
    // Keyed by run: a newer checkpoint replaces the older one.
    await db.put('checkpoints', { runId: 'a', step: 4, blob: new Blob([new Uint8Array([1, 2])]), savedAt: 1 });
    await db.put('checkpoints', { runId: 'a', step: 8, blob: new Blob([new Uint8Array([3, 4, 5])]), savedAt: 2 });
    const kept = await db.getAll('checkpoints');
    expect(kept.map((c) => [c.runId, c.step])).toEqual([['a', 8]]);
    expect(Array.from(new Uint8Array(await kept[0].blob.arrayBuffer()))).toEqual([3, 4, 5]);
    db.close();
  });

  it('creates the current schema from nothing, and typed arrays survive a round trip', async () => {
    const db = await openRunDb(freshName());
    const loss = new Float32Array([2.5, 2.25, Math.PI]);
    await db.put('chunks', {
      runId: 'x', seq: 3, evals: [], frames: [{
        step: 3, elapsedMs: 9, steps: Int32Array.from([1, 2, 3]), loss, lr: new Float32Array(3), tau: new Float32Array(3),
        stepMs: new Float32Array(3), updates: [], globalDensity: 0.5, globalFiredDensity: NaN,
        flops: { dense: 10, theoretical: 5, executed: 7, savedTheoretical: 0.5, savedExecuted: 0.3 },
      }],
    });
    const back = await db.get('chunks', ['x', 3]);
    expect(back?.frames[0].loss).toBeInstanceOf(Float32Array);
    expect(Array.from(back!.frames[0].loss)).toEqual(Array.from(loss));
    expect(await db.getAllKeysFromIndex('chunks', 'by-run', 'x')).toEqual([['x', 3]]);
    db.close();
  });

  it('without Web Locks, reads a running record that went quiet as interrupted', () => {
    const r = { ...v1Record('r', 0), starred: false, status: 'running' as const, updatedAt: 1000 };
    expect(runState(r, 2000)).toBe('running');
    expect(runState(r, 60_000)).toBe('interrupted');
    expect(runState(r, 60_000, 'r')).toBe('running');
  });

  it('with Web Locks, a running record no page holds is interrupted at once, one another page holds is running however quiet', () => {
    const r = { ...v1Record('r', 0), starred: false, status: 'running' as const, updatedAt: 1000 };
    expect(runState(r, 1001, null, new Set())).toBe('interrupted');
    expect(runState(r, 1001, null, new Set(['other']))).toBe('interrupted');
    expect(runState(r, 600_000, null, new Set(['r']))).toBe('running');
    expect(runState(r, 1001, 'r', new Set())).toBe('running');
    expect(runState({ ...r, status: 'stopped' }, 1001, null, new Set(['r']))).toBe('stopped');
  });
});
