// A thin typed client over the training worker: posts commands (transferring file buffers), hands
// out events of the current run only, and awaits `ready`. Structural types, so it compiles without
// DOM types and works with a real Worker, a MessagePort or a test double.
import type { BackendInfo, BackendName, Command, DataFile, DataSource, ExportedEvent, RunOptions, TriedEvent, TryInput, WorkerEvent } from './messages';
import type { Layout } from '../engine/io/checkpoint';
import type { CalibrationRequest } from './calibration';
import { commandTransfers } from './messages';
import { RunGate } from './run-gate';
import type { ExperimentConfig } from '../engine/config';

export interface WorkerLike {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** A Worker fires this when its script fails to load or throws outside our handlers. */
  addEventListener(type: 'error', listener: (event: { message?: string; preventDefault?(): void }) => void): void;
}

export type EventListener = (event: WorkerEvent) => void;

export class TrainingClient {
  readonly gate: RunGate;
  /** Set once the worker itself has failed (script not loaded, crashed): it will not answer. */
  private brokenBecause: string | null = null;
  private readonly listeners = new Set<{ fn: EventListener; stale: boolean }>();
  private exportRequests = 0;
  private tryRequests = 0;

  constructor(private readonly worker: WorkerLike, gate = new RunGate()) {
    this.gate = gate;
    worker.addEventListener('message', (e) => this.dispatch(e.data as WorkerEvent));
    // Without this a worker that fails to load would leave the UI waiting forever.
    worker.addEventListener('error', (e) => {
      e.preventDefault?.();
      this.brokenBecause = `The training worker failed: ${e.message || 'its script could not be loaded or crashed'}`;
      this.dispatch({ type: 'error', runId: this.gate.runId, fatal: true, message: this.brokenBecause });
    });
  }

  /** Listen to events of the current run (or of every run with `{ stale: true }`). Returns unsubscribe. */
  on(fn: EventListener, opts: { stale?: boolean } = {}): () => void {
    const entry = { fn, stale: opts.stale ?? false };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  send(cmd: Command): void {
    this.worker.postMessage(cmd, commandTransfers(cmd));
  }

  /** Picks the backend (forced, else measured when shapes are given); resolves with what the worker really got. */
  init(backend?: BackendName, calibrate?: CalibrationRequest): Promise<BackendInfo> {
    if (this.brokenBecause) return Promise.reject(new Error(this.brokenBecause));
    const runId = this.gate.runId;
    const ready = this.waitFor((e) => e.type === 'ready' || (e.type === 'error' && (e.command === 'init' || (e.fatal && !e.command))));
    this.send({ type: 'init', runId, ...(backend ? { backend } : {}), ...(calibrate ? { calibrate } : {}) });
    return ready.then((e) => {
      if (e.type === 'ready') return e.info;
      throw new Error(e.type === 'error' ? e.message : 'init failed');
    });
  }

  /** Starts a new run (stale events of earlier runs are dropped from now on); returns its runId. */
  start(config: ExperimentConfig, data: DataSource, options?: RunOptions, backend?: BackendName, calibrate?: CalibrationRequest, model?: DataFile, resumeFrom?: DataFile): number {
    const runId = this.gate.next();
    // A dead worker never answers: the new run fails at once, saying why, instead of waiting forever.
    if (this.brokenBecause) {
      this.dispatch({ type: 'error', runId, fatal: true, message: this.brokenBecause });
      return runId;
    }
    this.send({ type: 'start', runId, config, data, ...(options ? { options } : {}), ...(backend ? { backend } : {}), ...(calibrate ? { calibrate } : {}), ...(model ? { model } : {}), ...(resumeFrom ? { resumeFrom } : {}) });
    return runId;
  }

  pause(): void { this.send({ type: 'pause', runId: this.gate.runId }); }
  resume(): void { this.send({ type: 'resume', runId: this.gate.runId }); }
  step(): void { this.send({ type: 'step', runId: this.gate.runId }); }
  stop(): void { this.send({ type: 'stop', runId: this.gate.runId }); }
  evaluate(limit?: number): void {
    this.send({ type: 'evaluate', runId: this.gate.runId, ...(limit !== undefined ? { limit } : {}) });
  }

  /** The current run's model file (safetensors bytes, as `cli export` writes them). */
  exportModel(layout: Layout): Promise<Uint8Array> {
    const requestId = ++this.exportRequests;
    const answer = this.waitFor((e) => (e.type === 'exported' && e.requestId === requestId) || (e.type === 'error' && (e.command === 'export' || e.fatal)));
    this.send({ type: 'export', runId: this.gate.runId, requestId, layout });
    return answer.then((e) => {
      if (e.type === 'exported') return (e as ExportedEvent).bytes;
      throw new Error(e.type === 'error' ? e.message : 'export failed');
    });
  }

  /** One image through the current run's model at evaluation (read between steps). */
  tryImage(input: TryInput): Promise<TriedEvent> {
    const requestId = ++this.tryRequests;
    const answer = this.waitFor((e) => (e.type === 'tried' && e.requestId === requestId) || (e.type === 'error' && (e.command === 'try' || e.fatal)));
    this.send({ type: 'try', runId: this.gate.runId, requestId, input });
    return answer.then((e) => {
      if (e.type === 'tried') return e as TriedEvent;
      throw new Error(e.type === 'error' ? e.message : 'try failed');
    });
  }

  /** The next event of the current run that matches. */
  waitFor<E extends WorkerEvent = WorkerEvent>(match: (e: WorkerEvent) => boolean): Promise<E> {
    return new Promise((resolve) => {
      const off = this.on((e) => {
        if (!match(e)) return;
        off();
        resolve(e as E);
      });
    });
  }

  private dispatch(event: WorkerEvent): void {
    const current = this.gate.accepts(event);
    for (const l of [...this.listeners]) if (current || l.stale) l.fn(event);
  }
}
