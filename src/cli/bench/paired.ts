// Two rows measured on the same seeds, compared seed by seed. Pairing removes each seed's own luck
// (its init and data order), which dominates a small model's spread: on `tiny` a 0.1% change of the
// learning rate moves single seeds by up to 3 points, so the difference of two means over three
// seeds says little. (Not beside mean/std in engine/stats.ts: engine files are the numerics
// fingerprint that marks tables stale, and this is only a reading of stored results.)
import { decodeConfig, encodeConfig } from '../../engine/config-url';
import { baselineOf } from '../../engine/facts/paper-rows';
import { mean, std } from '../../engine/stats';

export interface Paired {
  /** Seeds both rows have. */
  n: number;
  /** Mean of a − b over those seeds. */
  mean: number;
  /** std of the differences ÷ √n; NaN below 2 seeds. */
  se: number;
  ahead: number;
  behind: number;
}

export function paired(a: { seed: number; value: number }[], b: { seed: number; value: number }[]): Paired {
  const other = new Map(b.map((x) => [x.seed, x.value]));
  const d = a.filter((x) => other.has(x.seed)).map((x) => x.value - other.get(x.seed)!);
  return {
    n: d.length,
    mean: d.length ? mean(d) : NaN,
    se: d.length > 1 ? std(d) / Math.sqrt(d.length) : NaN,
    ahead: d.filter((x) => x > 0).length,
    behind: d.filter((x) => x < 0).length,
  };
}

/** "+0.3 ± 0.4 points (SE), ahead on 12 of 20 seeds": the form BENCHMARKS.md and the README use. */
export function formatPaired(p: Paired): string {
  const pts = `${p.mean >= 0 ? '+' : '−'}${Math.abs(p.mean * 100).toFixed(1)}`;
  const se = Number.isNaN(p.se) ? '' : ` ± ${(p.se * 100).toFixed(1)}`;
  return `${pts}${se} points, ahead on ${p.ahead} of ${p.n} seeds${p.behind + p.ahead < p.n ? ` (${p.n - p.ahead - p.behind} tied)` : ''}`;
}

const canonical = (link: string): string => encodeConfig(decodeConfig(link).config);

/** The row of a table that is `row`'s baseline (engine/facts' baselineOf: S²ViTE's frozen topology,
 *  SViTE+'s fixed tokens), found by its link; undefined when the table has none. */
export function baselineRowIn<R extends { link: string }>(rows: R[], row: R): R | undefined {
  const c = decodeConfig(row.link).config;
  const b = baselineOf(c);
  if (!b) return undefined;
  const want = encodeConfig({ ...c, ...b.over });
  return rows.find((r) => r !== row && canonical(r.link) === want);
}

/** A row against its baseline row, seed by seed. */
export const pairedRuns = (a: { runs: { seed: number; testAccuracy: number }[] }, b: { runs: { seed: number; testAccuracy: number }[] }): Paired =>
  paired(a.runs.map((r) => ({ seed: r.seed, value: r.testAccuracy })), b.runs.map((r) => ({ seed: r.seed, value: r.testAccuracy })));
