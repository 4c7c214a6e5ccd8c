// The paper's table as a sweep: the sweep methods' rows (engine/facts/paper-rows, shared with the
// CLI's `sweep` and the benchmark) × N seeds on the edited experiment, trained one after another in
// the worker, each run saved to the history. The queue lives in IndexedDB, so a reload can resume it.
import type { ExperimentConfig } from '../../engine/config';
import { decodeConfig, encodeConfig } from '../../engine/config-url';
import { DISTINCT_SWEEP_METHODS, paperRowConfig, sweepRow, SWEEP_METHODS, type SweepMethod } from '../../engine/facts/paper-rows';
import type { RunRecord, SweepRecord } from './db';
import { historyDb } from './history';
import { onRunEnded } from './runs';
import { useRuns } from './store';

export const DEFAULT_SEEDS = 3;
export const ALL_METHODS = DISTINCT_SWEEP_METHODS;

/** Starts a queued run's config; false when the studio cannot start now. */
type Starter = (config: ExperimentConfig, sweepId: string) => string | null;

let starter: Starter | null = null;
let active: SweepRecord | null = null;

export function sweepConfigs(base: ExperimentConfig, methods: readonly SweepMethod[], seeds: number): { label: string; config: ExperimentConfig }[] {
  const out: { label: string; config: ExperimentConfig }[] = [];
  // Seed by seed across the rows, so a sweep cut short still has every row.
  for (let s = 0; s < seeds; s++)
    for (const m of methods) {
      const { name, over } = sweepRow(m);
      out.push({ label: name, config: paperRowConfig(base, over, base.seed + s) });
    }
  return out;
}

/** The sweep's own link: the base experiment plus `sweep=methods` and `seeds=N`. */
export function sweepLink(base: ExperimentConfig, methods: readonly SweepMethod[], seeds: number, origin: string): string {
  return `${origin}/?${encodeConfig(base)}&sweep=${methods.join(',')}&seeds=${seeds}`;
}

/** `sweep=` and `seeds=` of a link, or null without them; unknown methods are an error message. */
export function parseSweepParams(search: string): { methods: SweepMethod[]; seeds: number } | string | null {
  const q = new URLSearchParams(search);
  const raw = q.get('sweep');
  if (raw === null) return null;
  const names = raw.split(',').filter(Boolean);
  const bad = names.filter((n) => !(n in SWEEP_METHODS));
  if (bad.length || !names.length) return `The link's sweep=${raw} names no sweep method${bad.length ? ` (${bad.join(', ')} unknown)` : ''}; use some of ${ALL_METHODS.join(', ')}.`;
  const seeds = Number(q.get('seeds') ?? DEFAULT_SEEDS);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 20) return `The link's seeds=${q.get('seeds')} must be a whole number from 1 to 20.`;
  return { methods: names as SweepMethod[], seeds };
}

export function setSweepStarter(s: Starter): void {
  starter = s;
}

async function save(sw: SweepRecord): Promise<void> {
  await (await historyDb()).put('sweeps', sw);
  useRuns.setState({ sweep: { ...sw } });
}

export async function queueSweep(base: ExperimentConfig, methods: readonly SweepMethod[], seeds: number): Promise<void> {
  const items = sweepConfigs(base, methods, seeds);
  const sw: SweepRecord = {
    id: `sweep-${Date.now().toString(36)}`, name: `Paper table × ${seeds} seed${seeds === 1 ? '' : 's'}`, createdAt: Date.now(),
    links: items.map((i) => encodeConfig(i.config)), labels: items.map((i) => i.label), runIds: items.map(() => null), status: 'queued',
  };
  await save(sw);
  active = sw;
  runNext();
}

/** The newest sweep still queued (after a reload): shown with a Resume button. */
export async function loadQueuedSweep(): Promise<void> {
  const all = await (await historyDb()).getAll('sweeps');
  const latest = all.sort((a, b) => b.createdAt - a.createdAt)[0];
  if (latest) useRuns.setState({ sweep: latest });
}

export function resumeSweep(): void {
  const sw = useRuns.getState().sweep;
  if (!sw || sw.status !== 'queued') return;
  active = { ...sw };
  runNext();
}

export async function cancelSweep(stop: () => void): Promise<void> {
  const sw = active ?? useRuns.getState().sweep;
  active = null;
  if (!sw) return;
  stop();
  await save({ ...sw, status: 'cancelled' });
}

/** Index of the next run to train: the first without a finished run. */
function nextIndex(sw: SweepRecord, runs: RunRecord[]): number {
  return sw.runIds.findIndex((id) => !id || runs.find((r) => r.id === id)?.status !== 'finished');
}

function runNext(): void {
  const sw = active;
  if (!sw || !starter) return;
  const i = nextIndex(sw, useRuns.getState().runs);
  if (i < 0) {
    active = null;
    void save({ ...sw, status: 'done' });
    return;
  }
  const id = starter(decodeConfig(sw.links[i]).config, sw.id);
  if (!id) {
    active = null;
    useRuns.setState({ writeError: 'The sweep could not start its next run (the training worker is not ready, or a setting is invalid). Resume it from the Runs panel.' });
    return;
  }
  sw.runIds[i] = id;
  void save(sw);
}

onRunEnded((record) => {
  const sw = active;
  if (!sw || !record.sweepId || record.sweepId !== sw.id) return;
  // The list must know the run finished before the next index is chosen.
  const runs = useRuns.getState().runs.filter((r) => r.id !== record.id);
  useRuns.setState({ runs: [record, ...runs] });
  if (record.status === 'finished') runNext();
  else {
    active = null; // stopped by hand, or failed: the sweep waits for Resume
  }
});

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (n − 1), as the benchmark's table reports it; 0 for one value. */
const std = (xs: number[]): number => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));

export interface SweepRow {
  label: string;
  done: number;
  total: number;
  mean: number;
  std: number;
  saved: number;
}

/** Mean ± sample std of test accuracy per row, over its finished runs. */
export function sweepTable(sw: SweepRecord, runs: RunRecord[]): SweepRow[] {
  const labels = [...new Set(sw.labels)];
  return labels.map((label) => {
    const idx = sw.labels.flatMap((l, i) => (l === label ? [i] : []));
    const done = idx.map((i) => runs.find((r) => r.id === sw.runIds[i])).filter((r): r is RunRecord => r?.status === 'finished' && r.accuracy !== null);
    const acc = done.map((r) => r.accuracy!);
    return {
      label, done: done.length, total: idx.length, mean: acc.length ? mean(acc) : NaN, std: acc.length ? std(acc) : NaN,
      saved: done.length ? mean(done.map((r) => r.flops?.savedTheoretical ?? NaN)) : NaN,
    };
  });
}
