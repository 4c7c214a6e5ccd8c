// The link to a finished run's results: the config's link plus `#r=` with its summary.
import { RESULTS_KEY, encodeResults } from './codec';
import { summarize } from './summary';
import { runData } from '../frames/run-data';
import { studio } from '../store';
import { linkFor } from '../url/url-sync';

/** null when there are no finished results to share (no run, not finished, no final evaluation). */
export function resultsLink(): string | null {
  const s = studio.getState();
  const frame = runData.latest;
  if (s.status !== 'finished' || !s.runConfig || !frame || !s.lastEval) return null;
  const summary = summarize({
    config: s.runConfig, step: s.progress.step,
    test: { accuracy: s.lastEval.accuracy, loss: s.lastEval.loss, count: s.lastEval.count },
    scalars: runData.scalars, evals: runData.evals, perFrame: runData.perFrame,
    snapshot: frame.snapshot, flops: frame.flops,
    backend: s.backend?.backend ?? 'unknown', elapsedMs: s.progress.elapsedMs,
  });
  return `${linkFor(s.runConfig)}#${RESULTS_KEY}=${encodeResults(summary)}`;
}
