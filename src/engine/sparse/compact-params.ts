// Compact copies of the structured parameters: only the live rows/columns, as their own
// variables. Between two topology updates the live sets do not change, so the training steps and
// inference run on these small matrices directly: no per-step gathers, scatter gradients, gradient
// masks or full-size optimizer work, which is what makes the removed units' FLOPs cost no time.
// The full-size variables stay the truth for everything else (update probe, export, snapshots)
// and are brought up to date by `flush`/`release`.
import * as tf from '../tf';
import type { AdamW } from '../optim/adamw';

/** The live slice of one parameter: indices along one axis of a 1-D or 2-D tensor. */
export interface LiveSlice {
  name: string;
  axis: 0 | 1;
  idx: tf.Tensor1D; // int32, unique
}

/** Rows of x [n, …] or columns of x [m, n] (axis 1) at idx → their full-shape scatter, zeros elsewhere. */
function scatterAlong(x: tf.Tensor, idx: tf.Tensor1D, axis: 0 | 1, shape: number[]): tf.Tensor {
  const at = tf.reshape(idx, [-1, 1]);
  if (axis === 0) return tf.scatterND(at, x, shape);
  return tf.transpose(tf.scatterND(at, tf.transpose(x), [shape[1], shape[0]]));
}

export class CompactParams {
  private readonly vars = new Map<string, tf.Variable>();
  private slices: LiveSlice[] = [];

  constructor(private readonly full: Map<string, tf.Variable>, private readonly opt?: AdamW) {}

  get active(): boolean {
    return this.vars.size > 0;
  }

  /** The full parameters with the compact ones in their place. */
  overlay(): Map<string, tf.Variable> {
    const out = new Map(this.full);
    for (const [n, v] of this.vars) out.set(n, v);
    return out;
  }

  /** Take the live slices of the full parameters (and of their optimizer moments) as the compact ones. */
  gather(slices: LiveSlice[]): void {
    if (this.active) throw new Error('compact parameters already taken: release them first');
    this.slices = slices;
    for (const s of slices) {
      const t = tf.tidy(() => tf.gather(this.full.get(s.name)!, s.idx, s.axis));
      this.vars.set(s.name, tf.variable(t, true));
      t.dispose();
    }
    this.opt?.remapMany(new Map(slices.map((s) => [s.name, (m: tf.Tensor) => tf.gather(m, s.idx, s.axis)])));
  }

  /** Write the compact values into the full parameters (dead units keep theirs). */
  flush(): void {
    tf.tidy(() => {
      for (const s of this.slices) {
        const f = this.full.get(s.name)!, c = this.vars.get(s.name)!;
        // A select, not f + scatter(c − f): that would round, and export → import must be exact.
        const live = tf.greater(scatterAlong(tf.onesLike(c), s.idx, s.axis, f.shape), 0);
        f.assign(tf.where(live, scatterAlong(c, s.idx, s.axis, f.shape), f));
      }
    });
  }

  /**
   * Back to the full layout: values flushed unless `discard` (the full parameters were just
   * overwritten, e.g. by an import), moments scattered (dead units' moments are zero), compact
   * variables disposed. The slices' index tensors belong to the caller.
   */
  release(discard = false): void {
    if (!this.active) return;
    if (!discard) this.flush();
    this.opt?.remapMany(new Map(this.slices.map((s) => [s.name, (m: tf.Tensor) => scatterAlong(m, s.idx, s.axis, this.full.get(s.name)!.shape)])));
    this.dispose();
  }

  /** Drop the compact variables without writing anything back (the owner is being disposed). */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.slices = [];
  }
}
