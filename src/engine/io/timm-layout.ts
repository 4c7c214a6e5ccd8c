// Our layout ↔ PyTorch/timm layout. Every 2-D parameter is transposed: Linear weights are ours
// [in, out] vs timm [out, in]; the patch embedding is ours [C·p·p, D] on patches flattened in
// (C, ph, pw) order, which read as [D, C·p·p] is exactly timm's conv weight [D, C, p, p].
// Everything else (cls_token, pos_embed, biases, norms) has the same memory order in both.
import type { ParamSpec } from '../model/params';
import { sizeOf } from '../facts/shape';

/** The element arrays the io layer moves around: weights and one-byte masks. */
export type Values = Float32Array | Uint8Array;


/** Row-major [rows, cols] → [cols, rows]. */
export function transpose2d<T extends Values>(src: T, rows: number, cols: number): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[base + c];
  }
  return out;
}

function check(spec: ParamSpec, data: Values, shape: number[]): void {
  if (data.length !== sizeOf(shape))
    throw new Error(`${spec.name}: expected ${sizeOf(shape)} values for shape [${shape}], got ${data.length}`);
  if (sizeOf(spec.shape) !== sizeOf(spec.timmShape))
    throw new Error(`${spec.name}: our shape [${spec.shape}] and timm shape [${spec.timmShape}] differ in size`);
}

/** Our layout → PyTorch layout (a fresh array of `spec.timmShape`). */
export function toTimmLayout<T extends Values>(spec: ParamSpec, data: T): T {
  check(spec, data, spec.shape);
  return spec.shape.length === 2 ? transpose2d(data, spec.shape[0], spec.shape[1]) : (data.slice() as T);
}

/** PyTorch layout → our layout (a fresh array of `spec.shape`). Exact inverse of toTimmLayout. */
export function fromTimmLayout<T extends Values>(spec: ParamSpec, data: T): T {
  check(spec, data, spec.timmShape);
  return spec.shape.length === 2 ? transpose2d(data, spec.shape[1], spec.shape[0]) : (data.slice() as T);
}
