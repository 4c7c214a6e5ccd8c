// The token sequence from the patch embeddings as one kernel each way: the cls token in front of
// each image's patches, plus the position embedding. Composed it is a broadcast add for cls, a
// concat, a position add and reshapes forward, and the concat's split (WASM's SplitV copies this
// [B, N+1, D] tensor element by element, ~5 ms), sums and reshapes backward. The forward is in C
// (wasm/tokens.c); the backward sums over images in doubles, in JavaScript.
import * as tf from '../tf';
import { fusedOn, fusedOp, registerJsKernel } from './js-kernel';
import { registerWasmKernel, shareOf } from './wasm-kernel';

interface TokensAttrs {
  batch: number;
}

const FORWARD = 'SvTokens';
const BACKWARD = 'SvTokensGrad';

registerWasmKernel<TokensAttrs>({
  name: FORWARD,
  outputShapes: ([patches], { batch }) => [[patches[0] + batch, patches[1]]],
  split: { parts: (_s, { batch }) => batch },
  // patches [B·N, D], cls [1, 1, D], pos [1, N+1, D] → tokens [B·(N+1), D]; images split between threads
  call: (f, { inputs: [patches, cls, pos], outputs: [out] }, { batch: B }, [[BN, D]], part) => {
    const [b0, b1] = shareOf(B, part), N = BN / B;
    if (b1 > b0) f.sv_tokens(patches + b0 * N * D * 4, cls, pos, out + b0 * (N + 1) * D * 4, b1 - b0, N + 1, D);
  },
});
registerJsKernel<TokensAttrs>({
  name: BACKWARD,
  outputShapes: ([dy], { batch }) => [[dy[0] - batch, dy[1]], [1, 1, dy[1]], [1, dy[0] / batch, dy[1]]],
  // dy [B·(N+1), D] → d patches [B·N, D], d cls (Σ over images of token 0), d pos (Σ over images)
  compute: ([dy], [dPatches, dCls, dPos], { batch: B }, [[BT, D]]) => {
    const T = BT / B;
    const acc = new Float64Array(T * D);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * D, p = (b * (T - 1) + t - 1) * D;
        for (let d = 0; d < D; d++) {
          acc[t * D + d] += dy[o + d];
          if (t > 0) dPatches[p + d] = dy[o + d];
        }
      }
    for (let i = 0; i < T * D; i++) dPos[i] = acc[i];
    for (let d = 0; d < D; d++) dCls[d] = acc[d];
  },
});

/** The composed sequence: the reference, and the path on backends without the kernel. */
export function tokensComposed(patches: tf.Tensor2D, cls: tf.Tensor, pos: tf.Tensor, batch: number): tf.Tensor2D {
  const [BN, D] = patches.shape, N = BN / batch;
  // A broadcasting add, not tile/broadcastTo: their gradient is B slices and B adds, this one's is one sum.
  const c = tf.add(tf.zeros([batch, 1, D]), cls); // [B, 1, D]
  const seq = tf.concat([c, tf.reshape(patches, [batch, N, D])], 1); // [B, N+1, D]
  return tf.reshape(tf.add(seq, pos), [batch * (N + 1), D]);
}

/** Patch embeddings [B·N, D], cls [1, 1, D], position embedding [1, N+1, D] → tokens [B·(N+1), D], cls first per image. */
export function tokensFused(patches: tf.Tensor2D, cls: tf.Tensor, pos: tf.Tensor, batch: number): tf.Tensor2D {
  if (!fusedOn(FORWARD)) return tokensComposed(patches, cls, pos, batch);
  return fusedOp(FORWARD, BACKWARD, { batch })(patches, cls, pos) as tf.Tensor2D;
}
