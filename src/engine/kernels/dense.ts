// The Linear layer, x·W + b, as one kernel each way on WASM. Composed in tfjs it is a matmul and
// a broadcast add forward, and backward three transposes, two matmuls and a sum. The products are
// in C (wasm/gemm.c) in XNNPACK's summation order, so they equal tfjs's matMul bit for bit, and
// they split by rows between the kernel helper threads (kernel-pool.ts).
import * as tf from '../tf';
import { fusedOn, fusedOp, runJsKernel } from './js-kernel';
import { registerWasmKernel, shareOf, type KernelFunctions, type KernelPart } from './wasm-kernel';

const FORWARD = 'SvDense';
const FORWARD_GELU = 'SvDenseGelu';
const BACKWARD = 'SvDenseGrad';

/** Rows per part are a multiple of the GEMM's 4-row tile. */
const ROW_ALIGN = 4;
/** Below this many multiply-adds a split costs more than it saves (a helper's round trip is a few µs). */
const MIN_SPLIT_MACS = 1 << 17;

const partsFor = (macs: number) => (macs >= MIN_SPLIT_MACS ? 8 : 1);

/** Parts the forward x [M, K]·w [K, N] splits into. */
export const denseParts = (M: number, K: number, N: number): number => partsFor(M * K * N);

/** What follows the product on a part's rows, while they are in cache (the same bits as the separate kernel after it). */
export type DenseThen = { gelu: true } | { residual: number; residualRowFloats: number } | null;

/**
 * The Linear forward on part `part` of the rows: y [M, N] = x [M, K]·w [K, N] + b [N] (byte offsets).
 * Then GELU in place, or the residual stream added (y = r + y, r's rows `residualRowFloats` apart).
 */
export function denseRows(f: KernelFunctions, x: number, w: number, b: number, y: number, M: number, K: number, N: number, part: KernelPart, then: DenseThen = null): void {
  const [r0, r1] = shareOf(M, part, ROW_ALIGN);
  if (r1 <= r0) return;
  const rows = y + r0 * N * 4;
  f.sv_gemm(x + r0 * K * 4, K, 0, w, b, 1, rows, r1 - r0, K, N);
  // Whole vectors: a part's rows hold a multiple of 4 floats (4-row aligned), the last part ends the padded buffer.
  if (then && 'gelu' in then) f.sv_gelu(rows, rows, (r1 - r0) * N);
  else if (then) f.sv_add_rows(then.residual + r0 * then.residualRowFloats * 4, then.residualRowFloats, rows, rows, r1 - r0, N);
}

/** The Linear forward, and at inference the Linear with GELU after it as one kernel (no gradient). */
for (const [name, then] of [[FORWARD, null], [FORWARD_GELU, { gelu: true }]] as const) {
  registerWasmKernel<Record<string, never>>({
    name,
    outputShapes: ([x, w]) => [[x[0], w[1]]],
    split: { parts: ([x, w]) => denseParts(x[0], x[1], w[1]) },
    call: (f, { inputs: [x, w, b], outputs: [y] }, _a, [[M, K], [, N]], part) => denseRows(f, x, w, b, y, M, K, N, part, then),
  });
}

/** A part's rows of dx [M, K], rows of dW [K, N] and entries of db [N]. */
function gradShares(M: number, K: number, N: number, part: KernelPart) {
  return { dx: shareOf(M, part, ROW_ALIGN), dW: shareOf(K, part, ROW_ALIGN), db: shareOf(N, part, 4) };
}

registerWasmKernel<Record<string, never>>({
  name: BACKWARD,
  // dy [M, N], x [M, K], w [K, N] → dx [M, K], dW [K, N], db [N]
  outputShapes: ([dy, x]) => [x, [x[1], dy[1]], [dy[1]]],
  scratch: (_f, [dy, x]) => x[1] * dy[1], // Wᵀ [N, K]
  split: { parts: ([dy, x]) => partsFor(x[0] * x[1] * dy[1]) },
  call: (f, { inputs: [dy, x, w], outputs: [dx, dW, db], scratch: wT }, _a, [[M, N], [, K]], part) => {
    const s = gradShares(M, K, N, part);
    if (s.dx[1] > s.dx[0]) {
      f.sv_transpose(w, wT, K, N);
      f.sv_gemm(dy + s.dx[0] * N * 4, N, 0, wT, 0, 0, dx + s.dx[0] * K * 4, s.dx[1] - s.dx[0], N, K); // dx = dy·Wᵀ
    }
    if (s.dW[1] > s.dW[0]) f.sv_gemm(x + s.dW[0] * 4, K, 1, dy, 0, 0, dW + s.dW[0] * N * 4, s.dW[1] - s.dW[0], M, N); // dW = xᵀ·dy
    if (s.db[1] > s.db[0]) f.sv_column_sums(dy + s.db[0] * 4, N, db + s.db[0] * 4, M, s.db[1] - s.db[0]); // db = Σ rows of dy
  },
});

const denseOp = fusedOp(FORWARD, BACKWARD, {}, ([x, w]) => [x, w]);

/** Whether the fused Linear runs here: WASM only (the CPU backend's matmul sums in another order). */
export const denseFusedOn = (): boolean => tf.getBackend() === 'wasm' && fusedOn(FORWARD);

/** GELU(x [M, K]·w [K, N] + b [N]) as one kernel, forward only (inference). Callers check `denseFusedOn` first. */
export function denseGeluInference(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return runJsKernel(FORWARD_GELU, [x, w, b], {})[0] as tf.Tensor2D;
}

/** x [M, K]·w [K, N] + b [N], one kernel each way. Callers check `denseFusedOn` first. */
export function denseFused(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return denseOp(x, w, b) as tf.Tensor2D;
}
