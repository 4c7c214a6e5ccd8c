// `npm run bench -- --check`: reruns a cheap, deterministic subset of the stored results from their
// own links and fails on any difference. Training is deterministic per backend, so accuracies and
// losses must match exactly: a figure that no longer reproduces fails CI instead of going stale
// quietly. The subset: the first seed of every `tiny` row of the paper table and of every `tiny`
// ablation row, and the first 200 losses of the 10-minute `fmnist` run. Items run in parallel child
// processes, one per core (`--check-shard k/n` is one of them). The topology section's `tiny`
// groups are checked the same way. A claim whose data set is not on this machine is skipped with how to
// get it (a fresh clone without ../shared/datasets), except under CI, where it fails.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { decodeConfig } from '../../engine/config-url';
import { useBackend } from '../../backend/node';
import { WASM_THREADS_ENV } from '../../backend/wasm-threads';
import { repoRoot } from '../node-datasets';
import { MissingDataError } from '../../engine/data/sources';
import { cachedLoader } from '../load-data';
import { trainRun } from '../train-run';
import { lossDigest } from './digest';
import { headCommit, numericsFingerprint, type Provenance, type Reproduced } from './provenance';
import { loadResults, saveResult, type ResultOf, type SectionResult } from './results';

/** What a stored run claims, and the link that must reproduce it. */
export interface CheckItem {
  /** Where the claim is published, e.g. "paper-table tiny · dense · seed 0". */
  source: string;
  config: string;
  /** Stop after this many steps (the LR schedule still follows the link's step count). */
  stopAt?: number;
  testAccuracy?: number;
  lossDigest?: string;
  losses?: number[];
  /** The accuracy table (and its preset or group) the claim was read from: what a full check stamps. */
  part?: PartRef;
}

/** An accuracy table measured on its own: a section, or one preset or group of it. */
export interface PartRef {
  section: 'paper-table' | 'ablations' | 'topology' | 'accuracy-svite' | 'accuracy-structured';
  /** The preset (paper table) or group id (ablations, topology); none for a one-part section. */
  key?: string;
}

export type CheckOutcome = Pick<CheckItem, 'testAccuracy' | 'lossDigest' | 'losses'> & {
  error?: string;
  /** The run's data set is not on this machine: skipped, except under CI (which must check everything). */
  missingData?: boolean;
};

/** Where a machine without the real data sets gets them; said beside every skipped claim. */
const GET_DATA = 'npm run datasets copies them from ../shared/datasets or Debian\'s /usr/share/datasets (apt-get install dataset-fashion-mnist), or downloads them';

export const CHECK_FMNIST_LOSSES = 200;

type StoredRun = { seed: number; config: string; testAccuracy: number; lossDigest?: string };

/** The first seed's run of each row of a table part, as a claim named after where it is published. */
const firstSeeds = (where: string, part: PartRef, rows: { name: string; runs: StoredRun[] }[]): CheckItem[] =>
  rows.flatMap((row) => {
    const run = [...row.runs].sort((a, b) => a.seed - b.seed)[0];
    return run ? [{ source: `${where} · ${row.name} · seed ${run.seed}`, config: run.config, testAccuracy: run.testAccuracy, lossDigest: run.lossDigest, part }] : [];
  });

/**
 * The claims to rerun, from the stored results; claims on one link are merged (and must agree).
 * CI's check takes the `tiny` tables and the 10-minute run's first losses; `all` (`--check --all`)
 * takes every accuracy table, the `fmnist` ones in full.
 */
export function checkItems(results: SectionResult[], all = false): CheckItem[] {
  const items: CheckItem[] = [];
  const wanted = (preset: string): boolean => all || preset === 'tiny';
  for (const r of results) {
    if (r.section === 'paper-table')
      for (const p of r.data.presets.filter((x) => wanted(x.preset))) items.push(...firstSeeds(`paper-table ${p.preset}`, { section: r.section, key: p.preset }, p.rows));
    if (r.section === 'ablations' && wanted(r.data.preset))
      for (const g of r.data.groups) items.push(...firstSeeds(`ablations ${g.id}`, { section: r.section, key: g.id }, g.rows));
    if (r.section === 'topology')
      for (const g of r.data.groups.filter((x) => wanted(x.preset))) items.push(...firstSeeds(`topology ${g.id}`, { section: r.section, key: g.id }, g.rows));
    if ((r.section === 'accuracy-svite' || r.section === 'accuracy-structured') && all) items.push(...firstSeeds(r.section, { section: r.section }, r.data.rows));
    if (r.section === 'fmnist-10min' && r.data.losses?.length)
      items.push({ source: `fmnist-10min · the first ${CHECK_FMNIST_LOSSES} losses`, config: r.data.config, stopAt: CHECK_FMNIST_LOSSES, losses: r.data.losses.slice(0, CHECK_FMNIST_LOSSES) });
  }
  return items;
}

/** Work of a rerun, in pixel-steps: a shard's share is balanced on it, not on the count of runs. */
function cost(item: CheckItem): number {
  const { config } = decodeConfig(item.config);
  return (item.stopAt ?? config.steps) * config.imageSize ** 2 * config.inChans;
}

/** Which of n shards reruns each run: the costliest first, each to the least loaded shard. */
export function shardOf(runs: CheckItem[], n: number): number[] {
  const load = new Array<number>(n).fill(0), shard = new Array<number>(runs.length);
  const order = runs.map((r, i) => ({ i, c: cost(r) })).sort((a, b) => b.c - a.c || a.i - b.i);
  for (const { i, c } of order) {
    const k = load.indexOf(Math.min(...load));
    shard[i] = k;
    load[k] += c;
  }
  return shard;
}

/** The differences between a stored claim and a rerun, in words; empty when they match exactly. */
export function differences(item: CheckItem, got: CheckOutcome): string[] {
  if (got.error) return [got.error];
  const out: string[] = [];
  if (item.testAccuracy !== undefined && got.testAccuracy !== item.testAccuracy)
    out.push(`test accuracy: stored ${item.testAccuracy}, now ${got.testAccuracy}`);
  if (item.lossDigest !== undefined && got.lossDigest !== item.lossDigest) out.push(`losses differ (digest: stored ${item.lossDigest}, now ${got.lossDigest})`);
  if (item.losses) {
    const at = item.losses.findIndex((l, i) => got.losses?.[i] !== l);
    if (at >= 0) out.push(`loss at step ${at + 1}: stored ${item.losses[at]}, now ${got.losses?.[at]}`);
  }
  return out;
}

const sameKey = (i: CheckItem): string => `${i.config}|${i.stopAt ?? ''}`;

/** One rerun per link: claims on the same link that disagree are reported as such. */
export function byLink(items: CheckItem[]): { runs: CheckItem[]; conflicts: string[] } {
  const runs = new Map<string, CheckItem[]>();
  for (const i of items) runs.set(sameKey(i), [...(runs.get(sameKey(i)) ?? []), i]);
  const conflicts: string[] = [];
  for (const group of runs.values())
    for (const other of group.slice(1)) {
      const d = differences(other, group[0]);
      if (d.length) conflicts.push(`${other.source} and ${group[0].source} claim different results for ${other.config}: ${d.join('; ')}`);
    }
  return { runs: [...runs.values()].map((g) => ({ ...g[0], alsoIn: g.slice(1).flatMap((i) => (i.part ? [i.part] : [])) })), conflicts };
}

async function rerun(item: CheckItem, dataFor: ReturnType<typeof cachedLoader>): Promise<CheckOutcome> {
  const { config, ignored } = decodeConfig(item.config);
  if (ignored.length) return { error: `its link no longer decodes as stored: ${ignored.map((i) => `${i.key}=${i.value} (${i.reason})`).join(', ')}` };
  let data;
  try { data = dataFor(config); } catch (e) {
    if (e instanceof MissingDataError) return { error: e.message, missingData: true };
    throw e;
  }
  const { summary, trainer } = await trainRun(config, data, 'wasm', { quiet: true, trainEvalImages: 1, stopAt: item.stopAt });
  trainer.dispose();
  if (summary.error) return { error: summary.error };
  return { testAccuracy: item.stopAt === undefined ? summary.testAccuracy : undefined, lossDigest: lossDigest(summary.losses), losses: item.losses ? summary.losses : undefined };
}

/** A shard: reruns items k, k + n, … and prints one JSON line per item. */
export async function checkShard(shard: string, all: boolean): Promise<void> {
  const [k, n] = shard.split('/').map(Number);
  await useBackend('wasm');
  const { runs } = byLink(checkItems(loadResults(), all));
  const dataFor = cachedLoader();
  const mine = shardOf(runs, n);
  for (const [i, item] of runs.entries()) {
    if (mine[i] !== k) continue;
    const got = await rerun(item, dataFor).catch((e: Error): CheckOutcome => ({ error: e.message }));
    process.stdout.write(JSON.stringify({ index: i, got }) + '\n');
  }
}

function runShard(shard: string, all: boolean, log: (s: string) => void): Promise<{ index: number; got: CheckOutcome }[]> {
  return new Promise((resolve, reject) => {
    // One process per core already uses every core: each on WASM's single-threaded binary (a pool
    // per process would spin against the others; the losses are the same, bit for bit).
    const env = { ...process.env, [WASM_THREADS_ENV]: '1' };
    const child = spawn(process.execPath, [path.join(repoRoot(), 'scripts/run-ts.mjs'), 'src/cli/main.ts', 'bench', '--check-shard', shard, ...(all ? ['--all'] : [])], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'inherit'] });
    const done: { index: number; got: CheckOutcome }[] = [];
    let pending = '';
    child.stdout.on('data', (b: Buffer) => {
      const lines = (pending + b.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines.filter(Boolean)) done.push(JSON.parse(l));
      log(`   shard ${shard}: ${done.length} done`);
    });
    child.on('error', reject);
    // 'close', not 'exit': the last lines may still be in the pipe when the process exits.
    child.on('close', (code) => (code === 0 ? resolve(done) : reject(new Error(`check shard ${shard} exited with ${code}`))));
  });
}

/** Reruns every claim; resolves to the failures (empty: everything rerun reproduced) and how many claims were skipped for want of data. */
export async function checkResults(log: (s: string) => void, all = false): Promise<{ failures: string[]; skipped: number }> {
  const { runs, conflicts } = byLink(checkItems(loadResults(), all));
  if (!runs.length) return { failures: ['no stored results to check: run `npm run bench` first'], skipped: 0 };
  const shards = Math.max(1, Math.min(os.cpus().length, runs.length));
  log(`check: ${runs.length} runs from their links, ${shards} process${shards > 1 ? 'es' : ''}`);
  const outcomes = (await Promise.all(Array.from({ length: shards }, (_, k) => runShard(`${k}/${shards}`, all, log)))).flat();
  // A full check must rerun everything: a claim it could not rerun is a failure, as under CI.
  const v = verdicts(runs, outcomes, all || Boolean(process.env.CI));
  v.lines.forEach((l) => log(l));
  const failures = [...conflicts, ...v.failures];
  if (all && !failures.length) {
    const parts = stampReproduced(runs, loadResults(), { numerics: numericsFingerprint(), commit: headCommit(), at: new Date().toISOString() });
    parts.forEach((r) => saveResult(r as ResultOf<typeof r.section> & { provenance: Provenance }));
    log(`\nevery accuracy table reproduced under the current numerics: stamped ${parts.map((r) => r.section).join(', ')} (bench/results); \`npm run bench -- --only render\` shows it`);
  }
  return { failures, skipped: v.skipped.length };
}

/** A section's parts with their own provenance: its presets or groups, else the section itself (no key). */
function partsOf(r: SectionResult): { key?: string; provenance?: Provenance }[] {
  if (r.section === 'paper-table') return r.data.presets.map((p) => ({ key: p.preset, provenance: p.provenance }));
  if (r.section === 'ablations' || r.section === 'topology') return r.data.groups.map((g) => ({ key: g.id, provenance: g.provenance }));
  return [{ provenance: r.provenance }];
}

/**
 * After a full check in which every claim reproduced: stamps each part whose claims were rerun, and a
 * section whose every part was, as reproduced under `stamp`'s numerics. Returns the changed results.
 */
export function stampReproduced(runs: (CheckItem & { alsoIn?: PartRef[] })[], results: SectionResult[], stamp: Omit<Reproduced, 'runs'>): SectionResult[] {
  const count = new Map<string, number>();
  const id = (p: PartRef): string => `${p.section}|${p.key ?? ''}`;
  for (const r of runs) for (const p of [...(r.part ? [r.part] : []), ...(r.alsoIn ?? [])]) count.set(id(p), (count.get(id(p)) ?? 0) + 1);
  const changed: SectionResult[] = [];
  for (const r of results) {
    const parts = partsOf(r);
    let stamped = 0, runs = 0;
    for (const { key, provenance } of parts) {
      const n = count.get(id({ section: r.section as PartRef['section'], key }));
      if (!n || !provenance) continue;
      provenance.reproduced = { ...stamp, runs: n };
      stamped++;
      runs += n;
    }
    if (!stamped) continue;
    // A section of several parts is stamped too when every part was (a one-part section already is).
    if (stamped === parts.length && parts[0].key !== undefined && r.provenance) r.provenance.reproduced = { ...stamp, runs };
    changed.push(r);
  }
  return changed;
}

/**
 * Each claim against its rerun, in words. A claim whose data set is missing is skipped, with how to get
 * the data, unless `strict` (CI), where a claim left unchecked is a failure like any other.
 */
export function verdicts(runs: CheckItem[], outcomes: { index: number; got: CheckOutcome }[], strict: boolean): { lines: string[]; failures: string[]; skipped: string[] } {
  const lines: string[] = [], failures: string[] = [], skipped: string[] = [];
  for (const [i, item] of runs.entries()) {
    const got = outcomes.find((o) => o.index === i)?.got ?? { error: 'not rerun: its check process ended without reporting it' };
    if (got.missingData && !strict) {
      lines.push(`– ${item.source}: skipped, ${got.error}`);
      skipped.push(item.source);
      continue;
    }
    const d = differences(item, got);
    lines.push(`${d.length ? '✗' : '✓'} ${item.source} (${item.config})${d.length ? `: ${d.join('; ')}` : ''}`);
    if (d.length) failures.push(`${item.source} (\`${item.config}\`): ${d.join('; ')}`);
  }
  const n = skipped.length;
  if (n) lines.push(`\n${n} stored claim${n > 1 ? 's' : ''} not checked: ${n > 1 ? 'their' : 'its'} data set is not on this machine (${GET_DATA}). CI checks ${n > 1 ? 'them' : 'it'}.`);
  return { lines, failures, skipped };
}
