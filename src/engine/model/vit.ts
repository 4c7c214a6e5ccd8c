// The timm/DeiT Vision Transformer, one explicit forward that reads top to bottom.
// Structured sparsity (S2ViTE) and token selection (SViTE+) enter through a ForwardPlan and the
// parameter map: S2ViTE passes compact parameters (live heads/neurons only), so only they are
// computed, and kept tokens are gathered so the sequence really shrinks.
import * as tf from '../tf';
import { type ModelConfig } from '../config';
import { blockParam, headDim, numPatches } from '../facts/shape';
import { attentionCore, leadingRows } from '../kernels/attention';
import { attentionWithClsRow } from './attention-maps';
import { tokensFused } from '../kernels/tokens';
import { blockInference, blockInferenceOn, type BlockWeights } from '../kernels/block-inference';
import { dense2d, denseGelu, gelu, layerNorm, LN_EPS, residualAdd } from './layers';
import { selectTokens } from './select-tokens';

/** Parameters by timm name; read-only, so maps of variables (or compact stand-ins) pass as they are. */
export type ParamMap = ReadonlyMap<string, tf.Tensor>;

/**
 * Per block: how many heads run. With S2ViTE the block's structured parameters are the compact
 * ones (live heads' q/k/v columns and proj rows, live neurons only), so their shapes already say
 * which units run and the forward needs no gathers.
 */
export interface BlockPlan {
  /** Heads in this block's qkv/proj (= numHeads for full-width parameters). */
  heads: number;
  /** Full-width probe: per-sample gate on every head's output, [B, H] (update steps only). */
  headGate?: tf.Tensor2D;
  /** Full-width probe: zeros added to the gated head outputs [B, T, H, hd]; d loss / d probe = gradient at the head output. */
  headProbe?: tf.Tensor4D;
}

export interface TokenPlan {
  k: number; // kept patches (cls excluded)
  /** Training only: Gumbel noise [B, N] and temperature; without them the choice is top-k of the scores. */
  noise?: tf.Tensor2D;
  tau?: number;
  /** The fixed-tokens baseline: these patch indices (0-based) for every image, no scorer. */
  fixed?: readonly number[];
}

export interface ForwardPlan {
  blocks?: BlockPlan[];
  tokens?: TokenPlan;
  /** Evaluation only: attention runs as composed ops and each block's cls row of the probabilities [B, H, T] is pushed here. */
  clsAttention?: tf.Tensor3D[];
  /**
   * Inference (no gradient is taken): the last block computes the cls token alone, since the head
   * reads nothing else; attention frees its probabilities at once; fc1 and GELU run as one kernel. Every
   * token is computed row by row and elementwise work is unchanged, so the logits are the same bit
   * for bit.
   */
  inference?: boolean;
}

const p = (P: ParamMap, name: string): tf.Tensor => {
  const t = P.get(name);
  if (!t) throw new Error(`missing parameter ${name}`);
  return t;
};

/** Images [B, H, W, C] → flattened patches [B·N, C·p·p] in timm's conv order (C, ph, pw). */
export function patchify(x: tf.Tensor4D, patch: number): tf.Tensor2D {
  const [B, H, W, C] = x.shape;
  const gh = H / patch, gw = W / patch;
  const r = tf.reshape(x, [B, gh, patch, gw, patch, C]); // [B, gh, ph, gw, pw, C]
  const t = tf.transpose(r, [0, 1, 3, 5, 2, 4]); // [B, gh, gw, C, ph, pw]
  return tf.reshape(t, [B * gh * gw, C * patch * patch]);
}

/** Tokens after patch embedding, cls and position embedding: [B·(N+1), D]. */
export function embed(P: ParamMap, x: tf.Tensor4D, c: ModelConfig): tf.Tensor2D {
  const patches = dense2d(patchify(x, c.patchSize), p(P, 'patch_embed.proj.weight'), p(P, 'patch_embed.proj.bias')); // [B·N, D]
  return tokensFused(patches, p(P, 'cls_token'), p(P, 'pos_embed'), x.shape[0]);
}

/**
 * Multi-head self-attention on pre-normed tokens h [B·T, D] → [B·Q, D]: every token attends, and
 * the first Q of each image (all T, or the cls token) are the queries computed.
 */
function attention(P: ParamMap, h: tf.Tensor2D, B: number, T: number, Q: number, c: ModelConfig, i: number, inference: boolean, plan?: BlockPlan, clsAttention?: tf.Tensor3D[]): tf.Tensor2D {
  const hd = headDim(c);
  const H = plan?.heads ?? c.numHeads;
  const wqkv = p(P, blockParam(i, 'qkv')), bqkv = p(P, blockParam(i, 'qkv', 'bias')); // [D, 3·H·hd], [3·H·hd]
  const wproj = p(P, blockParam(i, 'proj')); // [H·hd, D]
  const qkv = dense2d(h, wqkv, bqkv), attrs = { batch: B, tokens: T, heads: H, headDim: hd };
  let out: tf.Tensor;
  if (clsAttention) {
    const { out: o, clsRow } = attentionWithClsRow(qkv, attrs);
    clsAttention.push(clsRow);
    out = leadingRows(o, B, T, Q);
  } else out = attentionCore(qkv, { ...attrs, queries: Q }, inference); // [B·Q, H·hd]
  if (plan?.headGate || plan?.headProbe) {
    out = tf.reshape(out, [B, Q, H, hd]);
    if (plan.headGate) out = tf.mul(out, tf.reshape(plan.headGate, [B, 1, H, 1]));
    if (plan.headProbe) out = tf.add(out, plan.headProbe);
    out = tf.reshape(out, [B * Q, H * hd]);
  }
  return dense2d(out as tf.Tensor2D, wproj, p(P, blockParam(i, 'proj', 'bias'))); // [B·Q, D]
}

/** MLP on pre-normed tokens h [B·T, D] → [B·T, D] over the hidden neurons fc1/fc2 have (all, or the live ones). */
function mlp(P: ParamMap, h: tf.Tensor2D, i: number, inference: boolean): tf.Tensor2D {
  const w1 = p(P, blockParam(i, 'fc1')), b1 = p(P, blockParam(i, 'fc1', 'bias')); // [D, n], [n]
  const w2 = p(P, blockParam(i, 'fc2')); // [n, D]
  const hidden = inference ? denseGelu(h, w1, b1) : gelu(dense2d(h, w1, b1)); // [B·T, n']
  return dense2d(hidden as tf.Tensor2D, w2, p(P, blockParam(i, 'fc2', 'bias')));
}

/** Block i's parameters for the one-kernel block at inference. */
function blockWeights(P: ParamMap, i: number): BlockWeights {
  const pair = (name: Parameters<typeof blockParam>[1]): [tf.Tensor, tf.Tensor] => [p(P, blockParam(i, name)), p(P, blockParam(i, name, 'bias'))];
  const norm = (n: 1 | 2): [tf.Tensor, tf.Tensor] => [p(P, `blocks.${i}.norm${n}.weight`), p(P, `blocks.${i}.norm${n}.bias`)];
  return { norm1: norm(1), qkv: pair('qkv'), proj: pair('proj'), norm2: norm(2), fc1: pair('fc1'), fc2: pair('fc2') };
}

/** Logits [B, numClasses]. Images are NHWC, already normalised. */
export function forward(P: ParamMap, images: tf.Tensor4D, c: ModelConfig, plan: ForwardPlan = {}): tf.Tensor2D {
  const B = images.shape[0];
  let x = embed(P, images, c); // [B·(N+1), D]
  let T = numPatches(c) + 1;
  if (plan.tokens) {
    x = selectTokens(P, x, B, numPatches(c), plan.tokens); // [B·(k+1), D]
    T = plan.tokens.k + 1;
  }
  for (let i = 0; i < c.depth; i++) {
    const bp = plan.blocks?.[i];
    // Queries computed: every token, or in the last block at inference the cls token only.
    const Q = plan.inference && i === c.depth - 1 ? 1 : T;
    if (plan.inference && !plan.clsAttention && !bp?.headGate && !bp?.headProbe && blockInferenceOn()) {
      x = blockInference(x, blockWeights(P, i), { batch: B, tokens: T, queries: Q, heads: bp?.heads ?? c.numHeads, headDim: headDim(c), eps: LN_EPS });
      T = Q;
      continue;
    }
    const h1 = layerNorm(x, p(P, `blocks.${i}.norm1.weight`), p(P, `blocks.${i}.norm1.bias`));
    x = residualAdd(leadingRows(x, B, T, Q), attention(P, h1, B, T, Q, c, i, !!plan.inference, bp, plan.clsAttention));
    T = Q;
    const h2 = layerNorm(x, p(P, `blocks.${i}.norm2.weight`), p(P, `blocks.${i}.norm2.bias`));
    x = residualAdd(x, mlp(P, h2, i, !!plan.inference));
  }
  // The final LayerNorm is per token, so normalising only the cls token gives timm's result.
  const cls = leadingRows(x, B, T, 1); // token 0 of each image
  const feats = layerNorm(cls, p(P, 'norm.weight'), p(P, 'norm.bias'));
  return dense2d(feats, p(P, 'head.weight'), p(P, 'head.bias'));
}

