// SViTE+ learnable token selector's state (method.md §4): seeded Gumbel noise per step, the
// temperature schedule, and the kept patches of sample images for the panel. The op itself is
// select-tokens.ts. With tokenSelector 'centre' (the fixed-tokens baseline) every plan keeps the
// same centre patches and nothing is learned.
import * as tf from '../tf';
import { type ExperimentConfig } from '../config';
import { centrePatches, keptTokens, numPatches } from '../facts';
import type { Rng, RngState } from '../rng';
import type { ViTModel } from './model';
import { patchScores } from './select-tokens';
import { embed, type TokenPlan } from './vit';

export class TokenSelector {
  readonly k: number;
  readonly n: number;
  /** The fixed-tokens baseline's patches; null for the learned selector. */
  private readonly fixed: number[] | null;

  constructor(private readonly model: ViTModel, private readonly config: ExperimentConfig, private readonly rng: Rng) {
    this.k = keptTokens(config);
    this.n = numPatches(config);
    this.fixed = config.tokenSelector === 'centre' ? centrePatches(config, this.k) : null;
  }

  /** τ decays linearly from tokenTauStart to tokenTauEnd over the run (0-based step t). */
  temperature(t: number): number {
    const T = Math.max(1, this.config.steps - 1), { tokenTauStart: a, tokenTauEnd: b } = this.config;
    return a + (b - a) * Math.min(1, t / T);
  }

  /** Plan for a training step: seeded Gumbel noise and the temperature at step t. */
  trainPlan(batch: number, t: number): TokenPlan {
    if (this.fixed) return { k: this.k, fixed: this.fixed };
    const scale = this.config.tokenNoise;
    const noise = tf.tensor2d(Float32Array.from({ length: batch * this.n }, () => scale * this.rng.gumbel()), [batch, this.n]);
    return { k: this.k, noise, tau: this.temperature(t) };
  }

  /** The Gumbel stream: all the state later steps read (τ follows the step count). */
  rngState(): RngState {
    return this.rng.state();
  }

  setRngState(s: RngState): void {
    this.rng.setState(s);
  }

  /** Deterministic plan for evaluation: top-k of the scores, no noise. */
  evalPlan(): TokenPlan {
    return this.fixed ? { k: this.k, fixed: this.fixed } : { k: this.k };
  }

  private topIndices(images: tf.Tensor4D): tf.Tensor2D {
    const P = this.model.params;
    const B = images.shape[0];
    return tf.topk(patchScores(P, embed(P, images, this.config), B, this.n), this.k).indices as tf.Tensor2D;
  }

  /** Kept patch indices per image at evaluation, [B·k], each row sorted. */
  async keptIndices(images: tf.Tensor4D): Promise<Int32Array> {
    const fixed = this.fixed;
    if (fixed) return Int32Array.from({ length: images.shape[0] * this.k }, (_, i) => fixed[i % this.k]);
    const idx = tf.tidy(() => this.topIndices(images));
    const out = Int32Array.from(await idx.data());
    idx.dispose();
    for (let b = 0; b < images.shape[0]; b++) out.subarray(b * this.k, (b + 1) * this.k).sort();
    return out;
  }

}
