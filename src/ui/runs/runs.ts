// The run history's actions: record the run on screen, refresh the list, rename, star, delete,
// and reopen a saved run read-only in the panels. The session calls record*; the panel the rest.
import { encodeConfig } from '../../engine/config-url';
import { PRESETS, presetConfig, type ExperimentConfig } from '../../engine/config';
import type { FlopsReport } from '../../engine/flops';
import type { SparsitySnapshot } from '../../engine/snapshot';
import type { BackendInfo, CheckpointEvent, EvalEvent, FrameEvent, StartedEvent } from '../../protocol/messages';
import { runData } from '../frames/run-data';
import { studio } from '../store';
import { QUIET_MS, runState, type RunRecord, type SavedFrame, type SnapshotRecord } from './db';
import { heldRunIds, lockRun, whenRunReleased } from './live-lock';
import { deleteRun, deletionCandidates, historyDb, isQuotaError, listRuns, loadRun, patchRun, putRun, rewindToCheckpoint, storageUse, type LoadedRun } from './history';
import { asImported, decodeRunFile, encodeRunFile, runFileName } from './run-file';
import { RunRecorder, simulated } from './recorder';
import { useRuns } from './store';
import { methodName } from './labels';
import { bytes as formatBytes } from '../format';

let recorder: RunRecorder | null = null;
const endListeners = new Set<(r: RunRecord) => void>();

/** Called once a run's end is written (the sweep queues its next run from here). */
export function onRunEnded(listener: (r: RunRecord) => void): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}
let refreshQueued = false;

/** The preset the config was made from (same data and model shape), or 'custom'. */
export function presetOf(c: ExperimentConfig): string {
  const same = (p: ExperimentConfig): boolean => p.dataset === c.dataset && p.depth === c.depth && p.embedDim === c.embedDim && p.imageSize === c.imageSize && p.patchSize === c.patchSize;
  return PRESETS.find((p) => same(presetConfig(p))) ?? 'custom';
}

const newId = (): string => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export function recordStart(config: ExperimentConfig, backend: BackendInfo | null, extra: Partial<RunRecord> = {}): string {
  recorder?.dispose();
  const startedAt = Date.now();
  const record: RunRecord = {
    id: newId(), name: `${methodName(config)} · ${presetOf(config)} · seed ${config.seed}`, starred: false, status: 'running',
    link: encodeConfig(config), config, preset: presetOf(config), backend: backend?.backend ?? '', adapter: backend?.adapter ?? '',
    startedAt, endedAt: null, updatedAt: startedAt, step: 0, totalSteps: config.steps, lastLoss: NaN, accuracy: null, testLoss: null,
    flops: null, finalFlops: null, meta: null, paramsCount: 0, msPerStep: NaN, elapsedMs: 0, confusion: null, bytes: 0, ...extra,
  };
  recorder = new RunRecorder(historyDb(), record, { onWrite }, undefined, 0, lockRun(record.id));
  useRuns.setState({ liveId: record.id, viewingId: null });
  return record.id;
}

export function recordStarted(e: StartedEvent, backend: BackendInfo | null): void {
  if (!recorder) return;
  if (backend) Object.assign(recorder.record, { backend: backend.backend, adapter: backend.adapter });
  recorder.started(e);
}
export const recordFrame = (e: FrameEvent): void => recorder?.frame(e);
export const recordEval = (e: EvalEvent): void => recorder?.evaluation(e);
export const recordCheckpoint = (e: CheckpointEvent): void => recorder?.checkpoint(e);

/**
 * Resume: the saved run cut back to its checkpoint (history.ts), drawn in the panels, and recorded
 * on from there. Returns its checkpoint and record, or null when it has no checkpoint.
 */
export async function resumeRecording(id: string): Promise<{ record: RunRecord; checkpoint: Uint8Array } | null> {
  if (recorder?.id !== id && (await heldRunIds())?.has(id)) return null; // another tab trains it
  // Held before the rewind marks it running (this page's own earlier recorder lets go after its last write).
  const lock = lockRun(id);
  await lock.held;
  const rewound = await rewindToCheckpoint(id);
  if (!rewound) {
    lock.release();
    return null;
  }
  const { loaded, checkpoint } = rewound;
  recorder?.dispose();
  const r = new RunRecorder(historyDb(), loaded.record, { onWrite }, undefined, 1, lock);
  r.storedCheckpointBytes = checkpoint.blob.size;
  recorder = r;
  useRuns.setState({ liveId: id, viewingId: null });
  replayHistory(loaded);
  return { record: loaded.record, checkpoint: new Uint8Array(await checkpoint.blob.arrayBuffer()) };
}

/** The run ended (finished, stopped, failed, or superseded): write the rest. */
export function recordEnd(status: 'finished' | 'stopped' | 'failed'): Promise<void> {
  const r = recorder;
  if (!r || r.record.status !== 'running') return Promise.resolve();
  // A run that never trained (its data or config refused at start, or replaced while loading)
  // leaves nothing to list: no "failed at 0/N" entry.
  const neverStarted = r.record.meta === null;
  return r.end(status).then(async () => {
    if (neverStarted) await deleteRun(r.id).catch(() => undefined);
    scheduleRefresh();
    for (const l of endListeners) l({ ...r.record });
  });
}

/** The recorder of the live run (tests and the benchmark read its timings). */
export const liveRecorder = (): RunRecorder | null => recorder;

function onWrite(err: unknown): void {
  const live = recorder;
  if (!err) {
    if (useRuns.getState().quota || useRuns.getState().writeError) useRuns.setState({ quota: null, writeError: null });
    // The list follows the live run only while someone looks at it (ends refresh it anyway).
    if (useRuns.getState().open) scheduleRefresh();
    return;
  }
  if (isQuotaError(err)) {
    const runs = useRuns.getState().runs;
    const what = deletionCandidates(runs, live?.id ?? null).map((r) => `"${r.name}" (${formatBytes(r.bytes)})`);
    useRuns.setState({
      open: true,
      quota: {
        unsaved: live?.unsavedFrames ?? 0,
        message: `The browser's storage for this site is full, so the run is no longer being saved. Delete runs you no longer need${what.length ? `, e.g. ${what.join(', ')}` : ''}, or unstar and delete old ones. The steps since the last save are kept in memory and are written as soon as there is room; nothing has been dropped.`,
      },
    });
  } else useRuns.setState({ writeError: `Saving the run failed: ${err instanceof Error ? err.message : String(err)}. The unsaved steps are kept in memory and are retried every second.` });
}

/** Refresh the list and the storage estimate, at most once per second. */
export function scheduleRefresh(): void {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(() => {
    refreshQueued = false;
    void refresh();
  }, 1000);
}

export async function refresh(): Promise<void> {
  try {
    const [runs, storage] = await Promise.all([listRuns(), storageUse()]);
    // After the list: a recorder holds its run's lock before its first write, so every run listed
    // that some page records is in this answer.
    const held = await heldRunIds();
    useRuns.setState({ runs, storage, held });
    followOtherPages(runs, held);
  } catch (err) {
    useRuns.setState({ writeError: `The run history cannot be read: ${err instanceof Error ? err.message : String(err)}` });
  }
}

let quietTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Runs that another page trains show as running until it lets go of them (closed, reloaded,
 * crashed, ended): refresh then, so Resume appears by itself. Without Web Locks, when their writer
 * has been quiet for QUIET_MS.
 */
function followOtherPages(runs: RunRecord[], held: ReadonlySet<string> | null): void {
  const { liveId } = useRuns.getState();
  const now = Date.now();
  const elsewhere = runs.filter((r) => r.id !== liveId && runState(r, now, liveId, held) === 'running');
  if (held) {
    for (const r of elsewhere) whenRunReleased(r.id, () => void refresh());
    return;
  }
  clearTimeout(quietTimer);
  if (elsewhere.length) quietTimer = setTimeout(() => void refresh(), Math.max(0, Math.min(...elsewhere.map((r) => r.updatedAt + QUIET_MS - now))) + 100);
}

export async function rename(id: string, name: string): Promise<void> {
  if (recorder?.id === id) recorder.record.name = name;
  await patchRun(id, { name });
  await refresh();
}

export async function star(id: string, starred: boolean): Promise<void> {
  if (recorder?.id === id) recorder.record.starred = starred;
  await patchRun(id, { starred });
  await refresh();
}

export async function remove(id: string): Promise<void> {
  if (recorder?.id === id) {
    if (recorder.record.status === 'running') return; // the live run is deleted after it ends
    // Ended and written: nothing more comes for it, so its record must not come back either.
    recorder.dispose();
    recorder = null;
    useRuns.setState({ liveId: null });
  }
  await deleteRun(id);
  const { picked, viewingId } = useRuns.getState();
  useRuns.setState({ picked: picked.filter((p) => p !== id), ...(viewingId === id ? { viewingId: null } : {}) });
  await refresh();
  // Room again: write what a full quota held back.
  if (useRuns.getState().quota && recorder) await recorder.flush();
}

/** A saved run as one file (the Runs panel's Export). */
export async function exportRun(id: string): Promise<{ name: string; bytes: Uint8Array } | null> {
  const loaded = await loadRun(id);
  return loaded ? { name: runFileName(loaded.record), bytes: encodeRunFile(loaded) } : null;
}

/** A run file into the history, under a new id; throws RunFileError (or a quota error) with nothing written. */
export async function importRun(file: string, bytes: Uint8Array): Promise<RunRecord> {
  const run = asImported(decodeRunFile(file, bytes), newId());
  await putRun(run);
  await refresh();
  return run.record;
}

const EMPTY_SNAPSHOT: SparsitySnapshot = {
  step: 0, masks: [], density: {}, firedDensity: {}, globalDensity: 1, globalFiredDensity: NaN,
  headsAlive: null, headScores: null, neuronsAlive: null, keptTokens: null, keptPerSample: 0,
};

/** A saved frame as the worker sent it, with the nearest saved snapshot for the maps. */
export function frameOf(f: SavedFrame, seq: number, snap: SparsitySnapshot, report: FlopsReport | null, status: RunRecord['status'], totalSteps: number): FrameEvent {
  const flops: FlopsReport = {
    unit: 'MACs', components: [], byComponent: {}, params: { dense: 0, nonzero: 0, executed: 0 }, tokens: 0, ...report, ...f.flops,
  };
  const fired = Number.isFinite(f.globalFiredDensity);
  return {
    type: 'frame', runId: 0, seq, state: status === 'running' ? 'stopped' : status === 'failed' ? 'stopped' : status, step: f.step, totalSteps,
    steps: f.steps, loss: f.loss, lr: f.lr, tau: f.tau, stepMs: f.stepMs, updates: f.updates,
    snapshot: { ...snap, globalDensity: f.globalDensity, globalFiredDensity: fired ? f.globalFiredDensity : NaN, firedDensity: fired && !Object.keys(snap.firedDensity).length ? { all: f.globalFiredDensity } : fired ? snap.firedDensity : {} },
    flops, stepsPerSec: NaN, imagesPerSec: NaN, etaMs: NaN, elapsedMs: f.elapsedMs, numTensors: 0,
  };
}

function nearestSnapshot(snaps: SnapshotRecord[], step: number): SparsitySnapshot {
  // Sorted by step: the last one at or before `step`, else the first.
  let best = snaps[0];
  for (const s of snaps) if (s.step <= step) best = s;
  return best?.snapshot ?? EMPTY_SNAPSHOT;
}

/** Draws a saved run's frames and evaluations in the panels (from scratch). */
function replayHistory({ record, chunks, snapshots }: LoadedRun): void {
  snapshots.sort((a, b) => a.step - b.step);
  chunks.sort((a, b) => a.seq - b.seq);
  runData.reset();
  const samples = chunks.find((c) => c.samples)?.samples;
  if (samples) runData.setSamples(samples);
  let seq = 0;
  const frames = chunks.flatMap((c) => c.frames);
  const evals = chunks.flatMap((c) => c.evals);
  let e = 0;
  const pushEvals = (upTo: number): void => {
    for (; e < evals.length && evals[e].step <= upTo; e++) {
      const v = evals[e];
      runData.addEval({ type: 'eval', runId: 0, reason: v.reason, elapsedMs: v.elapsedMs, result: { step: v.step, count: v.count, accuracy: v.accuracy, loss: v.loss, numClasses: 0, confusion: new Int32Array(0) } });
    }
  };
  for (const f of frames) {
    runData.ingest(frameOf(f, seq++, nearestSnapshot(snapshots, f.step), record.finalFlops, record.status, record.totalSteps));
    pushEvals(f.step);
  }
  pushEvals(Infinity);
}

/** Shows a saved run in the panels, read-only. The live run, if any, keeps training and saving. */
export async function openRun(id: string): Promise<boolean> {
  const loaded = await loadRun(id);
  if (!loaded) return false;
  const { record, chunks } = loaded;
  replayHistory(loaded);
  const frames = chunks.flatMap((c) => c.frames);
  const evals = chunks.flatMap((c) => c.evals);
  // The confusion panel reads the last evaluation's matrix.
  if (runData.lastEval && record.confusion) runData.lastEval = { ...runData.lastEval, numClasses: record.confusion.numClasses, confusion: record.confusion.counts };
  const last = evals.at(-1);
  studio.setState({
    status: record.status === 'finished' ? 'finished' : 'stopped', runConfig: record.config, meta: record.meta,
    frames: frames.length,
    progress: { step: record.step, totalSteps: record.totalSteps, stepsPerSec: NaN, imagesPerSec: NaN, etaMs: NaN, elapsedMs: record.elapsedMs, lastLoss: record.lastLoss },
    lastEval: last ? { step: last.step, accuracy: last.accuracy, loss: last.loss, count: last.count, reason: last.reason } : null,
  });
  useRuns.setState({ viewingId: id });
  return true;
}

// For e2e tests: the history's state, and a simulated full quota.
(globalThis as unknown as { __studioRuns: unknown }).__studioRuns = {
  simulateFullQuota: (on: boolean) => { simulated.fullQuota = on; },
  /** Main-thread milliseconds spent saving the live run, its writes, its training milliseconds and steps. */
  saveCost: () => ({
    frameMs: recorder?.frameMs ?? NaN, flushMs: recorder?.flushMs ?? NaN, writes: recorder?.writes ?? 0, trainMs: recorder?.trainMs ?? NaN,
    step: recorder?.record.step ?? 0, checkpointWrites: recorder?.checkpointWrites ?? [],
  }),
};
