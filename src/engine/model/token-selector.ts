// SViTE+ learnable token selector (method.md §4): a Linear(D→1) scorer after the position
// embedding, Gumbel top-k with a straight-through estimator, cls always kept. The kept rows are
// gathered, so every block runs on k+1 tokens. Evaluation is deterministic: top-k of the scores.
import * as tf from '../tf';
import { keptTokens, numPatches, type ExperimentConfig } from '../config';
import type { Rng } from '../rng';
import type { ViTModel } from './model';
import { dense2d, gatherUnique } from './layers';
import { embed, type ParamMap, type TokenPlan } from './vit';

export const TAU_START = 10;
export const TAU_END = 0.1;

/** Selector scores of the patch tokens [B, N] from embedded tokens x [B·(N+1), D]. */
export function patchScores(P: ParamMap, x: tf.Tensor2D, B: number, N: number): tf.Tensor2D {
  const s = dense2d(x, P.get('token_selector.score.weight')!, P.get('token_selector.score.bias')!); // [B·(N+1), 1]
  return tf.slice(tf.reshape(s, [B, N + 1]), [0, 1], [B, N]) as tf.Tensor2D; // drop cls: [B, N]
}

/** Flat rows into [B·(N+1)] for cls + the kept patches (patch indices [B, k], 0-based). */
export function keptRows(idx: tf.Tensor2D, N: number): tf.Tensor1D {
  const [B, k] = idx.shape;
  const base = tf.reshape(tf.mul(tf.range(0, B, 1, 'int32'), tf.scalar(N + 1, 'int32')), [B, 1]); // [B, 1]
  const patches = tf.add(tf.add(idx, 1), base); // [B, k]
  return tf.reshape(tf.concat([base, patches], 1), [B * (k + 1)]) as tf.Tensor1D; // cls first per image
}

/**
 * Straight-through multiplier on the kept rows, computed inside the differentiated closure:
 * value 1 (hard top-k), gradient of softmax((log_softmax(s) + g)/τ) at the kept tokens.
 */
export function straightThrough(P: ParamMap, x: tf.Tensor2D, B: number, N: number, plan: TokenPlan): tf.Tensor2D {
  const st = plan.st!;
  const y = tf.softmax(tf.div(tf.add(tf.logSoftmax(patchScores(P, x, B, N)), st.noise), st.tau)); // [B, N]
  const m = tf.add(tf.sub(1, st.softConst), y); // hard(=1 where kept) − stopgrad(y) + y
  const withCls = tf.concat([tf.ones([B, 1]), m], 1); // [B, N+1]
  return gatherUnique(tf.reshape(withCls, [B * (N + 1), 1]), plan.rows) as tf.Tensor2D; // [B·(k+1), 1]
}

export class TokenSelector {
  readonly k: number;
  readonly n: number;

  constructor(private readonly model: ViTModel, private readonly config: ExperimentConfig, private readonly rng: Rng) {
    this.k = keptTokens(config);
    this.n = numPatches(config);
  }

  /** τ decays linearly from 10 to 0.1 over the run (0-based step t). */
  temperature(t: number): number {
    const T = Math.max(1, this.config.steps - 1);
    return TAU_START + (TAU_END - TAU_START) * Math.min(1, t / T);
  }

  /** Plan for a training step: Gumbel top-k chosen with the current scorer (constants for the closure). */
  trainPlan(images: tf.Tensor4D, t: number): TokenPlan {
    const B = images.shape[0], N = this.n;
    const noise = tf.tensor2d(Float32Array.from({ length: B * N }, () => this.rng.gumbel()), [B, N]);
    const tau = this.temperature(t);
    const { rows, softConst } = tf.tidy(() => {
      const P = this.model.map;
      const logits = tf.add(tf.logSoftmax(patchScores(P, embed(P, images, this.config), B, N)), noise);
      const idx = tf.topk(logits, this.k).indices as tf.Tensor2D; // forward choice does not depend on τ
      return { rows: keptRows(idx, N), softConst: tf.softmax(tf.div(logits, tau)) as tf.Tensor2D };
    });
    return { rows, k: this.k, st: { noise, tau, softConst } };
  }

  /** Deterministic plan for evaluation: top-k of the scores, no noise. */
  evalPlan(images: tf.Tensor4D): TokenPlan {
    return tf.tidy(() => ({ rows: keptRows(this.topIndices(images), this.n), k: this.k }));
  }

  private topIndices(images: tf.Tensor4D): tf.Tensor2D {
    const P = this.model.map;
    const B = images.shape[0];
    return tf.topk(patchScores(P, embed(P, images, this.config), B, this.n), this.k).indices as tf.Tensor2D;
  }

  /** Kept patch indices per image at evaluation, [B·k], each row sorted. */
  async keptIndices(images: tf.Tensor4D): Promise<Int32Array> {
    const idx = tf.tidy(() => this.topIndices(images));
    const out = Int32Array.from(await idx.data());
    idx.dispose();
    for (let b = 0; b < images.shape[0]; b++) out.subarray(b * this.k, (b + 1) * this.k).sort();
    return out;
  }

  dispose(): void {}
}
