// The attention core as one kernel each way: from the qkv projection's output straight to the
// merged head outputs, softmax(q·kᵀ/√hd)·v per image and head. Composed in tfjs it is a transpose,
// a split, reshapes, two batched matmuls, a scale and a softmax forward, and about twice that
// backward; the batched matmuls alone (B·H products of T×hd matrices) took a third of a WASM
// training step, since each small product pays the matmul's set-up.
//
// Layouts: qkv [B·T, 3·H·hd] with column (part·H + head)·hd + d (part 0 q, 1 k, 2 v), as the qkv
// Linear writes it; out [B·T, H·hd] with column head·hd + d, as the proj Linear reads it; the
// attention probabilities P [B, H, T, T] are kept for the backward pass. The loops are in C
// (wasm/attention.c), compiled with SIMD128.
import * as tf from '../tf';
import { fusedOn, fusedOp, onJsBackend, runJsKernel } from './js-kernel';
import { registerWasmKernel, shareOf, type KernelFunctions, type KernelPart } from './wasm-kernel';

export interface AttentionAttrs {
  batch: number;
  tokens: number;
  heads: number;
  headDim: number;
  /**
   * Queries per image: the first `queries` tokens (default all). At inference the last block needs
   * the cls token's row only (1).
   */
  queries?: number;
}

export const queriesOf = (a: AttentionAttrs): number => a.queries ?? a.tokens;

const FORWARD = 'SvAttention';
const BACKWARD = 'SvAttentionGrad';

/** Images split between threads; byte offsets of image b in qkv (and dqkv), out (and dy), P. */
export const attentionParts = (a: AttentionAttrs): number => a.batch;
const split = { parts: (_s: number[][], a: AttentionAttrs) => attentionParts(a) };
const imageAt = (a: AttentionAttrs, b: number) => ({
  qkv: b * a.tokens * 3 * a.heads * a.headDim * 4,
  out: b * queriesOf(a) * a.heads * a.headDim * 4,
  probs: b * a.heads * queriesOf(a) * a.tokens * 4,
});

/** The forward on part `part` of the images (byte offsets): qkv → out [B·Q, H·hd], P [B, H, Q, T]. */
export function attentionImages(f: KernelFunctions, qkv: number, out: number, probs: number, scratch: number, a: AttentionAttrs, part: KernelPart): void {
  const [b0, b1] = shareOf(a.batch, part), o = imageAt(a, b0);
  if (b1 > b0) f.sv_attention(qkv + o.qkv, out + o.out, probs + o.probs, scratch, b1 - b0, a.tokens, queriesOf(a), a.heads, a.headDim);
}

/** Floats of scratch a thread needs. */
export const attentionScratch = (f: KernelFunctions, a: AttentionAttrs): number => f.sv_attention_scratch(a.tokens, a.headDim);

registerWasmKernel<AttentionAttrs>({
  name: FORWARD,
  outputShapes: (_s, a) => [[a.batch * queriesOf(a), a.heads * a.headDim], [a.batch, a.heads, queriesOf(a), a.tokens]],
  scratch: (f, _s, a) => attentionScratch(f, a),
  split,
  call: (f, { inputs: [qkv], outputs: [out, probs], scratch }, a, _s, part) => attentionImages(f, qkv, out, probs, scratch, a, part),
});
registerWasmKernel<AttentionAttrs>({
  name: BACKWARD,
  outputShapes: ([, qkv]) => [qkv],
  scratch: (f, _s, a) => attentionScratch(f, a),
  split,
  call: (f, { inputs: [dy, qkv, probs], outputs: [dqkv], scratch }, a, _s, part) => {
    const [b0, b1] = shareOf(a.batch, part), o = imageAt(a, b0);
    if (b1 > b0) f.sv_attention_grad(dy + o.out, qkv + o.qkv, probs + o.probs, dqkv + o.qkv, scratch, b1 - b0, a.tokens, a.heads, a.headDim);
  },
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

/** Rows [B·T, n] → the first `rows` rows of each image's T: [B·rows, n]. */
export function leadingRows(x: tf.Tensor2D, B: number, T: number, rows: number): tf.Tensor2D {
  if (rows === T) return x;
  const n = x.shape[1];
  const lead = tf.slice(tf.reshape(x, [B, T * n]), [0, 0], [B, rows * n]) as tf.Tensor2D;
  return rows === 1 ? lead : tf.reshape(lead, [B * rows, n]);
}

/**
 * softmax(q·kᵀ/√hd)·v for every image and head: qkv [B·T, 3·H·hd] → [B·Q, H·hd], Q = `queries`.
 * At inference (no gradient) the probabilities are freed at once; fewer queries than tokens is for
 * inference only.
 */
export function attentionCore(qkv: tf.Tensor2D, a: AttentionAttrs, inference = false): tf.Tensor2D {
  const Q = queriesOf(a);
  if (!fusedOn(FORWARD)) return leadingRows(attentionComposed(qkv, a), a.batch, a.tokens, Q);
  if (inference) {
    const [out, probs] = runJsKernel(FORWARD, [qkv], a);
    probs.dispose();
    // Only the C kernel (cpu, wasm) takes fewer queries; WebGPU's and WebGL's compute every row.
    return onJsBackend() ? (out as tf.Tensor2D) : leadingRows(out as tf.Tensor2D, a.batch, a.tokens, Q);
  }
  if (Q < a.tokens) throw new Error(`attention: ${Q} queries of ${a.tokens} tokens is for inference only (no gradient)`);
  // Backward: dy, qkv and the probabilities the forward kept.
  return fusedOp(FORWARD, BACKWARD, a, ([x], [, probs]) => [x, probs])(qkv) as tf.Tensor2D;
}
