// SViTE+ learnable token selector's state (method.md §4): seeded Gumbel noise per step, the
// temperature schedule, and the kept patches of sample images for the panel. The op itself is
// select-tokens.ts.
import * as tf from '../tf';
import { type ExperimentConfig } from '../config';
import { keptTokens, numPatches } from '../facts';
import type { Rng, RngState } from '../rng';
import type { ViTModel } from './model';
import { patchScores } from './select-tokens';
import { embed, type TokenPlan } from './vit';

export const TAU_START = 10;
export const TAU_END = 0.1;

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

  /** Plan for a training step: seeded Gumbel noise and the temperature at step t. */
  trainPlan(batch: number, t: number): TokenPlan {
    const noise = tf.tensor2d(Float32Array.from({ length: batch * this.n }, () => this.rng.gumbel()), [batch, this.n]);
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
    return { k: this.k };
  }

  private topIndices(images: tf.Tensor4D): tf.Tensor2D {
    const P = this.model.params;
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

}
