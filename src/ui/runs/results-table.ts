// The numbers beside S²ViTE and SViTE+: the Paper table's rows (mean ± std over a sweep's finished
// runs, with each method's gap to its baseline row) and, for the panels, the gap between the active
// experiment and its baseline (engine/facts' baselineOf) over every finished run in the history.
import type { ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { baselineOf, baselineRowName, type Baseline } from '../../engine/facts/paper-rows';
import { mean, std } from '../../engine/stats';
import type { RunRecord, SweepRecord } from './db';

export interface SweepRow {
  label: string;
  done: number;
  total: number;
  mean: number;
  std: number;
  saved: number;
  /** The row's baseline in this sweep (S²ViTE: frozen topology; SViTE+: fixed centre tokens) and
   *  the row's mean minus the baseline's: NaN until both have a finished run. */
  baseline?: string;
  gap: number;
}

/** Mean ± sample std of test accuracy per row, over its finished runs. */
export function sweepTable(sw: SweepRecord, runs: RunRecord[]): SweepRow[] {
  const labels = [...new Set(sw.labels)];
  const rows = labels.map((label) => {
    const idx = sw.labels.flatMap((l, i) => (l === label ? [i] : []));
    const done = idx.map((i) => runs.find((r) => r.id === sw.runIds[i])).filter((r): r is RunRecord => r?.status === 'finished' && r.accuracy !== null);
    const acc = done.map((r) => r.accuracy!);
    return {
      label, done: done.length, total: idx.length, mean: acc.length ? mean(acc) : NaN, std: acc.length ? std(acc) : NaN,
      saved: done.length ? mean(done.map((r) => r.flops?.savedTheoretical ?? NaN)) : NaN,
    };
  });
  return rows.map((r) => {
    const b = rows.find((x) => x.label === baselineRowName(r.label));
    return { ...r, baseline: b?.label, gap: b ? r.mean - b.mean : NaN };
  });
}

/** Runs of the same experiment on any seed share this key. */
const experimentKey = (c: ExperimentConfig): string => encodeConfig({ ...c, seed: 0 });

export interface BaselineGap {
  baseline: Baseline;
  /** The method's experiment and its baseline's, on the active config's seed. */
  methodConfig: ExperimentConfig;
  baselineConfig: ExperimentConfig;
  /** Test accuracies of the finished runs of the method and of its baseline, any seed. */
  method: number[];
  base: number[];
  /** mean(method) − mean(base): NaN until both have a finished run. */
  gap: number;
}

const finished = (runs: readonly RunRecord[]): RunRecord[] => runs.filter((r) => r.status === 'finished' && r.accuracy !== null);

/**
 * The active experiment against its baseline in the run history, or null when it has none. A
 * config that is itself a baseline (S²ViTE's frozen topology, say) is shown against the method
 * whose baseline it is, when the history has a finished run of that method.
 */
export function baselineGap(c: ExperimentConfig, runs: readonly RunRecord[]): BaselineGap | null {
  let methodConfig = c;
  let baseline = baselineOf(c);
  if (!baseline) {
    const key = experimentKey(c);
    const method = finished(runs).find((r) => { const b = baselineOf(r.config); return b && experimentKey({ ...r.config, ...b.over }) === key; });
    if (!method) return null;
    methodConfig = { ...method.config, seed: c.seed };
    baseline = baselineOf(methodConfig)!;
  }
  const baselineConfig = { ...methodConfig, ...baseline.over };
  const accuracies = (key: string): number[] => finished(runs).filter((r) => experimentKey(r.config) === key).map((r) => r.accuracy!);
  const method = accuracies(experimentKey(methodConfig)), base = accuracies(experimentKey(baselineConfig));
  return { baseline, methodConfig, baselineConfig, method, base, gap: method.length && base.length ? mean(method) - mean(base) : NaN };
}
