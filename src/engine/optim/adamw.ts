// AdamW with moments keyed by parameter name (tfjs's Adam keys them by list position and fixes
// the learning rate at construction). Decoupled weight decay only where `decay` is set.
import * as tf from '../tf';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
  decay: boolean;
}

export class AdamW {
  private readonly slots = new Map<string, Slot>();
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(opts: AdamWOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
  }

  get stepCount(): number {
    return this.t;
  }

  addParam(name: string, shape: number[], decay: boolean): void {
    const zeros = tf.zeros(shape);
    this.slots.set(name, { m: tf.variable(zeros, false), v: tf.variable(zeros, false), decay });
    zeros.dispose(); // variables copy-on-write share its data; the handle itself must go
  }

  /** One update of every parameter that has a gradient. Grads are keyed by parameter name. */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number, weightDecay: number): void {
    this.t += 1;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const slot = this.slots.get(name);
        const param = params.get(name);
        if (!slot || !param) throw new Error(`AdamW: unknown parameter ${name}`);
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        slot.m.assign(m);
        slot.v.assign(v);
        const stepDir = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), this.eps));
        let next = tf.sub(param, tf.mul(stepDir, lr));
        if (slot.decay && weightDecay > 0) next = tf.sub(next, tf.mul(param, lr * weightDecay));
        param.assign(next);
      }
    });
  }

  /** Multiply a parameter's moments by a 0/1 mask: reset the history of entries that (re)appear or vanish. */
  maskMoments(name: string, keep: tf.Tensor): void {
    const slot = this.slots.get(name);
    if (!slot) return;
    tf.tidy(() => {
      slot.m.assign(tf.mul(slot.m, keep));
      slot.v.assign(tf.mul(slot.v, keep));
    });
  }

  moments(name: string): { m: tf.Variable; v: tf.Variable } | undefined {
    return this.slots.get(name);
  }

  dispose(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }
}
