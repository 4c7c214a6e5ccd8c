// Reading and editing the saved runs: list, rename, star, delete, load one whole, storage used.
import type { IDBPDatabase } from 'idb';
import { openRunDb, type CheckpointRecord, type ChunkRecord, type RunDB, type RunRecord, type SnapshotRecord } from './db';

let opened: Promise<IDBPDatabase<RunDB>> | null = null;

/** The studio's one connection to the history (opened on first use). */
export function historyDb(): Promise<IDBPDatabase<RunDB>> {
  opened ??= openRunDb();
  return opened;
}

/** Newest first. */
export async function listRuns(): Promise<RunRecord[]> {
  const runs = await (await historyDb()).getAllFromIndex('runs', 'by-started');
  return runs.reverse();
}

export async function patchRun(id: string, patch: Partial<Pick<RunRecord, 'name' | 'starred'>>): Promise<void> {
  const db = await historyDb();
  const tx = db.transaction('runs', 'readwrite');
  const r = await tx.store.get(id);
  if (r) await tx.store.put({ ...r, ...patch });
  await tx.done;
}

/** Deletes a run with its chunks, snapshots and checkpoint. */
export async function deleteRun(id: string): Promise<void> {
  const db = await historyDb();
  const tx = db.transaction(['runs', 'chunks', 'snapshots', 'checkpoints'], 'readwrite');
  const range = IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
  await Promise.all([
    tx.objectStore('runs').delete(id), tx.objectStore('chunks').delete(range), tx.objectStore('snapshots').delete(range),
    tx.objectStore('checkpoints').delete(id), tx.done,
  ]);
}

export interface LoadedRun {
  record: RunRecord;
  chunks: ChunkRecord[];
  snapshots: SnapshotRecord[];
}

export async function loadRun(id: string): Promise<LoadedRun | null> {
  const db = await historyDb();
  const record = await db.get('runs', id);
  if (!record) return null;
  const range = IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
  const [chunks, snapshots] = await Promise.all([db.getAll('chunks', range), db.getAll('snapshots', range)]);
  return { record, chunks, snapshots };
}

/** Writes a whole run (an imported file) in one transaction: all of it or nothing. */
export async function putRun(run: LoadedRun): Promise<void> {
  const db = await historyDb();
  const tx = db.transaction(['runs', 'chunks', 'snapshots'], 'readwrite');
  await Promise.all([
    tx.objectStore('runs').put(run.record),
    ...run.chunks.map((c) => tx.objectStore('chunks').put(c)),
    ...run.snapshots.map((s) => tx.objectStore('snapshots').put(s)),
    tx.done,
  ]);
}

/**
 * Cuts a run's saved history back to its checkpoint's step, for a resume: the frames, evaluations
 * and snapshots up to it are kept (as chunk 0), those beyond it dropped, since the resumed run
 * writes those steps again. Returns the checkpoint and the history as kept, or null without one.
 */
export async function rewindToCheckpoint(id: string, now = Date.now()): Promise<{ checkpoint: CheckpointRecord; loaded: LoadedRun } | null> {
  const db = await historyDb();
  const tx = db.transaction(['runs', 'chunks', 'snapshots', 'checkpoints'], 'readwrite');
  const range = IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
  const [record, checkpoint, chunks, snapshots] = await Promise.all([
    tx.objectStore('runs').get(id), tx.objectStore('checkpoints').get(id), tx.objectStore('chunks').getAll(range), tx.objectStore('snapshots').getAll(range),
  ]);
  if (!record || !checkpoint) {
    await tx.done;
    return null;
  }
  const step = checkpoint.step;
  chunks.sort((a, b) => a.seq - b.seq);
  const kept = {
    runId: id, seq: 0,
    frames: chunks.flatMap((c) => c.frames).filter((f) => f.step <= step),
    evals: chunks.flatMap((c) => c.evals).filter((e) => e.step <= step),
    ...(chunks.find((c) => c.samples)?.samples ? { samples: chunks.find((c) => c.samples)!.samples } : {}),
  };
  const keptSnapshots = snapshots.filter((s) => s.step <= step);
  // The worker frames a checkpoint's step before writing it: that frame holds the training time the
  // resumed run's clock goes on from (the record's own is its last flush's, past the checkpoint).
  const elapsedMs = kept.frames.at(-1)?.elapsedMs ?? 0;
  const rewound: RunRecord = { ...record, status: 'running', endedAt: null, updatedAt: now, step, elapsedMs };
  await Promise.all([
    tx.objectStore('chunks').delete(range),
    ...snapshots.filter((s) => s.step > step).map((s) => tx.objectStore('snapshots').delete([id, s.step])),
  ]);
  await Promise.all([tx.objectStore('chunks').put(kept), tx.objectStore('runs').put(rewound), tx.done]);
  return { checkpoint, loaded: { record: rewound, chunks: [kept], snapshots: keptSnapshots } };
}

export interface StorageUse {
  usage: number;
  quota: number;
}

export async function storageUse(): Promise<StorageUse | null> {
  if (!navigator.storage?.estimate) return null;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return { usage, quota };
}

/** What to delete to make room: unstarred finished runs, biggest first (never the live one). */
export function deletionCandidates(runs: RunRecord[], liveId: string | null, count = 3): RunRecord[] {
  return runs.filter((r) => !r.starred && r.id !== liveId).sort((a, b) => b.bytes - a.bytes).slice(0, count);
}

export function isQuotaError(err: unknown): boolean {
  const e = err as { name?: string; error?: { name?: string }; message?: string } | null;
  if (!e) return false;
  return e.name === 'QuotaExceededError' || e.error?.name === 'QuotaExceededError' || /quota/i.test(e.message ?? '');
}
