// The paper's table as a sweep: the sweep methods' rows (engine/facts/paper-rows, shared with the
// CLI's `sweep` and the benchmark) × N seeds on the edited experiment, trained one after another in
// the worker, each run saved to the history. The queue lives in IndexedDB, so a reload can resume it.
import type { ExperimentConfig } from '../../engine/config';
import { decodeConfig, encodeConfig } from '../../engine/config-url';
import { paperRowConfig, sweepRow, type SweepMethod } from '../../engine/facts/paper-rows';
import type { RunRecord, SweepRecord } from './db';
import { historyDb } from './history';
import { onRunEnded } from './runs';
import { useRuns } from './store';

/** Starts a queued run's config; false when the studio cannot start now. */
type Starter = (config: ExperimentConfig, sweepId: string) => string | null;

/** Resumes a saved run from its checkpoint; false when it cannot. */
type Resumer = (runId: string) => Promise<boolean>;

let starter: Starter | null = null;
let resumer: Resumer | null = null;
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

export function setSweepStarter(s: Starter, r: Resumer): void {
  starter = s;
  resumer = r;
}

/** Seeds per method of a queued sweep (its seeds box after a reload). */
export const sweepSeeds = (sw: SweepRecord): number => Math.max(1, Math.round(sw.links.length / new Set(sw.labels).size));

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
  // The run a reload (or Stop) cut off goes on from its checkpoint, rather than a fresh run beside it.
  const cut = useRuns.getState().runs.find((r) => r.id === sw.runIds[i]);
  if (cut && resumer && (cut.status === 'running' || cut.status === 'stopped') && cut.checkpointStep !== undefined && cut.checkpointStep < cut.totalSteps) {
    void resumer(cut.id).then((ok) => {
      if (!ok && active === sw) startAt(sw, i);
    });
    return;
  }
  startAt(sw, i);
}

function startAt(sw: SweepRecord, i: number): void {
  if (!starter) return;
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
