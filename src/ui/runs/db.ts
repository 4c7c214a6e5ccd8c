// The run history's IndexedDB schema (through idb): versioned, each version an upgrade step that
// runs in order, so a browser holding any older database is carried forward without losing runs.
//   v1: runs (one record per run), chunks (the frames and evaluations of one flush, [runId, seq]).
//   v2: runs gain `starred` (backfilled false) and a by-started index; snapshots (bounded-rate
//       sparsity snapshots, [runId, step]); sweeps (queued paper-table sweeps).
//   v3: checkpoints (the latest training checkpoint of each run, keyed by runId: one per run bounds
//       the storage); runs may carry `checkpointStep`.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { ExperimentConfig } from '../../engine/config';
import type { FlopsReport } from '../../engine/flops';
import type { SparsitySnapshot } from '../../engine/snapshot';
import type { FrameEvent, SampleImages } from '../../protocol/messages';

export const DB_NAME = 'sparse-vit-studio';
export const DB_VERSION = 3;

/** How a saved run ended; 'running' records whose writer went quiet read as interrupted (see runState). */
export type SavedStatus = 'running' | 'finished' | 'stopped' | 'failed';

export interface SavedFlops {
  dense: number;
  theoretical: number;
  executed: number;
  savedTheoretical: number;
  savedExecuted: number;
}

export interface RunRecord {
  id: string;
  name: string;
  starred: boolean;
  status: SavedStatus;
  /** The config as a studio link query (engine/config-url's encodeConfig). */
  link: string;
  config: ExperimentConfig;
  preset: string;
  backend: string;
  adapter: string;
  startedAt: number;
  endedAt: number | null;
  /** Last write: a 'running' run not written for a while was cut off (reload, crash). */
  updatedAt: number;
  step: number;
  totalSteps: number;
  lastLoss: number;
  /** Last evaluation (null before one, or when its loss was not finite). */
  accuracy: number | null;
  testLoss: number | null;
  /** FLOPs of the last frame, in MACs per image (engine/flops' unit), with its per-component report. */
  flops: SavedFlops | null;
  finalFlops: FlopsReport | null;
  /** What the worker said at the start (data set counts and class names). */
  meta: { paramsCount: number; trainCount: number; testCount: number; classNames: string[]; dataNotes: string[]; setupMs: number } | null;
  paramsCount: number;
  /** Mean training milliseconds per step (pauses excluded). */
  msPerStep: number;
  elapsedMs: number;
  /** The last evaluation's confusion matrix (row = true class). */
  confusion: { numClasses: number; counts: Int32Array } | null;
  /** Bytes written for this run (approximate), to say what deleting it frees. */
  bytes: number;
  /** The sweep that queued it, if any. */
  sweepId?: string;
  /** The run this one continues (resume or Continue). */
  parentId?: string;
  /** The step of its stored checkpoint (the checkpoints store), if any: Resume goes on from there. */
  checkpointStep?: number;
}

/**
 * The latest training checkpoint of a run (engine/io/training-checkpoint's bytes). Kept as a Blob:
 * Chromium clones a 0.5 MB typed array into IndexedDB on the main thread (60–75 ms measured, a long
 * task), a Blob goes by reference.
 */
export interface CheckpointRecord {
  runId: string;
  step: number;
  blob: Blob;
  savedAt: number;
}

/** One worker frame, as saved: the per-step scalars and the frame's summary numbers. */
export interface SavedFrame extends Pick<FrameEvent, 'step' | 'elapsedMs' | 'steps' | 'loss' | 'lr' | 'tau' | 'stepMs' | 'updates'> {
  globalDensity: number;
  /** NaN when the method fires nothing (dense). */
  globalFiredDensity: number;
  flops: SavedFlops;
}

export interface SavedEval {
  step: number;
  accuracy: number | null;
  loss: number;
  count: number;
  reason: 'periodic' | 'final' | 'requested';
  elapsedMs: number;
}

export interface ChunkRecord {
  runId: string;
  seq: number;
  frames: SavedFrame[];
  evals: SavedEval[];
  /** The token panel's sample images (first chunk only). */
  samples?: SampleImages;
}

export interface SnapshotRecord {
  runId: string;
  step: number;
  snapshot: SparsitySnapshot;
}

export interface SweepRecord {
  id: string;
  name: string;
  createdAt: number;
  /** The link of each queued run, in order; runIds[i] once it has started. */
  links: string[];
  labels: string[];
  runIds: (string | null)[];
  status: 'queued' | 'done' | 'cancelled';
}

export interface RunDB extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { 'by-started': number } };
  chunks: { key: [string, number]; value: ChunkRecord; indexes: { 'by-run': string } };
  snapshots: { key: [string, number]; value: SnapshotRecord; indexes: { 'by-run': string } };
  sweeps: { key: string; value: SweepRecord };
  checkpoints: { key: string; value: CheckpointRecord };
}

type UpgradeTx = IDBPTransaction<RunDB, StoreNames<RunDB>[], 'versionchange'>;

/** Upgrade steps; UPGRADES[v - 1] takes a database from version v - 1 to v. */
const UPGRADES: ((db: IDBPDatabase<RunDB>, tx: UpgradeTx) => Promise<void> | void)[] = [
  (db) => {
    db.createObjectStore('runs', { keyPath: 'id' });
    const chunks = db.createObjectStore('chunks', { keyPath: ['runId', 'seq'] });
    chunks.createIndex('by-run', 'runId');
  },
  async (db, tx) => {
    tx.objectStore('runs').createIndex('by-started', 'startedAt');
    db.createObjectStore('snapshots', { keyPath: ['runId', 'step'] }).createIndex('by-run', 'runId');
    db.createObjectStore('sweeps', { keyPath: 'id' });
    let cursor = await tx.objectStore('runs').openCursor();
    while (cursor) {
      const r = cursor.value as RunRecord & { starred?: boolean };
      if (r.starred === undefined) await cursor.update({ ...r, starred: false });
      cursor = await cursor.continue();
    }
  },
  (db) => {
    db.createObjectStore('checkpoints', { keyPath: 'runId' });
  },
];

/** Opens the history at `version` (tests open older versions to check the migrations). */
export function openRunDb(name = DB_NAME, version = DB_VERSION): Promise<IDBPDatabase<RunDB>> {
  return openDB<RunDB>(name, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      // idb awaits nothing here: chain the steps on the upgrade transaction, which stays open while
      // its requests run.
      let chain: Promise<void> = Promise.resolve();
      for (let v = oldVersion + 1; v <= (newVersion ?? version); v++) {
        const step = UPGRADES[v - 1];
        chain = chain.then(() => step(db, tx));
      }
      chain.catch((err: unknown) => {
        console.error('Run history upgrade failed', err);
        tx.abort();
      });
    },
  });
}

/** Without Web Locks: a run still marked 'running' but silent for this long was cut off (the writer flushes every second). */
export const QUIET_MS = 10_000;

export type ShownStatus = Exclude<SavedStatus, 'running'> | 'running' | 'interrupted';

/**
 * 'running' while this page records it (liveId) or another page holds its lock (`held`, from
 * live-lock.ts), else 'interrupted'. `held` null (no Web Locks): running while its writer is not quiet.
 */
export function runState(r: RunRecord, now = Date.now(), liveId: string | null = null, held: ReadonlySet<string> | null = null): ShownStatus {
  if (r.status !== 'running') return r.status;
  if (r.id === liveId) return 'running';
  const elsewhere = held ? held.has(r.id) : now - r.updatedAt < QUIET_MS;
  return elsewhere ? 'running' : 'interrupted';
}
