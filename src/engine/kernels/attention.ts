// The attention core as one kernel each way: from the qkv projection's output straight to the
// merged head outputs, softmax(q·kᵀ/√hd)·v per image and head. Composed in tfjs it is a transpose,
// a split, reshapes, two batched matmuls, a scale and a softmax forward, and about twice that
// backward; the batched matmuls alone (B·H products of T×hd matrices) took a third of a WASM
// training step, since each small product pays the matmul's set-up.
//
// Layouts: qkv [B·T, 3·H·hd] with column (part·H + head)·hd + d (part 0 q, 1 k, 2 v), as the qkv
// Linear writes it; out [B·T, H·hd] with column head·hd + d, as the proj Linear reads it; the
// attention probabilities P [B, H, T, T] are kept for the backward pass.
import * as tf from '../tf';
import { fastExp } from './fast-exp';
import { fusedOn, registerJsKernel, runJsKernel } from './js-kernel';

export interface AttentionAttrs {
  batch: number;
  tokens: number;
  heads: number;
  headDim: number;
}

const FORWARD = 'SvAttention';
const BACKWARD = 'SvAttentionGrad';

/** a[ao…ao+n) · b[bo…bo+n), four partial sums (V8 keeps them in registers: ~1.5× one sum). */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, d = 0;
  for (; d + 3 < n; d += 4) {
    s0 += a[ao + d] * b[bo + d];
    s1 += a[ao + d + 1] * b[bo + d + 1];
    s2 += a[ao + d + 2] * b[bo + d + 2];
    s3 += a[ao + d + 3] * b[bo + d + 3];
  }
  for (; d < n; d++) s0 += a[ao + d] * b[bo + d];
  return s0 + s1 + s2 + s3;
}

/** y[yo…yo+n) += alpha · x[xo…xo+n) */
function axpy(alpha: number, x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): void {
  let d = 0;
  for (; d + 3 < n; d += 4) {
    y[yo + d] += alpha * x[xo + d];
    y[yo + d + 1] += alpha * x[xo + d + 1];
    y[yo + d + 2] += alpha * x[xo + d + 2];
    y[yo + d + 3] += alpha * x[xo + d + 3];
  }
  for (; d < n; d++) y[yo + d] += alpha * x[xo + d];
}

/** Copy one head's q, k, v rows of one image into contiguous [T·hd] blocks (the rows are 3·H·hd apart). */
function gatherHead(qkv: Float32Array, base: number, row: number, T: number, hd: number, offsets: number[], blocks: Float64Array[]): void {
  for (let part = 0; part < 3; part++) {
    const dst = blocks[part], o = base + offsets[part];
    for (let t = 0; t < T; t++) for (let d = 0; d < hd; d++) dst[t * hd + d] = qkv[o + t * row + d];
  }
}

function forwardLoops([qkv]: Float32Array[], [out, probs]: Float32Array[], { batch, tokens: T, heads: H, headDim: hd }: AttentionAttrs): void {
  const row = 3 * H * hd, outRow = H * hd, scale = 1 / Math.sqrt(hd);
  const s = new Float64Array(T), acc = new Float64Array(hd);
  const blocks = [new Float64Array(T * hd), new Float64Array(T * hd), new Float64Array(T * hd)];
  const [q, k, v] = blocks;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      gatherHead(qkv, b * T * row, row, T, hd, [h * hd, (H + h) * hd, (2 * H + h) * hd], blocks);
      for (let i = 0; i < T; i++) {
        const qi = i * hd;
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          const kj = j * hd;
          const sj = (s[j] = dot(q, qi, k, kj, hd) * scale);
          if (sj > max) max = sj;
        }
        let sum = 0;
        for (let j = 0; j < T; j++) sum += (s[j] = fastExp(s[j] - max));
        const p = ((b * H + h) * T + i) * T;
        acc.fill(0);
        for (let j = 0; j < T; j++) {
          const pij = (probs[p + j] = s[j] / sum);
          axpy(pij, v, j * hd, acc, 0, hd);
        }
        const o = (b * T + i) * outRow + h * hd;
        for (let d = 0; d < hd; d++) out[o + d] = acc[d];
      }
    }
  }
}

function backwardLoops([dy, qkv, probs]: Float32Array[], [dqkv]: Float32Array[], { batch, tokens: T, heads: H, headDim: hd }: AttentionAttrs): void {
  const row = 3 * H * hd, outRow = H * hd, scale = 1 / Math.sqrt(hd);
  const ds = new Float64Array(T), g = new Float64Array(hd);
  const blocks = [new Float64Array(T * hd), new Float64Array(T * hd), new Float64Array(T * hd)];
  const grads = [new Float64Array(T * hd), new Float64Array(T * hd), new Float64Array(T * hd)];
  const [q, k, v] = blocks, [dq, dk, dv] = grads;
  for (let b = 0; b < batch; b++) {
    const base = b * T * row;
    for (let h = 0; h < H; h++) {
      const offsets = [h * hd, (H + h) * hd, (2 * H + h) * hd];
      gatherHead(qkv, base, row, T, hd, offsets, blocks);
      dq.fill(0);
      dk.fill(0);
      dv.fill(0);
      for (let i = 0; i < T; i++) {
        const p = ((b * H + h) * T + i) * T, gi = (b * T + i) * outRow + h * hd, qi = i * hd;
        for (let d = 0; d < hd; d++) g[d] = dy[gi + d];
        // dP[i, j] = dy_i · v_j, and dv_j += P[i, j] · dy_i
        let rowDot = 0;
        for (let j = 0; j < T; j++) {
          const vj = j * hd, pij = probs[p + j];
          const dpij = (ds[j] = dot(g, 0, v, vj, hd));
          axpy(pij, g, 0, dv, vj, hd);
          rowDot += pij * dpij;
        }
        // Softmax backward, then the scaled scores: dS = P ∘ (dP − Σ_j P·dP) / √hd
        for (let j = 0; j < T; j++) {
          const dsij = probs[p + j] * (ds[j] - rowDot) * scale, kj = j * hd;
          axpy(dsij, k, kj, dq, qi, hd);
          axpy(dsij, q, qi, dk, kj, hd);
        }
      }
      for (let part = 0; part < 3; part++) {
        const src = grads[part], o = base + offsets[part];
        for (let t = 0; t < T; t++) for (let d = 0; d < hd; d++) dqkv[o + t * row + d] = src[t * hd + d];
      }
    }
  }
}

registerJsKernel<AttentionAttrs>({
  name: FORWARD,
  outputShapes: (_s, a) => [[a.batch * a.tokens, a.heads * a.headDim], [a.batch, a.heads, a.tokens, a.tokens]],
  compute: forwardLoops,
});
registerJsKernel<AttentionAttrs>({
  name: BACKWARD,
  outputShapes: ([, qkv]) => [qkv],
  compute: backwardLoops,
});

/** The same computation in tfjs ops: the reference, and the path on backends without the kernel. */
export function attentionComposed(qkv: tf.Tensor2D, a: AttentionAttrs): tf.Tensor2D {
  const { batch: B, tokens: T, heads: H, headDim: hd } = a;
  // One 4-D transpose puts heads before tokens for all three parts, and q|k|v then split off as
  // contiguous blocks per image. (5-D transposes are ~60× slower on WASM, and a column split
  // copies row by row.)
  const t = tf.transpose(tf.reshape(qkv, [B, T, 3 * H, hd]), [0, 2, 1, 3]); // [B, 3H, T, hd]
  const [q, k, v] = tf.split(tf.reshape(t, [B, 3, H * T * hd]), 3, 1)
    .map((x) => tf.reshape(x, [B, H, T, hd]) as tf.Tensor4D); // [B, H, T, hd]
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)); // [B, H, T, T]
  const out = tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]); // [B, T, H, hd]
  return tf.reshape(out, [B * T, H * hd]);
}

/** softmax(q·kᵀ/√hd)·v for every image and head: qkv [B·T, 3·H·hd] → [B·T, H·hd]. */
export function attentionCore(qkv: tf.Tensor2D, a: AttentionAttrs): tf.Tensor2D {
  if (!fusedOn(FORWARD)) return attentionComposed(qkv, a);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [out, probs] = runJsKernel(FORWARD, [x], a);
    save([x, probs]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runJsKernel(BACKWARD, [dy, saved[0], saved[1]], a)[0],
    };
  }) as (x: tf.Tensor2D) => tf.Tensor2D;
  return op(qkv);
}
