// A finished run's results summary, built from what the studio holds: the run's streamed series
// (downsampled), its last frame (density map, live units, FLOPs) and its final evaluation.
import { encodeConfig } from '../../engine/config-url';
import type { ExperimentConfig } from '../../engine/config';
import type { FlopsReport } from '../../engine/flops';
import type { SparsitySnapshot } from '../../engine/snapshot';
import type { Series } from '../frames/series';
import { EVAL, PER_FRAME, SCALAR } from '../frames/run-data';
import { RESULTS_VERSION, downsample, neuronField, packBits, round, type ResultsSummary } from './codec';
import { mlpHidden } from '../../engine/facts';

export interface RunResults {
  config: ExperimentConfig;
  step: number;
  test: { accuracy: number | null; loss: number; count: number };
  scalars: Series;
  evals: Series;
  perFrame: Series;
  snapshot: Pick<SparsitySnapshot, 'density' | 'globalDensity' | 'headsAlive' | 'neuronsAlive'>;
  flops: Pick<FlopsReport, 'dense' | 'theoretical' | 'executed' | 'byComponent'>;
  backend: string;
  elapsedMs: number;
}

const rows = (s: Series, ...cols: number[]): number[][] =>
  Array.from({ length: s.length }, (_, i) => [s.x[i], ...cols.map((c) => round(s.cols[c][i]))]);

export function summarize(r: RunResults): ResultsSummary {
  const f = r.flops;
  return {
    v: RESULTS_VERSION,
    config: encodeConfig(r.config),
    step: r.step,
    test: { accuracy: r.test.accuracy, loss: round(r.test.loss), images: r.test.count },
    loss: downsample(rows(r.scalars, SCALAR.loss).filter((x) => Number.isFinite(x[1]))) as [number, number][],
    evals: downsample(rows(r.evals, EVAL.accuracy, EVAL.loss).map(([s, a, l]) => [s, Number.isFinite(a) ? a : null, l])) as [number, number | null, number][],
    density: downsample(rows(r.perFrame, PER_FRAME.density)) as [number, number][],
    layers: Object.fromEntries(Object.entries(r.snapshot.density).map(([k, v]) => [k, round(v)])),
    globalDensity: round(r.snapshot.globalDensity),
    heads: r.snapshot.headsAlive ? packBits(r.snapshot.headsAlive) : null,
    ...neuronField(r.snapshot.neuronsAlive, r.config.depth, mlpHidden(r.config)),
    flops: {
      dense: f.dense, theoretical: f.theoretical, executed: f.executed,
      byComponent: Object.fromEntries(Object.entries(f.byComponent).map(([k, t]) => [k, { dense: t.dense, theoretical: t.theoretical, executed: t.executed }])),
    },
    backend: r.backend,
    elapsedMs: Math.round(r.elapsedMs),
  };
}
