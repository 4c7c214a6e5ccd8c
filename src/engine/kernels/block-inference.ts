// A transformer block at inference as one kernel on WASM: LayerNorm, qkv, attention, proj and the
// residual sum, LayerNorm, fc1 with GELU, fc2 and the residual sum. Each layer is a stage split
// between the threads as its own kernel splits (the same C calls on the same rows, so the same
// bits), and what passes between layers stays in the kernels' memory: one copy in (none when the
// block before left x there) and one out, instead of ~2 MB copied out and back per block, and one
// dispatch instead of nine.
import * as tf from '../tf';
import { attentionImages, attentionParts, attentionScratch, queriesOf, type AttentionAttrs } from './attention';
import { denseFusedOn, denseParts, denseRows } from './dense';
import { fusedOn, runJsKernel } from './js-kernel';
import { layerNormParts, layerNormRows } from './layer-norm';
import { registerWasmKernel } from './wasm-kernel';

const KERNEL = 'SvBlockInference';

export interface BlockInferenceAttrs extends AttentionAttrs {
  /** LayerNorm's epsilon. */
  eps: number;
}

/** A block's parameters, in the kernel's input order after x. */
export interface BlockWeights {
  norm1: [tf.Tensor, tf.Tensor];
  qkv: [tf.Tensor, tf.Tensor];
  proj: [tf.Tensor, tf.Tensor];
  norm2: [tf.Tensor, tf.Tensor];
  fc1: [tf.Tensor, tf.Tensor];
  fc2: [tf.Tensor, tf.Tensor];
}

// Inputs: x [B·T, D], then γ1, β1, Wqkv, bqkv, Wproj, bproj, γ2, β2, W1, b1, W2, b2. Output: y [B·Q, D].
// Temps: h1 [B·T, D], qkv [B·T, 3·H·hd], heads [B·Q, H·hd], P [B, H, Q, T], x2 [B·Q, D], h2 [B·Q, D], hidden [B·Q, n].
const dims = ([x, , , wqkv, , , , , , w1]: number[][], a: BlockInferenceAttrs) => {
  const Q = queriesOf(a);
  if (Q !== a.tokens && Q !== 1) throw new Error(`block at inference: ${Q} queries of ${a.tokens} tokens (all or the cls token only)`);
  return { rows: x[0], D: x[1], rowsOut: a.batch * Q, qkvCols: wqkv[1], headCols: a.heads * a.headDim, hidden: w1[1], Q };
};
const H1 = 0, QKV = 1, HEADS = 2, PROBS = 3, X2 = 4, H2 = 5, HIDDEN = 6;

registerWasmKernel<BlockInferenceAttrs>({
  name: KERNEL,
  outputShapes: (shapes, a) => [[dims(shapes, a).rowsOut, dims(shapes, a).D]],
  scratch: (f, _s, a) => attentionScratch(f, a),
  temps: (shapes, a) => {
    const d = dims(shapes, a);
    return [d.rows * d.D, d.rows * d.qkvCols, d.rowsOut * d.headCols, a.batch * a.heads * d.Q * a.tokens, d.rowsOut * d.D, d.rowsOut * d.D, d.rowsOut * d.hidden];
  },
  stages: [
    {
      split: { parts: (s, a) => layerNormParts(dims(s, a).rows, dims(s, a).D) },
      call: (f, { inputs: [x, g1, b1], temps: t }, a, s, part) => layerNormRows(f, x, g1, b1, t[H1], dims(s, a).rows, dims(s, a).D, a.eps, part),
    },
    {
      split: { parts: (s, a) => denseParts(dims(s, a).rows, dims(s, a).D, dims(s, a).qkvCols) },
      call: (f, { inputs: [, , , w, b], temps: t }, a, s, part) => denseRows(f, t[H1], w, b, t[QKV], dims(s, a).rows, dims(s, a).D, dims(s, a).qkvCols, part),
    },
    {
      split: { parts: (_s, a) => attentionParts(a) },
      call: (f, { temps: t, scratch }, a, _s, part) => attentionImages(f, t[QKV], t[HEADS], t[PROBS], scratch, a, part),
    },
    {
      // x2 = x (its leading Q rows per image) + heads·Wproj + bproj
      split: { parts: (s, a) => denseParts(dims(s, a).rowsOut, dims(s, a).headCols, dims(s, a).D) },
      call: (f, { inputs: [x, , , , , w, b], temps: t }, a, s, part) => {
        const d = dims(s, a);
        denseRows(f, t[HEADS], w, b, t[X2], d.rowsOut, d.headCols, d.D, part, { residual: x, residualRowFloats: (a.tokens / d.Q) * d.D });
      },
    },
    {
      split: { parts: (s, a) => layerNormParts(dims(s, a).rowsOut, dims(s, a).D) },
      call: (f, { inputs: [, , , , , , , g2, b2], temps: t }, a, s, part) => layerNormRows(f, t[X2], g2, b2, t[H2], dims(s, a).rowsOut, dims(s, a).D, a.eps, part),
    },
    {
      split: { parts: (s, a) => denseParts(dims(s, a).rowsOut, dims(s, a).D, dims(s, a).hidden) },
      call: (f, { inputs: [, , , , , , , , , w, b], temps: t }, a, s, part) => denseRows(f, t[H2], w, b, t[HIDDEN], dims(s, a).rowsOut, dims(s, a).D, dims(s, a).hidden, part, { gelu: true }),
    },
    {
      // y = x2 + hidden·W2 + b2
      split: { parts: (s, a) => denseParts(dims(s, a).rowsOut, dims(s, a).hidden, dims(s, a).D) },
      call: (f, { inputs: [, , , , , , , , , , , w, b], outputs: [y], temps: t }, a, s, part) => {
        const d = dims(s, a);
        denseRows(f, t[HIDDEN], w, b, y, d.rowsOut, d.hidden, d.D, part, { residual: t[X2], residualRowFloats: d.D });
      },
    },
  ],
});

/** Whether a block at inference runs as one kernel here: WASM with the fused Linear (its products are the ones to match). */
export const blockInferenceOn = (): boolean => denseFusedOn() && fusedOn(KERNEL);

/** x [B·T, D] → the block's output [B·Q, D] at inference, one kernel. Callers check `blockInferenceOn` first. */
export function blockInference(x: tf.Tensor2D, w: BlockWeights, a: BlockInferenceAttrs): tf.Tensor2D {
  const weights = [w.norm1, w.qkv, w.proj, w.norm2, w.fc1, w.fc2].flat();
  return runJsKernel(KERNEL, [x, ...weights], a)[0] as tf.Tensor2D;
}
