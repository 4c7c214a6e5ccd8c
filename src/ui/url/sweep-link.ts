// The sweep's keys in a link (`sweep=dense,svite&seeds=2`): read at opening (a wrong value is
// reported with the link's other ignored keys) and written by "Copy sweep link". Pure: no store.
import type { ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { DISTINCT_SWEEP_METHODS, SWEEP_METHODS, type SweepMethod } from '../../engine/facts/paper-rows';

export const DEFAULT_SEEDS = 3;
export const ALL_METHODS = DISTINCT_SWEEP_METHODS;

/** The sweep's own link: the base experiment plus `sweep=methods` and `seeds=N`. */
export function sweepLink(base: ExperimentConfig, methods: readonly SweepMethod[], seeds: number, origin: string): string {
  return `${origin}/?${encodeConfig(base)}&sweep=${methods.join(',')}&seeds=${seeds}`;
}

/** What is wrong with a link's sweep keys, as the link notice lists ignored keys; empty when nothing. */
export function sweepKeyIssues(extras: Record<string, string>): { key: string; value: string; reason: string }[] {
  const { sweep, seeds } = extras;
  if (sweep === undefined) return seeds === undefined ? [] : [{ key: 'seeds', value: seeds, reason: 'only read with sweep= (the paper-table sweep): nothing to repeat' }];
  const parsed = parseSweepParams(`?${new URLSearchParams(extras)}`);
  if (typeof parsed !== 'string') return [];
  const names = sweep.split(',').filter(Boolean);
  return names.length && names.every((n) => n in SWEEP_METHODS)
    ? [{ key: 'seeds', value: seeds ?? '', reason: `must be a whole number from 1 to 20; the sweep panel shows ${DEFAULT_SEEDS}` }]
    : [{ key: 'sweep', value: sweep, reason: `names no sweep method; use some of ${ALL_METHODS.join(', ')}` }];
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

