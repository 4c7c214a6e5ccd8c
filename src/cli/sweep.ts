// `cli sweep`: the paper's table on one base config, method by method over N seeds, as JSON rows
// (the studio's sweep trains the same rows, from the same definitions in engine/facts).
import type { ExperimentConfig } from '../engine/config';
import { encodeConfig } from '../engine/config-url';
import type { Dataset } from '../engine/data/types';
import { baselineRowName, paperRowConfig, SWEEP_METHODS, sweepRow, type SweepMethod } from '../engine/facts/paper-rows';
import { mean, std } from '../engine/stats';
import { trainRun } from './train-run';

export interface SweepRow {
  method: SweepMethod;
  name: string;
  /** The seeds trained so far. */
  seeds: number[];
  accuracyMean: number;
  accuracyStd: number;
  flopsSavedTheoretical: number;
  flopsSavedExecuted: number;
  msPerStep: number;
  /** The row's baseline in this sweep (S²ViTE: its frozen topology; SViTE+: fixed centre tokens),
   *  and accuracyMean minus the baseline's: null until both have a run. */
  baseline: string | null;
  gapToBaseline: number | null;
  runs: { seed: number; config: string; testAccuracy: number; testLoss: number; msPerStep: number }[];
}

export interface SweepResult {
  base: string;
  backend: string;
  dataset: string;
  steps: number;
  rows: SweepRow[];
}

export const SWEEP_METHOD_NAMES = Object.keys(SWEEP_METHODS) as SweepMethod[];

/** `dense,svite` → the methods, or a message naming the unknown ones. */
export function parseMethods(list: string): SweepMethod[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(SWEEP_METHOD_NAMES as string[]).includes(n));
  if (bad.length || !names.length)
    throw new Error(`--methods ${list}: ${bad.length ? `unknown ${bad.join(', ')}` : 'no method'}; choose from ${SWEEP_METHOD_NAMES.join(', ')}`);
  return [...new Set(names)] as SweepMethod[];
}

/**
 * Trains every method with seeds base.seed, base.seed + 1, …; seed by seed across the methods, so a
 * sweep cut short still has every row. Each run gets the data its own config asks for, as `cli
 * train` builds it (the synthetic set depends on the seed), so a row's link reproduces that row.
 * `progress` gets the table after each run.
 */
export async function sweep(base: ExperimentConfig, methods: SweepMethod[], seeds: number, dataFor: (c: ExperimentConfig) => Dataset, backend: string,
  opts: { log?: (s: string) => void; progress?: (r: SweepResult) => void; signal?: AbortSignal } = {}): Promise<SweepResult> {
  const result: SweepResult = { base: encodeConfig(base), backend, dataset: dataFor(base).name, steps: base.steps, rows: [] };
  const rows = methods.map((method): SweepRow => ({
    method, name: sweepRow(method).name, seeds: [], accuracyMean: NaN, accuracyStd: NaN,
    flopsSavedTheoretical: NaN, flopsSavedExecuted: NaN, msPerStep: NaN, baseline: null, gapToBaseline: null, runs: [],
  }));
  const baselineOfRow = (row: SweepRow): SweepRow | undefined => rows.find((r) => r.name === baselineRowName(row.name));
  for (const row of rows) row.baseline = baselineOfRow(row)?.name ?? null;
  result.rows = rows;
  for (let i = 0; i < seeds; i++)
    for (const row of rows) {
      if (opts.signal?.aborted) return result;
      const seed = base.seed + i;
      const c = paperRowConfig(base, sweepRow(row.method).over, seed);
      const { summary, trainer } = await trainRun(c, dataFor(c), backend, { quiet: true, signal: opts.signal });
      trainer.dispose();
      if (summary.stoppedBy === 'interrupt') return result; // a cut-short run is no measurement
      const msPerStep = summary.trainMs / Math.max(1, summary.steps);
      row.runs.push({ seed, config: summary.config, testAccuracy: summary.testAccuracy, testLoss: summary.testLoss, msPerStep });
      const accs = row.runs.map((r) => r.testAccuracy);
      Object.assign(row, {
        seeds: row.runs.map((r) => r.seed), accuracyMean: mean(accs), accuracyStd: std(accs),
        msPerStep: mean(row.runs.map((r) => r.msPerStep)),
        flopsSavedTheoretical: summary.flops.savedTheoretical, flopsSavedExecuted: summary.flops.savedExecuted,
      });
      for (const r of rows) {
        const b = baselineOfRow(r);
        r.gapToBaseline = b && r.runs.length && b.runs.length ? r.accuracyMean - b.accuracyMean : null;
      }
      const acc = Number.isFinite(summary.testAccuracy) ? `${(summary.testAccuracy * 100).toFixed(2)}%` : 'n/a';
      opts.log?.(`${row.name} seed ${seed}: test accuracy ${acc}${summary.error ? ` (${summary.error})` : ''}`);
      opts.progress?.(result);
    }
  return result;
}
