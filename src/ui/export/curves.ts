// The run's curves as files: CSV with one row per step (per-step scalars, and the evaluation and
// frame values on the steps they were taken) and JSON with every series under its own name.
import type { ExperimentConfig } from '../../engine/config';
import { EVAL, PER_FRAME, SCALAR, type RunData } from '../frames/run-data';
import type { Series } from '../frames/series';

const STEP_COLUMNS = { loss: SCALAR.loss, lr: SCALAR.lr, tau: SCALAR.tau } as const;
const EVAL_COLUMNS = { test_accuracy: EVAL.accuracy, test_loss: EVAL.loss } as const;
const FRAME_COLUMNS = {
  density: PER_FRAME.density, fired_density: PER_FRAME.fired,
  theoretical_flops: PER_FRAME.theoretical, executed_flops: PER_FRAME.executed, dense_flops: PER_FRAME.dense,
} as const;

type Curves = Pick<RunData, 'scalars' | 'evals' | 'perFrame'>;

/** step → row index of the last row at that step. */
function rowsByStep(s: Series): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < s.length; i++) m.set(s.x[i], i);
  return m;
}

/** Empty for NaN (no value at that step), else the shortest exact text. */
const cell = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : String(v));

export function curvesCsv(d: Curves): string {
  const evals = rowsByStep(d.evals), frames = rowsByStep(d.perFrame);
  const head = ['step', ...Object.keys(STEP_COLUMNS), ...Object.keys(EVAL_COLUMNS), ...Object.keys(FRAME_COLUMNS)];
  const lines = [head.join(',')];
  for (let i = 0; i < d.scalars.length; i++) {
    const step = d.scalars.x[i];
    const e = evals.get(step), f = frames.get(step);
    lines.push([
      String(step),
      ...Object.values(STEP_COLUMNS).map((c) => cell(d.scalars.cols[c][i])),
      ...Object.values(EVAL_COLUMNS).map((c) => cell(e === undefined ? undefined : d.evals.cols[c][e])),
      ...Object.values(FRAME_COLUMNS).map((c) => cell(f === undefined ? undefined : d.perFrame.cols[c][f])),
    ].join(','));
  }
  return lines.join('\n') + '\n';
}

const columns = (s: Series, names: Record<string, number>): Record<string, (number | null)[]> => {
  const out: Record<string, (number | null)[]> = { step: Array.from(s.x.subarray(0, s.length)) };
  for (const [name, c] of Object.entries(names))
    out[name] = Array.from(s.cols[c].subarray(0, s.length), (v) => (Number.isFinite(v) ? v : null));
  return out;
};

export function curvesJson(d: Curves, config: ExperimentConfig | null): string {
  return JSON.stringify({
    config,
    steps: columns(d.scalars, STEP_COLUMNS),
    evals: columns(d.evals, EVAL_COLUMNS),
    frames: columns(d.perFrame, FRAME_COLUMNS),
  });
}
