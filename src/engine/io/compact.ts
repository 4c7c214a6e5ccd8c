// Compact layout of S²ViTE models, in PyTorch layout: removed heads and MLP neurons are physically
// dropped, along the axes and in the order the unit table (sparse/units.ts) gives.
import type { ModelConfig } from '../config';
import { blockOf } from '../model/params';
import { UNIT_PARAMS, timmAxis, unitIndices, unitParamName } from '../sparse/units';
import { sizeOf } from '../facts/shape';
import type { Values } from './timm-layout';

/** Live units of one block, increasing indices. */
export interface BlockUnits {
  heads: number[];
  neurons: number[];
}

/** How one tensor compacts: the kept indices along its first axis ('rows') or its second ('cols'). */
export interface Compaction {
  axis: 'rows' | 'cols';
  keep: Int32Array;
}

/** The compaction of a parameter (or of its `.mask`) by timm name; null if it keeps its shape. */
export function compactionOf(name: string, c: ModelConfig, units: BlockUnits[]): Compaction | null {
  const b = blockOf(name);
  if (b < 0) return null;
  const base = name.endsWith('.mask') ? name.slice(0, -'.mask'.length) : name;
  const p = UNIT_PARAMS.find((u) => unitParamName(b, u) === base);
  if (!p) return null;
  const keep = unitIndices(p, p.unit === 'head' ? units[b].heads : units[b].neurons, c);
  return { axis: timmAxis(p) === 0 ? 'rows' : 'cols', keep: Int32Array.from(keep) };
}

export function compactShape(timmShape: number[], k: Compaction): number[] {
  return k.axis === 'rows' ? [k.keep.length, ...timmShape.slice(1)] : [timmShape[0], k.keep.length];
}

const alloc = <T extends Values>(like: T, n: number): T => new (like.constructor as new (n: number) => T)(n);

/** Keeps only `k.keep` of a tensor of full timm shape `timmShape`. */
export function compactTensor<T extends Values>(src: T, timmShape: number[], k: Compaction): T {
  const out = alloc(src, sizeOf(compactShape(timmShape, k)));
  if (k.axis === 'rows') {
    const w = sizeOf(timmShape.slice(1));
    k.keep.forEach((r, i) => out.set(src.subarray(r * w, (r + 1) * w), i * w));
  } else {
    const [rows, cols] = timmShape;
    const n = k.keep.length;
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[r * n + j] = src[r * cols + k.keep[j]];
  }
  return out;
}

/** Inverse of compactTensor: back to `timmShape`, zeros in the removed units. */
export function expandTensor<T extends Values>(src: T, timmShape: number[], k: Compaction): T {
  const out = alloc(src, sizeOf(timmShape));
  if (k.axis === 'rows') {
    const w = sizeOf(timmShape.slice(1));
    k.keep.forEach((r, i) => out.set(src.subarray(i * w, (i + 1) * w), r * w));
  } else {
    const [rows, cols] = timmShape;
    const n = k.keep.length;
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[r * cols + k.keep[j]] = src[r * n + j];
  }
  return out;
}

/** Per-block live indices from a flat depth×count alive array (1 = live); all live when absent. */
export function unitsFromAlive(alive: Uint8Array | undefined, depth: number, count: number): number[][] {
  return Array.from({ length: depth }, (_, b) => {
    const out: number[] = [];
    for (let j = 0; j < count; j++) if (!alive || alive[b * count + j]) out.push(j);
    return out;
  });
}

export function aliveFromUnits(units: number[][], count: number): Uint8Array {
  const out = new Uint8Array(units.length * count);
  units.forEach((u, b) => u.forEach((j) => (out[b * count + j] = 1)));
  return out;
}

/** Parses and checks a per-block index list from metadata; returns an error message or the lists. */
export function parseUnits(json: string, what: string, depth: number, count: number): number[][] | string {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return `metadata '${what}' is not valid JSON`;
  }
  if (!Array.isArray(v) || v.length !== depth) return `metadata '${what}' must list ${depth} blocks (one index array each)`;
  for (let b = 0; b < depth; b++) {
    const u: unknown = v[b];
    const ok = Array.isArray(u) && u.every((j, i) => Number.isInteger(j) && j >= 0 && j < count && (i === 0 || j > u[i - 1]));
    if (!ok) return `metadata '${what}' block ${b}: expected increasing indices in [0, ${count}), got ${JSON.stringify(u)}`;
  }
  return v as number[][];
}

export const blockUnits = (heads: number[][], neurons: number[][]): BlockUnits[] =>
  heads.map((h, i) => ({ heads: h, neurons: neurons[i] }));
