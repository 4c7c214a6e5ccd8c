// Comparing saved runs, as plain numbers: curves against step, wall time or cumulative training
// FLOPs; the table's row per run; and, for two runs of one shape, how much of their sparse
// topology they share (per-layer mask Jaccard, heads and neurons both keep).
import type { SparsitySnapshot } from '../../engine/snapshot';
import { toFlops } from '../../engine/flops';
import type { ChunkRecord, RunRecord } from './db';

export type CompareX = 'step' | 'time' | 'flops';

/**
 * A training step costs about three forward passes (forward, and a backward of twice its cost)
 * per image of the batch: the usual estimate, applied to the executed FLOPs of each frame.
 */
export const TRAIN_PASSES = 3;

export interface RunCurves {
  /** Per step: x in the chosen unit, and the loss. */
  loss: [number[], number[]];
  /** Per evaluation. */
  accuracy: [number[], number[]];
  /** Per frame. */
  density: [number[], number[]];
}

/** Curves of one run against step, wall-clock milliseconds of training, or cumulative training FLOPs. */
export function curvesOf(r: RunRecord, chunks: ChunkRecord[], x: CompareX): RunCurves {
  const frames = [...chunks].sort((a, b) => a.seq - b.seq).flatMap((c) => c.frames);
  const evals = chunks.flatMap((c) => c.evals).sort((a, b) => a.step - b.step);
  // step → x, filled per step as frames go (steps of a frame share its per-step cost).
  const xOfStep = new Map<number, number>([[0, 0]]);
  let wall = 0, flops = 0;
  const loss: [number[], number[]] = [[], []];
  const density: [number[], number[]] = [[], []];
  for (const f of frames) {
    const perStepFlops = TRAIN_PASSES * toFlops(f.flops.executed) * r.config.batchSize;
    for (let i = 0; i < f.steps.length; i++) {
      wall += f.stepMs[i];
      flops += perStepFlops;
      const at = x === 'step' ? f.steps[i] : x === 'time' ? wall : flops;
      xOfStep.set(f.steps[i], at);
      loss[0].push(at);
      loss[1].push(f.loss[i]);
    }
    density[0].push(x === 'step' ? f.step : xOfStep.get(f.step) ?? (x === 'time' ? wall : flops));
    density[1].push(f.globalDensity);
  }
  const accuracy: [number[], number[]] = [[], []];
  for (const e of evals) {
    const at = x === 'step' ? e.step : xOfStep.get(e.step);
    if (at === undefined || e.accuracy === null) continue;
    accuracy[0].push(at);
    accuracy[1].push(e.accuracy);
  }
  return { loss, accuracy, density };
}

export interface CompareRow {
  id: string;
  name: string;
  accuracy: number | null;
  testLoss: number | null;
  trainLoss: number;
  savedTheoretical: number;
  savedExecuted: number;
  msPerStep: number;
  /** Nonzero parameters (after masks and removed units) and the dense count. */
  params: number;
  denseParams: number;
}

/**
 * Each run's name for legends and tables, unique among `runs`: a name two runs share (both auto-named
 * "SViTE · tiny · seed 0") gets its start time, and where that is shared too, the run's short id.
 */
export function distinctNames(runs: Pick<RunRecord, 'id' | 'name' | 'startedAt'>[]): string[] {
  const clash = (names: string[]) => (i: number): boolean => names.filter((n) => n === names[i]).length > 1;
  const time = (t: number): string => new Date(t).toISOString().slice(11, 19);
  let names = runs.map((r) => r.name);
  const byName = clash(names);
  names = names.map((n, i) => (byName(i) ? `${n} · ${time(runs[i].startedAt)}` : n));
  const byTime = clash(names);
  return names.map((n, i) => (byTime(i) ? `${n} · #${runs[i].id.slice(-4)}` : n));
}

export function compareRow(r: RunRecord): CompareRow {
  return {
    id: r.id, name: r.name, accuracy: r.accuracy, testLoss: r.testLoss, trainLoss: r.lastLoss,
    savedTheoretical: r.flops?.savedTheoretical ?? NaN, savedExecuted: r.flops?.savedExecuted ?? NaN, msPerStep: r.msPerStep,
    params: r.finalFlops?.params.nonzero ?? r.paramsCount, denseParams: r.finalFlops?.params.dense ?? r.paramsCount,
  };
}

const popcount = (b: number): number => {
  let n = 0;
  for (let v = b; v; v &= v - 1) n++;
  return n;
};

/** |A ∩ B| / |A ∪ B| of two bitsets of equal length (1 when both are empty). */
export function jaccardBits(a: Uint8Array, b: Uint8Array): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += popcount(a[i] & b[i]);
    union += popcount(a[i] | b[i]);
  }
  return union ? inter / union : 1;
}

/** Units (one byte each, 1 = live) both keep, and how many each keeps. */
export function bothKeep(a: Uint8Array, b: Uint8Array): { both: number; a: number; b: number; total: number } {
  let both = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) both++;
    if (a[i]) na++;
    if (b[i]) nb++;
  }
  return { both, a: na, b: nb, total: a.length };
}

export interface Overlap {
  layers: { name: string; jaccard: number }[];
  heads: ReturnType<typeof bothKeep> | null;
  neurons: ReturnType<typeof bothKeep> | null;
}

/** The shared topology of two runs' snapshots, or a reason why they cannot be compared. */
export function overlapOf(a: SparsitySnapshot, b: SparsitySnapshot): Overlap | string {
  const layers: Overlap['layers'] = [];
  for (const m of a.masks) {
    const other = b.masks.find((x) => x.name === m.name);
    if (!other || other.rows !== m.rows || other.cols !== m.cols) return `The runs differ in shape (${m.name}).`;
    layers.push({ name: m.name, jaccard: jaccardBits(m.bits, other.bits) });
  }
  if (a.masks.length !== b.masks.length) return 'One run has weight masks and the other not (different methods).';
  const units = (x: Uint8Array | null, y: Uint8Array | null) => (x && y && x.length === y.length ? bothKeep(x, y) : null);
  const heads = units(a.headsAlive, b.headsAlive), neurons = units(a.neuronsAlive, b.neuronsAlive);
  if (!layers.length && !heads && !neurons) return 'Neither mask nor unit sets to compare (dense, or different methods).';
  return { layers, heads, neurons };
}
