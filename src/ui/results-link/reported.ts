// Results opened from a link (`#r=…`): shown at once, read-only, marked as reported. The streamed
// panels draw them as they draw a run: the summary becomes the run's series and its last frame.
import { create } from 'zustand';
import type { ExperimentConfig } from '../../engine/config';
import { COMPONENTS, flopsForConfig, type FlopsReport } from '../../engine/flops';
import type { FrameEvent } from '../../protocol/messages';
import { runData } from '../frames/run-data';
import { studio } from '../store';
import { RESULTS_KEY, ResultsLinkError, decodeResults, type DecodedResults, type ResultsSummary } from './codec';

interface ReportedState {
  /** The results on screen came from a link, not from training here. */
  reported: DecodedResults | null;
  /** "Re-run to verify" was pressed: the run on screen trains the reported config. */
  verifying: boolean;
}

export const useReported = create<ReportedState>()(() => ({ reported: null, verifying: false }));

/** The value of `r=` in a fragment, or null when the fragment holds no results. */
export function resultsFragment(hash: string): string | null {
  const m = /^#?(?:.*&)?r=([^&]*)/.exec(hash);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    throw new ResultsLinkError('it holds a broken %-escape');
  }
}

function flopsOf(s: ResultsSummary, config: ExperimentConfig): FlopsReport {
  const f = s.flops;
  const base = flopsForConfig(config); // the parameter counts and token count of the config
  const byComponent = Object.fromEntries(COMPONENTS.map((k) => [k, f.byComponent[k]]));
  return {
    ...base, dense: f.dense, theoretical: f.theoretical, executed: f.executed, byComponent, components: [],
    savedTheoretical: 1 - f.theoretical / f.dense, savedExecuted: 1 - f.executed / f.dense,
  };
}

/** Puts decoded results on screen as a finished run of their config. */
export function showReported(d: DecodedResults): void {
  const { summary: s, config } = d;
  const st = studio.getState();
  st.setConfig(config);
  st.beginRun(config);
  runData.reset();
  const density = s.density.slice(0, -1);
  for (const [step, v] of density) runData.perFrame.push(step, v, NaN, NaN, NaN, NaN, NaN);
  const n = s.loss.length;
  const frame: FrameEvent = {
    type: 'frame', runId: 0, seq: 0, state: 'finished', step: s.step, totalSteps: config.steps,
    steps: Int32Array.from(s.loss, (r) => r[0]), loss: Float32Array.from(s.loss, (r) => r[1]),
    lr: new Float32Array(n).fill(NaN), tau: new Float32Array(n).fill(NaN), stepMs: new Float32Array(n), updates: [],
    snapshot: {
      step: s.step, masks: [], density: s.layers, firedDensity: {}, globalDensity: s.globalDensity, globalFiredDensity: NaN,
      headsAlive: d.headsAlive, headScores: null, neuronsAlive: d.neuronsAlive, keptTokens: null, keptPerSample: 0,
    },
    flops: flopsOf(s, config), stepsPerSec: NaN, imagesPerSec: NaN, etaMs: NaN, elapsedMs: s.elapsedMs, numTensors: 0,
  };
  runData.ingest(frame);
  const k = config.numClasses;
  for (const [step, accuracy, loss] of s.evals)
    runData.addEval({ type: 'eval', runId: 0, reason: 'periodic', elapsedMs: 0, result: { step, accuracy, loss, count: 0, confusion: new Int32Array(k * k), numClasses: k } });
  st.setProgress({ step: s.step, totalSteps: config.steps, elapsedMs: s.elapsedMs, lastLoss: s.loss.at(-1)?.[1] ?? NaN }, 'finished');
  st.setEval({ step: s.step, accuracy: s.test.accuracy, loss: s.test.loss, count: s.test.images, reason: 'final' });
  useReported.setState({ reported: d, verifying: false });
  // From now on, any new run (Re-run to verify, Restart) trains the reported config to compare.
  const off = studio.subscribe((now, prev) => {
    if (now.status !== 'starting' || prev.status === 'starting') return;
    if (now.runConfig === config) useReported.setState({ verifying: true });
    else {
      useReported.setState({ reported: null, verifying: false }); // another experiment: the report no longer applies
      off();
    }
  });
}

/** Reads `#r=` at start-up: results on screen, or a notice saying why not (the query's config still loads). */
export function openResultsLink(hash = location.hash): void {
  if (!/^#?(?:.*&)?r=/.test(hash)) return;
  try {
    const value = resultsFragment(hash);
    if (value !== null) showReported(decodeResults(value));
  } catch (e) {
    const why = e instanceof ResultsLinkError ? e.message : String(e);
    studio.getState().pushNotice({
      tone: 'warn', title: 'The results in this link could not be read',
      lines: [`Its #${RESULTS_KEY}= part cannot be read: ${why}.`, "The experiment's settings (the rest of the link) are loaded: press Start to train it."],
    });
  }
}
