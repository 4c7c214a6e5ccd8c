// The studio's one connection to the training worker. It owns the Worker and the TrainingClient
// (the one place that posts messages), routes events into the store (low frequency) and into
// run-data (streamed, outside React), and offers the run actions the buttons and keys call.
import type { ExperimentConfig } from '../../engine/config';
import { TrainingClient } from '../../protocol/client';
import type { BackendName, DataFile, TriedEvent, TryInput, WorkerEvent } from '../../protocol/messages';
import type { Layout } from '../../engine/io/checkpoint';
import { parseCalibrationCache, rememberCalibration, type Calibration, type CalibrationRequest } from '../../protocol/calibration';
import { setLinkBackend } from '../url/url-sync';
import { paperScaleReason } from '../config/relevance';
import { runData } from '../frames/run-data';
import { later } from '../frames/scheduler';
import { isLive, studio } from '../store';
import { dataSourceFor, importedFor } from './imported';
import { isMissingDataMessage, markNotServed, missingDataReason } from './served';
import { openRun, recordCheckpoint, recordEnd, recordEval, recordFrame, recordStart, recordStarted, resumeRecording } from '../runs/runs';
import { useRuns } from '../runs/store';
import { setSweepStarter } from '../runs/sweep';
import { validateConfig } from '../../engine/config';

const STALL_MS = 90_000;
const STALL_MESSAGE = 'No word from the training worker for 90 s while training. The GPU may be stuck or the tab starved of resources: Stop, or reload the page (the link keeps your settings).';

let client: TrainingClient | null = null;
let requestedBackend: BackendName | undefined;
/** A `run=1` link starts once the worker is there. */
let autostart = false;
/** The last finite loss of the run (frames without steps keep showing it). */
let latestLoss = NaN;
/** Bumped by every `state` event: a frame's state is stale once a state event came after it. */
let stateSeq = 0;
/** When the current run last said anything: the stall watchdog reads it. */
let lastWordAt = 0;

export function configureSession(opts: { backend?: BackendName; autostart?: boolean }): void {
  requestedBackend = opts.backend;
  autostart = Boolean(opts.autostart);
}

/** Creates the worker (call from an effect; the returned cleanup terminates it: StrictMode-safe). */
export function connect(): () => void {
  const worker = new Worker(new URL('../../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
  const c = new TrainingClient(worker);
  client = c;
  const off = c.on(onEvent);
  // The backend report may belong to a run that is already superseded (init, then an immediate
  // start): it is still the truth about the worker.
  const offReady = c.on((e) => {
    if (e.type !== 'ready') return;
    studio.getState().setBackend(e.info);
    const cal = e.info.calibration;
    if (cal && !cal.fromCache) saveCalibration(cal);
  }, { stale: true });
  initBackend(c);
  const watchdog = setInterval(checkStall, 5000);
  // Leaving while a run trains asks first (the run is saved up to the last second either way).
  const onLeave = (ev: BeforeUnloadEvent): void => {
    const status = studio.getState().status;
    if (!isLive(status)) return;
    ev.preventDefault();
    ev.returnValue = '';
  };
  window.addEventListener('beforeunload', onLeave);
  const timer = autostart ? setTimeout(() => {
    autostart = false;
    if (start()) return;
    // Never a silent no-op: say why the link's run=1 did not start anything.
    const s = studio.getState();
    s.pushNotice({ tone: 'warn', title: 'The link asks to start training at once (run=1), but this experiment cannot start', lines: [startBlocker(s.config, s.issues.length) ?? 'The training worker is not available.'] });
  }, 0) : undefined;
  return () => {
    clearTimeout(timer);
    clearInterval(watchdog);
    window.removeEventListener('beforeunload', onLeave);
    off();
    offReady();
    worker.terminate();
    if (client === c) client = null;
  };
}

/** (Re)chooses the backend: the forced one, else the fastest measured for the edited config. */
function initBackend(c: TrainingClient, remeasure = false): void {
  studio.setState({ backendPending: true });
  c.init(requestedBackend, calibrationFor(studio.getState().config, remeasure)).then(
    (info) => studio.getState().setBackend(info),
    (err: unknown) => {
      studio.getState().setBackend(null);
      studio.getState().pushError({ message: `No training backend: ${err instanceof Error ? err.message : String(err)}`, fatal: true, deviceLost: false, data: false });
    },
  );
}

/** The backend picker: a backend by name (kept in the link as `backend=`), or undefined for the measured choice. */
export function pickBackend(backend: BackendName | undefined): void {
  requestedBackend = backend;
  setLinkBackend(backend);
  if (client) initBackend(client);
}

/** Measure the backends again for the edited config (automatic choice only). */
export function remeasureBackends(): void {
  if (client && !requestedBackend) initBackend(client, true);
}

export function backendChoice(): BackendName | undefined {
  return requestedBackend;
}

// The measured choice is remembered per adapter and shapes in this browser (see protocol/calibration.ts).
const CALIBRATION_STORAGE = 'sparse-vit-studio.backend-calibration.v1';

function calibrationFor(config: ExperimentConfig, remeasure = false): CalibrationRequest | undefined {
  // Forced backends are not measured, nor configs too big to train here (their first step alone is long).
  if (requestedBackend || paperScaleReason(config)) return undefined;
  return { config, cached: loadCalibrations(), ...(remeasure ? { remeasure } : {}) };
}

function loadCalibrations(): Calibration[] {
  try {
    return parseCalibrationCache(localStorage.getItem(CALIBRATION_STORAGE));
  } catch {
    return []; // storage disabled: measure every time
  }
}

function saveCalibration(cal: Calibration): void {
  try {
    localStorage.setItem(CALIBRATION_STORAGE, JSON.stringify(rememberCalibration(loadCalibrations(), cal)));
  } catch {
    // storage full or disabled: the next visit measures again
  }
}

/** Never a silent stall: a run that stops talking gets a visible warning (gone once it talks again). */
function checkStall(): void {
  const s = studio.getState();
  const live = s.status === 'running' || s.status === 'starting';
  const flagged = s.errors.find((e) => e.message === STALL_MESSAGE);
  if (live && !flagged && performance.now() - lastWordAt > STALL_MS)
    s.pushError({ message: STALL_MESSAGE, fatal: false, deviceLost: false, data: false });
  if (flagged && (!live || performance.now() - lastWordAt < STALL_MS)) s.dismissError(flagged.id);
}

function onEvent(e: WorkerEvent): void {
  lastWordAt = performance.now();
  const s = studio.getState();
  switch (e.type) {
    case 'ready':
    case 'exported':
    case 'tried':
      return; // handled for every run (see connect) / by the caller of exportModel, tryImage
    case 'started':
      recordStarted(e, s.backend);
      runData.setSamples(e.samples);
      later('meta', () => studio.getState().setMeta({
        paramsCount: e.paramsCount, trainCount: e.trainCount, testCount: e.testCount,
        classNames: e.classNames, dataNotes: e.dataNotes, setupMs: e.setupMs,
      }));
      return;
    case 'frame': {
      recordFrame(e);
      runData.ingest(e);
      const lastLoss = e.loss.length ? e.loss[e.loss.length - 1] : NaN;
      if (Number.isFinite(lastLoss)) latestLoss = lastLoss;
      const loss = latestLoss;
      const seq = stateSeq;
      // Counters re-render at most once per animation frame, outside this message's task; a state
      // event that came in meanwhile is newer than this frame's state.
      later('progress', () => studio.getState().setProgress({
        step: e.step, totalSteps: e.totalSteps, stepsPerSec: e.stepsPerSec, imagesPerSec: e.imagesPerSec,
        etaMs: e.etaMs, elapsedMs: e.elapsedMs, lastLoss: loss,
      }, seq === stateSeq ? e.state : undefined));
      return;
    }
    case 'checkpoint':
      recordCheckpoint(e);
      return;
    case 'eval':
      recordEval(e);
      runData.addEval(e);
      later('eval', () => studio.getState().setEval({ step: e.result.step, accuracy: e.result.accuracy, loss: e.result.loss, count: e.result.count, reason: e.reason }));
      return;
    case 'state':
      stateSeq++;
      s.setStatus(e.state, e.step);
      if (e.state === 'finished' || e.state === 'stopped') void recordEnd(e.state);
      return;
    case 'error': {
      // Failures to assemble the data set (missing or corrupt files) get the data help beside them.
      const data = e.command === 'start' && !/backend|WebGPU/i.test(e.message);
      s.pushError({ message: e.message, fatal: e.fatal, deviceLost: Boolean(e.deviceLost), data, command: e.command });
      const dataset = s.runConfig?.dataset;
      if (data && dataset && !importedFor(dataset) && isMissingDataMessage(e.message)) markNotServed(dataset);
      if (e.fatal && (s.status === 'starting' || s.status === 'running' || s.status === 'evaluating')) s.setStatus('stopped');
      if (e.fatal) void recordEnd('failed');
      return;
    }
  }
}

/** Why Start is not possible now, or null. */
export function startBlocker(config: ExperimentConfig, issues: number): string | null {
  if (issues > 0) return `Fix ${issues === 1 ? 'the setting' : `the ${issues} settings`} marked in red first.`;
  return paperScaleReason(config) ?? missingDataReason(config.dataset, importedFor(config.dataset) !== null);
}

/** A fresh run of the edited config (supersedes any current run). */
export function start(opts: { paused?: boolean; model?: DataFile } = {}): boolean {
  const s = studio.getState();
  if (startBlocker(s.config, s.issues.length)) return false;
  // The store's configs are immutable: the run shares the edited object, so panels that show the
  // active config do not re-render at Start. The store's runConfig is its one home on this side.
  return startConfig(s.config, opts) !== null;
}

/** A fresh run of `config` (a sweep's queued runs come here); the id of its saved record, or null. */
function startConfig(config: ExperimentConfig, opts: { paused?: boolean; sweepId?: string; model?: DataFile } = {}): string | null {
  const s = studio.getState();
  if (!client) return null;
  void recordEnd('stopped'); // a run this one supersedes is kept, as far as it got
  s.beginRun(config);
  const id = recordStart(config, s.backend, opts.sweepId ? { sweepId: opts.sweepId } : {});
  client.start(config, dataSourceFor(config.dataset), { frameHz: 4, startPaused: Boolean(opts.paused) }, requestedBackend, calibrationFor(config), opts.model);
  runData.reset();
  latestLoss = NaN;
  lastWordAt = performance.now();
  return id;
}

setSweepStarter((config, sweepId) => (startBlocker(config, validateConfig(config).length) ? null : startConfig(config, { sweepId })), (id) => resumeSaved(id));

export function pause(): void {
  client?.pause();
}

export function resume(): void {
  client?.resume();
}

/** One step while paused; from idle, a new run that starts paused and takes one step. */
export function step(): void {
  const status = studio.getState().status;
  if (status === 'paused') client?.step();
  else if (status === 'idle' || status === 'stopped' || status === 'finished') {
    if (start({ paused: true })) client?.step();
  }
}

export function stop(): void {
  client?.stop();
}

export function evaluate(): void {
  client?.evaluate();
}

/** On the whole test split, as `cli eval` does (an imported model). */
export function evaluateWholeTestSet(): void {
  client?.evaluate(0);
}

/** The run's model file, as `cli export` writes it (read between steps). */
export function exportModel(layout: Layout): Promise<Uint8Array> {
  return client ? client.exportModel(layout) : Promise.reject(new Error('the training worker is not running'));
}

/** One image through the run's model at evaluation (read between steps). */
export function tryImage(input: TryInput): Promise<TriedEvent> {
  return client ? client.tryImage(input) : Promise.reject(new Error('the training worker is not running'));
}

/** Stops the run and clears everything it drew; the config stays. */
export function reset(): void {
  const s = studio.getState();
  if (client && s.status !== 'idle') {
    client.stop();
    client.gate.next(); // its remaining events are stale from now on
  }
  // The run stays in the history (Runs panel): Reset only clears the screen.
  void recordEnd('stopped');
  useRuns.setState({ viewingId: null });
  runData.reset();
  s.resetRun();
}

/** Shows a saved run read-only in the panels (not while a run trains: that one would draw over it). */
export async function openSaved(id: string): Promise<boolean> {
  const status = studio.getState().status;
  if (isLive(status)) return false;
  if (client && status !== 'idle') client.gate.next(); // late events of the run on screen are stale now
  latestLoss = NaN;
  return openRun(id);
}

/** A Resume or Continue is reading its checkpoint. */
let resuming = false;

/**
 * Resume: an interrupted (or stopped) saved run goes on in the worker from its stored checkpoint;
 * the panels show its history up to there and continue. With `more`, Continue: a finished run goes
 * on for that many steps past its end (schedules held at their final values: Trainer.continueBy).
 * False when it cannot (busy, no checkpoint).
 */
export async function resumeSaved(id: string, more?: number): Promise<boolean> {
  const busy = (): boolean => isLive(studio.getState().status);
  if (!client || busy() || resuming) return false;
  resuming = true; // a second click while the checkpoint is read must not start the run twice
  try {
    return await resumeFrom(id, more, busy);
  } finally {
    resuming = false;
  }
}

async function resumeFrom(id: string, more: number | undefined, busy: () => boolean): Promise<boolean> {
  const resumed = await resumeRecording(id);
  if (!resumed || !client || busy()) return false;
  const { record, checkpoint } = resumed;
  if (more) record.totalSteps = record.step + more; // the recorder's record: written at its next flush
  const s = studio.getState();
  s.beginRun(record.config);
  if (record.meta) s.setMeta(record.meta);
  client.start(record.config, dataSourceFor(record.config.dataset), { frameHz: 4, elapsedMs: record.elapsedMs, ...(more ? { continueBy: more } : {}) }, requestedBackend, calibrationFor(record.config), undefined,
    { name: `the checkpoint of "${record.name}" (step ${record.checkpointStep})`, bytes: checkpoint });
  latestLoss = record.lastLoss;
  lastWordAt = performance.now();
  return true;
}

/** Space: start, pause or resume, whatever fits the state. */
export function toggle(): void {
  const status = studio.getState().status;
  if (status === 'running' || status === 'starting') pause();
  else if (status === 'paused') resume();
  else if (status !== 'evaluating') start(); // the final evaluation: nothing to pause, nothing to start yet
}

// For e2e tests and debugging: the losses the UI received (WebGPU is not bit-exact: compare loosely).
(globalThis as unknown as { __studioUi: unknown }).__studioUi = {
  losses: () => runData.losses(),
  status: () => studio.getState().status,
  step: () => studio.getState().progress.step,
  elapsedMs: () => studio.getState().progress.elapsedMs,
};
