// Saves the run on screen as it trains: frames and evaluations pile up in memory and are written
// in one transaction about every second (or sooner past FLUSH_STEPS steps), so a reload or a crash
// keeps everything up to the last flush. Full sparsity snapshots (masks, heads, neurons, tokens)
// are written at a bounded rate. A failed write (a full quota) keeps what it could not write and
// tries again at the next flush: nothing is dropped. A training checkpoint is written with the
// frames up to its step, in one transaction, replacing the run's previous one.
import type { IDBPDatabase } from 'idb';
import type { CheckpointEvent, FrameEvent, EvalEvent, SampleImages, StartedEvent } from '../../protocol/messages';
import type { SparsitySnapshot } from '../../engine/snapshot';
import type { CheckpointRecord, ChunkRecord, RunDB, RunRecord, SavedEval, SavedFlops, SavedFrame, SavedStatus } from './db';
import type { RunLock } from './live-lock';

export const FLUSH_MS = 1000;
export const FLUSH_STEPS = 256;
/** At most one full snapshot per this many milliseconds (plus the last one). */
export const SNAPSHOT_MS = 10_000;

/** For e2e tests: the browser's real quota cannot be filled quickly, so writes can be made to fail as a full one does. */
export const simulated = { fullQuota: false };

export interface RecorderHooks {
  /** Called after each write attempt: null when it worked, else the error (kept data waits). */
  onWrite(err: unknown): void;
}

const flopsOf = (f: FrameEvent['flops']): SavedFlops => ({
  dense: f.dense, theoretical: f.theoretical, executed: f.executed, savedTheoretical: f.savedTheoretical, savedExecuted: f.savedExecuted,
});

function snapshotBytes(s: SparsitySnapshot): number {
  let n = 200 + Object.keys(s.density).length * 64;
  for (const m of s.masks) n += m.bits.byteLength + 64;
  for (const a of [s.headsAlive, s.headScores, s.neuronsAlive, s.keptTokens]) n += a?.byteLength ?? 0;
  return n;
}

export class RunRecorder {
  private frames: SavedFrame[] = [];
  private evals: SavedEval[] = [];
  private snapshot: SparsitySnapshot | null = null;
  private lastSnapshotAt = -Infinity;
  private pendingSteps = 0;
  private seq = 0;
  private samples: SampleImages | null = null;
  private checkpointDue: CheckpointEvent | null = null;
  /** Size of the checkpoint already stored for this run (a resumed run starts with one). */
  storedCheckpointBytes: number | null = null;
  private writing: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | null = null;
  private msSum = 0;
  private msCount = 0;
  /** Time spent on this thread taking frames in (frame()) and in flush() (building records and issuing writes), for the benchmark. */
  frameMs = 0;
  flushMs = 0;
  /** Transactions committed. */
  writes = 0;
  /** Each write that carried a checkpoint: its size, the worker's ms to make it, main-thread ms (all, and the put's part), ms to commit. */
  readonly checkpointWrites: { step: number; bytes: number; workerMs: number; at: number; syncMs: number; putMs: number; totalMs: number }[] = [];
  readonly record: RunRecord;

  /**
   * `seq`: the next chunk number (a resumed run appends after its kept chunks). `lock`: the run's
   * (live-lock.ts), held from before the first write until the end, so no page sees the run marked
   * running without a holder.
   */
  constructor(private readonly db: Promise<IDBPDatabase<RunDB>>, record: RunRecord, private readonly hooks: RecorderHooks, private readonly now = () => Date.now(), seq = 0,
    private readonly lock: RunLock = { held: Promise.resolve(), release: () => undefined }) {
    this.record = record;
    this.seq = seq;
    this.writing = lock.held;
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    void this.flush(); // the record exists from the start: a run cut off in its first second is listed
  }

  get id(): string {
    return this.record.id;
  }

  frame(f: FrameEvent): void {
    const t0 = performance.now();
    this.frames.push({
      step: f.step, elapsedMs: f.elapsedMs, steps: f.steps.slice(), loss: f.loss.slice(), lr: f.lr.slice(), tau: f.tau.slice(),
      stepMs: f.stepMs.slice(), updates: f.updates, globalDensity: f.snapshot.globalDensity,
      globalFiredDensity: Object.keys(f.snapshot.firedDensity).length ? f.snapshot.globalFiredDensity : NaN, flops: flopsOf(f.flops),
    });
    for (const ms of f.stepMs) { this.msSum += ms; this.msCount++; }
    const r = this.record;
    r.step = f.step;
    r.totalSteps = f.totalSteps;
    r.elapsedMs = f.elapsedMs;
    if (f.loss.length && Number.isFinite(f.loss[f.loss.length - 1])) r.lastLoss = f.loss[f.loss.length - 1];
    r.flops = flopsOf(f.flops);
    r.finalFlops = f.flops;
    r.msPerStep = this.msCount ? this.msSum / this.msCount : NaN;
    this.pendingSteps += f.steps.length;
    // Snapshots are the big part; keep the newest, write it when one is due.
    this.snapshot = f.snapshot;
    if (this.pendingSteps >= FLUSH_STEPS) void this.flush();
    this.frameMs += performance.now() - t0;
  }

  started(e: StartedEvent): void {
    this.record.meta = { paramsCount: e.paramsCount, trainCount: e.trainCount, testCount: e.testCount, classNames: e.classNames, dataNotes: e.dataNotes, setupMs: e.setupMs };
    this.record.paramsCount = e.paramsCount;
    this.samples = e.samples;
  }

  evaluation(e: EvalEvent): void {
    this.evals.push({ step: e.result.step, accuracy: e.result.accuracy, loss: e.result.loss, count: e.result.count, reason: e.reason, elapsedMs: e.elapsedMs });
    this.record.accuracy = e.result.accuracy;
    this.record.testLoss = e.result.loss;
    this.record.confusion = { numClasses: e.result.numClasses, counts: e.result.confusion.slice() };
    if (this.record.status !== 'running') void this.flush(true); // an evaluation after the end
  }

  /** Written at once, with the frames before it (the worker posts those first). */
  checkpoint(e: CheckpointEvent): void {
    this.checkpointDue = e;
    void this.flush();
  }

  /** The run ended: write the rest (with its last snapshot) and stop the timer. */
  async end(status: Exclude<SavedStatus, 'running'>): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.record.status = status;
    this.record.endedAt = this.now();
    await this.flush(true);
    this.lock.release();
  }

  /** Writes whatever is pending (serialised: one write at a time, in order). */
  flush(final = false): Promise<void> {
    this.writing = this.writing.then(() => this.write(final));
    return this.writing;
  }

  private async write(final: boolean): Promise<void> {
    const db = await this.db;
    const t0 = performance.now();
    const frames = this.frames, evals = this.evals;
    const now = this.now();
    const snapshot = this.snapshot && (final || now - this.lastSnapshotAt >= SNAPSHOT_MS) ? this.snapshot : null;
    const due = this.checkpointDue;
    const checkpoint: CheckpointRecord | null = due ? { runId: this.id, step: due.step, blob: due.blob as Blob, savedAt: now } : null;
    if (checkpoint) this.record.checkpointStep = checkpoint.step;
    this.frames = [];
    this.evals = [];
    this.pendingSteps = 0;
    const samples = this.seq === 0 ? this.samples : null;
    const chunk: ChunkRecord | null = frames.length || evals.length ? { runId: this.id, seq: this.seq, frames, evals, ...(samples ? { samples } : {}) } : null;
    let bytes = 0;
    for (const f of frames) bytes += 5 * f.loss.byteLength + 200 + f.updates.length * 120;
    bytes += evals.length * 80 + (chunk && samples ? samples.images.byteLength : 0);
    if (snapshot) bytes += snapshotBytes(snapshot);
    // The checkpoint replaces the previous one: the record counts only the latest.
    const checkpointBytes = checkpoint ? checkpoint.blob.size - (this.storedCheckpointBytes ?? 0) : 0;
    bytes += checkpointBytes;
    this.record.updatedAt = now;
    const record = { ...this.record, bytes: this.record.bytes + bytes };
    let pending: Promise<unknown> = Promise.resolve();
    try {
      if (simulated.fullQuota) throw new DOMException('The quota has been exceeded (simulated).', 'QuotaExceededError');
      const tx = db.transaction(['runs', 'chunks', 'snapshots', 'checkpoints'], 'readwrite');
      const puts: Promise<unknown>[] = [tx.objectStore('runs').put(record)];
      if (chunk) puts.push(tx.objectStore('chunks').put(chunk));
      if (snapshot) puts.push(tx.objectStore('snapshots').put({ runId: this.id, step: snapshot.step, snapshot }));
      const tPut = performance.now();
      if (checkpoint) puts.push(tx.objectStore('checkpoints').put(checkpoint));
      const putMs = performance.now() - tPut;
      const syncMs = performance.now() - t0;
      this.flushMs += syncMs;
      pending = Promise.all([...puts, tx.done]);
      await pending;
      this.writes++;
      if (checkpoint && due) {
        this.checkpointWrites.push({ step: checkpoint.step, bytes: checkpoint.blob.size, workerMs: due.ms, at: t0, syncMs, putMs, totalMs: performance.now() - t0 });
        this.storedCheckpointBytes = checkpoint.blob.size;
        if (this.checkpointDue === due) this.checkpointDue = null;
      }
      if (chunk) this.seq++;
      if (snapshot) {
        this.lastSnapshotAt = now;
        if (this.snapshot === snapshot) this.snapshot = null;
      }
      this.record.bytes = record.bytes;
      this.hooks.onWrite(null);
    } catch (err) {
      void pending.catch(() => undefined); // the other requests of the aborted transaction fail too
      // Nothing is lost: put the unwritten frames back in front of the newer ones.
      this.frames = [...frames, ...this.frames];
      this.evals = [...evals, ...this.evals];
      this.pendingSteps += frames.reduce((n, f) => n + f.steps.length, 0);
      this.hooks.onWrite(err);
    }
  }

  /** Training milliseconds of the steps seen so far (the yardstick for flushMs). */
  get trainMs(): number {
    return this.msSum;
  }

  /** Frames not yet written (still in memory). */
  get unsavedFrames(): number {
    return this.frames.length;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lock.release();
  }
}
