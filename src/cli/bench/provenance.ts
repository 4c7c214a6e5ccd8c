// Where a benchmark result came from: the commit, whether the tree was clean, and how busy the
// machine was over the whole run (the 1-minute load average sampled every few seconds, not only at
// the start). render.ts marks a section stale when the engine's numerics changed after its commit,
// and a speed section loaded when the load exceeded the cores while it ran. No tfjs here, so the
// browser benchmark (run by tsx) can import it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../node-datasets';

/**
 * The files whose change can move a figure: the engine (model, methods, kernels, data), the
 * backends' kernel patches, the CLI's run and its data loading. Tests and fixtures excluded.
 */
export const NUMERICS_PATHS = ['src/engine', 'src/backend', 'src/cli/train-run.ts', 'src/cli/load-data.ts', 'src/cli/node-datasets.ts'];
const NOT_NUMERICS = [':(exclude)*.test.ts', ':(exclude)src/engine/fixtures'];
const isNumericsFile = (f: string): boolean => NUMERICS_PATHS.some((p) => f === p || f.startsWith(`${p}/`)) && !f.endsWith('.test.ts') && !f.startsWith('src/engine/fixtures/');
/** What the benchmarks write themselves: a tree where only these changed still counts as clean. */
const BENCH_OUTPUTS = ['bench/results', 'BENCHMARKS.md', 'README.md', 'docs'];

export interface LoadRecord {
  cores: number;
  /** 1-minute load averages: at the start, the highest and the mean over the run's samples. */
  start: number;
  max: number;
  mean: number;
  samples: number;
}

export interface Provenance {
  /** HEAD when the run started; null outside a git checkout. */
  commit: string | null;
  /** numericsFingerprint() when the run started: the content of the numerics files, as measured. */
  numerics: string;
  /** No uncommitted change outside the benchmarks' own outputs; null when git could not tell. */
  clean: boolean | null;
  /** The uncommitted files (at most 20) when not clean. */
  changed: string[];
  load: LoadRecord;
  /**
   * Set by `bench --check --all` when, under other numerics files, the first seed of every row of
   * this part reran from its link to the same accuracy and losses, bit for bit: the change moved no
   * figure of it. Absent when never so checked.
   */
  reproduced?: Reproduced;
}

export interface Reproduced {
  /** numericsFingerprint() of the code that reproduced the figures. */
  numerics: string;
  commit: string | null;
  at: string;
  /** Runs of this part rerun in full. */
  runs: number;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return null;
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** HEAD, for provenance and stamps; null outside a git checkout. */
export const headCommit = (): string | null => git(['rev-parse', 'HEAD']);

/** Starts recording a run's provenance; `now()` gives it so far (partial saves), `stop()` ends the sampling. */
export function startProvenance(everyMs = 5000): { now(): Provenance; stop(): void } {
  const commit = headCommit();
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ...BENCH_OUTPUTS.map((p) => `:(exclude)${p}`)]);
  const changed = status === null ? [] : status.split('\n').filter(Boolean).map((l) => l.slice(3));
  const numerics = numericsFingerprint();
  const loads = [os.loadavg()[0]];
  const timer = setInterval(() => loads.push(os.loadavg()[0]), everyMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    now(): Provenance {
      loads.push(os.loadavg()[0]);
      return {
        commit, numerics, clean: status === null ? null : changed.length === 0, changed: changed.slice(0, 20),
        load: { cores: os.cpus().length, start: round2(loads[0]), max: round2(Math.max(...loads)), mean: round2(loads.reduce((a, b) => a + b, 0) / loads.length), samples: loads.length },
      };
    },
  };
}

/** A speed figure is not a result when the load exceeded the cores at any sample of its run. */
export const wasLoaded = (load: LoadRecord): boolean => load.max > load.cores;

export type Freshness = { stale: false } | { stale: true; why: string };

function filesUnder(rel: string): string[] {
  const abs = path.join(repoRoot(), rel);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [rel];
  return readdirSync(abs).sort().flatMap((f) => filesUnder(`${rel}/${f}`));
}

/**
 * SHA-256 (16 hex digits) of every numerics file's path and content, read from the working tree:
 * it needs no git history (CI's clone may be shallow), and a reverted change is fresh again.
 */
export function numericsFingerprint(): string {
  const h = createHash('sha256');
  for (const f of NUMERICS_PATHS.flatMap(filesUnder).filter(isNumericsFile)) h.update(`${f}\0`).update(readFileSync(path.join(repoRoot(), f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

let current: string | undefined;

/**
 * Whether a result still describes this code: the numerics files are what they were when it was
 * measured, or a full check reproduced it under the current ones. When neither, git (where it has
 * the commit) names the files that changed.
 */
export function freshness(p: Provenance | undefined): Freshness {
  if (!p?.numerics) return { stale: true, why: 'it was measured before results recorded the code they came from' };
  if (p.numerics === (current ??= numericsFingerprint()) || p.reproduced?.numerics === current) return { stale: false };
  const diff = p.commit ? git(['diff', '--name-only', p.commit, '--', ...NUMERICS_PATHS, ...NOT_NUMERICS]) : null;
  const files = diff?.split('\n').filter(Boolean) ?? [];
  const named = files.length ? ` (${files.slice(0, 4).map((f) => `\`${f}\``).join(', ')}${files.length > 4 ? ` and ${files.length - 4} more` : ''})` : '';
  return { stale: true, why: `the engine's numerics changed since it was measured${p.commit ? ` at ${p.commit.slice(0, 7)}` : ''}${named}` };
}
