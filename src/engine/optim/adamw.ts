// AdamW with moments keyed by parameter name (tfjs's Adam keys them by list position and fixes
// the learning rate at construction). Decoupled weight decay only where `decay` is set.
//
// The update is fused: parameters live in a few flat buckets (one decay class each, bounded
// size), and one step runs ~20 kernels per bucket instead of ~17 per parameter. A small ViT has
// ~60 parameters, so this removes about a thousand kernel launches per step: on WASM and WebGPU
// that fixed cost, not arithmetic, dominates small and sparse models.
import * as tf from '../tf';
import { sizeOf } from '../facts/shape';
import { adamwBucketStep, adamwFusedOn, clipScale } from '../kernels/adamw-step';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Largest bucket, in elements: bounds the temporary copies a step makes (default 4 Mi). */
  bucketElements?: number;
  /**
   * Entries whose moments `maskMany` resets restart their bias correction too, as a fresh Adam
   * would: their first step is ±lr. With the global correction (off) a restarted entry's first
   * steps move by up to ~3 × lr, since the global factor has long decayed to 1 while its moments
   * start from zero. Costs a per-entry age in every bucket that was ever reset.
   */
  restartBiasCorrection?: boolean;
}

interface Bucket {
  decay: boolean;
  /** This bucket's learning rate as a fraction of the step's (SViTE+'s selector has its own). */
  lrScale: number;
  names: string[];
  shapes: number[][]; // current layout of each member (structured parameters change it)
  /** Flat moments, Σ sizes; allocated on first use, so registering is cheap. */
  m: tf.Variable | null;
  v: tf.Variable | null;
  /** Steps since each entry's moments last restarted; only with restartBiasCorrection, once reset. */
  age: tf.Variable | null;
}

/** What the next steps read: the step count and each bucket's flat moments, in their current layout. */
export interface AdamWState {
  t: number;
  buckets: { m: Float32Array; v: Float32Array; age: Float32Array | null }[];
}

const total = (b: Bucket): number => b.shapes.reduce((a, s) => a + sizeOf(s), 0);

export class AdamW {
  private readonly buckets: Bucket[] = [];
  private readonly where = new Map<string, Bucket>();
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly bucketElements: number;
  private readonly restartBiasCorrection: boolean;

  constructor(opts: AdamWOptions = {}) {
    this.restartBiasCorrection = opts.restartBiasCorrection ?? false;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.bucketElements = opts.bucketElements ?? 4 * 2 ** 20;
  }

  get stepCount(): number {
    return this.t;
  }

  /** The variables a step assigns (moments, ages) and its step count: what a rollback puts back (Trainer.steps). */
  stepState(): { t: number; variables: tf.Variable[] } {
    return { t: this.t, variables: this.buckets.flatMap((b) => [b.m, b.v, b.age].filter((x): x is tf.Variable => x !== null)) };
  }

  /** Back to an earlier step count; the caller has put the variables of stepState() back. */
  rewindTo(t: number): void {
    if (!(Number.isInteger(t) && t >= 0 && t <= this.t)) throw new Error(`AdamW: cannot rewind from step ${this.t} to ${t}`);
    this.t = t;
  }

  addParam(name: string, shape: number[], decay: boolean, lrScale = 1): void {
    if (this.where.has(name)) throw new Error(`AdamW: parameter ${name} added twice`);
    if (this.buckets.some((b) => b.m)) throw new Error('AdamW: parameters must all be added before the first step');
    const n = sizeOf(shape);
    let b = [...this.buckets].reverse().find((x) => x.decay === decay && x.lrScale === lrScale);
    if (!b || total(b) + n > this.bucketElements) {
      b = { decay, lrScale, names: [], shapes: [], m: null, v: null, age: null };
      this.buckets.push(b);
    }
    b.names.push(name);
    b.shapes.push([...shape]);
    this.where.set(name, b);
  }

  /** Allocate the moments of every parameter added so far (else done at first use). */
  allocate(): void {
    for (const b of this.buckets) this.state(b);
  }

  /**
   * One update of every parameter. Grads are keyed by parameter name and must cover every
   * registered parameter, in its current layout. With `clipNorm` > 0 the gradients are first
   * scaled so their global L2 norm is at most clipNorm (on the device, no readback).
   */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number, weightDecay: number, clipNorm = 0): void {
    const t = this.t + 1; // counted once the step went through
    const bc1 = 1 - this.beta1 ** t;
    const bc2 = 1 - this.beta2 ** t;
    if (adamwFusedOn()) this.applyFused(params, grads, lr, weightDecay, clipNorm, bc1, bc2);
    else tf.tidy(() => {
      const flat = this.buckets.map((b) => tf.concat(b.names.map((name, i) => {
        const g = grads.get(name);
        if (!g) throw new Error(`AdamW: no gradient for ${name}`);
        if (g.size !== sizeOf(b.shapes[i])) throw new Error(`AdamW: gradient of ${name} has shape [${g.shape}], its moments [${b.shapes[i]}]`);
        return tf.reshape(g, [-1]);
      })));
      let scale: tf.Tensor | null = null;
      if (clipNorm > 0) {
        const sq = flat.map((g) => tf.sum(tf.square(g))).reduce((a, c) => tf.add(a, c));
        scale = tf.div(clipNorm, tf.maximum(tf.sqrt(sq), clipNorm));
      }
      for (const [j, b] of this.buckets.entries()) {
        const vars = b.names.map((name) => {
          const p = params.get(name);
          if (!p) throw new Error(`AdamW: unknown parameter ${name}`);
          return p;
        });
        const g = scale ? tf.mul(flat[j], scale) : flat[j];
        const p = tf.concat(vars.map((x) => tf.reshape(x, [-1])));
        const [bm, bv] = this.state(b);
        const m = tf.add(tf.mul(bm, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(bv, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        bm.assign(m);
        bv.assign(v);
        let stepDir: tf.Tensor;
        if (b.age) {
          // Per-entry correction 1 − β^age, age counted from the entry's last restart.
          const age = tf.add(b.age, 1);
          b.age.assign(age);
          const c1 = tf.sub(1, tf.exp(tf.mul(age, Math.log(this.beta1))));
          const c2 = tf.sub(1, tf.exp(tf.mul(age, Math.log(this.beta2))));
          stepDir = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
        } else {
          stepDir = tf.div(tf.mul(m, 1 / bc1), tf.add(tf.sqrt(tf.mul(v, 1 / bc2)), this.eps));
        }
        // Decoupled decay: p·(1 − lr·wd) − lr·step.
        const lrB = lr * b.lrScale;
        const kept = b.decay && weightDecay > 0 ? tf.mul(p, 1 - lrB * weightDecay) : p;
        const next = tf.sub(kept, tf.mul(stepDir, lrB));
        const parts = tf.split(next, b.shapes.map(sizeOf));
        vars.forEach((x, i) => x.assign(tf.reshape(parts[i], x.shape)));
      }
    });
    this.t = t;
  }

  /** `apply` as one kernel per bucket (and one for the clipping scale), reading every parameter where it lies. */
  private applyFused(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number, weightDecay: number, clipNorm: number, bc1: number, bc2: number): void {
    tf.tidy(() => {
      const gradsOf = this.buckets.map((b) => b.names.map((name, i) => {
        const g = grads.get(name);
        if (!g) throw new Error(`AdamW: no gradient for ${name}`);
        if (g.size !== sizeOf(b.shapes[i])) throw new Error(`AdamW: gradient of ${name} has shape [${g.shape}], its moments [${b.shapes[i]}]`);
        return g;
      }));
      const byBucket = this.buckets.map((b, j) => b.names.map((name, i) => {
        const p = params.get(name);
        if (!p) throw new Error(`AdamW: unknown parameter ${name}`);
        if (p.size !== sizeOf(b.shapes[i])) throw new Error(`AdamW: parameter ${name} has shape [${p.shape}], its moments [${b.shapes[i]}]`);
        return { p, g: gradsOf[j][i] };
      }));
      const scale = clipNorm > 0 ? clipScale(byBucket.flat().map((x) => x.g), clipNorm) : null;
      for (const [j, b] of this.buckets.entries()) {
        const [m, v] = this.state(b);
        const next = adamwBucketStep({ m, v, age: b.age }, byBucket[j].map((x) => x.p), byBucket[j].map((x) => x.g), scale, {
          lr: lr * b.lrScale, decayRate: b.decay ? lr * b.lrScale * weightDecay : 0, beta1: this.beta1, beta2: this.beta2, eps: this.eps, bc1, bc2,
        });
        m.assign(next.m);
        v.assign(next.v);
        if (b.age && next.age) b.age.assign(next.age);
        byBucket[j].forEach((x, i) => x.p.assign(next.params[i]));
      }
    });
  }

  /**
   * Replace parameters' moments by f(m), f(v), whose shape may differ: the structured parameters
   * move between their full and their compact (live units only) layout. Each bucket touched is
   * split and joined once, not once per parameter (a topology update remaps dozens; per
   * parameter, DeiT-Tiny's update step copied its 4 Mi-element buckets ~200 times).
   */
  remapMany(fns: Map<string, (t: tf.Tensor) => tf.Tensor>): void {
    const byBucket = new Map<Bucket, [number, (t: tf.Tensor) => tf.Tensor][]>();
    for (const [name, f] of fns) {
      const b = this.where.get(name);
      if (!b) continue;
      if (!byBucket.has(b)) byBucket.set(b, []);
      byBucket.get(b)!.push([b.names.indexOf(name), f]);
    }
    for (const [b, list] of byBucket) {
      const shapes = b.shapes.map((s) => [...s]);
      this.resize(b, (flat) => {
        const parts = tf.split(flat, b.shapes.map(sizeOf));
        for (const [i, f] of list) {
          const mapped = f(tf.reshape(parts[i], b.shapes[i]));
          shapes[i] = mapped.shape;
          parts[i] = tf.reshape(mapped, [-1]);
        }
        return tf.concat(parts);
      });
      b.shapes = shapes;
    }
  }

  /**
   * Multiply parameters' moments by 0/1 masks (name → keep mask): reset the history of entries
   * that (re)appear or vanish.
   */
  maskMany(masks: Map<string, tf.Tensor>): void {
    if (this.restartBiasCorrection)
      for (const name of masks.keys()) {
        const b = this.where.get(name);
        if (b && !b.age) b.age = tf.tidy(() => tf.variable(tf.fill([total(b)], this.t), false));
      }
    this.remapMany(new Map([...masks].map(([name, keep]) => [name, (m: tf.Tensor) => tf.mul(m, keep)])));
  }

  /** A copy of a parameter's moments, in its current layout (tests, inspection). */
  moments(name: string): { m: tf.Tensor; v: tf.Tensor } | undefined {
    const b = this.where.get(name);
    if (!b) return undefined;
    const i = b.names.indexOf(name);
    const offset = b.shapes.slice(0, i).reduce((a, s) => a + sizeOf(s), 0);
    const n = sizeOf(b.shapes[i]);
    const [bm, bv] = this.state(b);
    return tf.tidy(() => ({ m: tf.reshape(tf.slice(bm, offset, n), b.shapes[i]), v: tf.reshape(tf.slice(bv, offset, n), b.shapes[i]) }));
  }

  /** A copy of the whole state (a checkpoint); buckets of compact parameters are in their compact layout. */
  async exportState(): Promise<AdamWState> {
    const buckets: AdamWState['buckets'] = [];
    for (const b of this.buckets) {
      const [m, v] = this.state(b);
      buckets.push({
        m: (await m.data() as Float32Array).slice(), v: (await v.data() as Float32Array).slice(),
        age: b.age ? (await b.age.data() as Float32Array).slice() : null,
      });
    }
    return { t: this.t, buckets };
  }

  /**
   * Continue from an exportState() of an optimizer over the same parameters, laid out as they are
   * here now (the sparsity method restores its layout first). Throws, changing nothing, on a mismatch.
   */
  importState(s: AdamWState): void {
    if (!(Number.isInteger(s.t) && s.t >= 0)) throw new Error(`optimizer step count ${s.t} is not a whole number ≥ 0`);
    if (s.buckets.length !== this.buckets.length) throw new Error(`optimizer state has ${s.buckets.length} buckets, expected ${this.buckets.length}`);
    s.buckets.forEach((x, j) => {
      const n = total(this.buckets[j]);
      for (const [what, a] of [['m', x.m], ['v', x.v], ['age', x.age]] as const)
        if (a && a.length !== n) throw new Error(`optimizer bucket ${j}: ${what} has ${a.length} entries, expected ${n}`);
    });
    s.buckets.forEach((x, j) => {
      const b = this.buckets[j];
      const [m, v] = this.state(b);
      tf.tidy(() => {
        m.assign(tf.tensor1d(x.m));
        v.assign(tf.tensor1d(x.v));
      });
      b.age?.dispose();
      b.age = x.age ? tf.tidy(() => tf.variable(tf.tensor1d(x.age!), false)) : null;
    });
    this.t = s.t;
  }

  /** A bucket's moment variables, zeros at first use. */
  private state(b: Bucket): [tf.Variable, tf.Variable] {
    if (!b.m || !b.v) {
      // One zeros each (not one shared): a shared buffer would split at the first step.
      const [zm, zv] = [tf.zeros([total(b)]), tf.zeros([total(b)])];
      b.m = tf.variable(zm, false);
      b.v = tf.variable(zv, false);
      tf.dispose([zm, zv]); // the variables hold the data; these handles must go
    }
    return [b.m, b.v];
  }

  /** Apply f to both flat moment vectors of a bucket, replacing the variables (the length may change). */
  private resize(b: Bucket, f: (flat: tf.Tensor) => tf.Tensor): void {
    const [bm, bv] = this.state(b);
    const old = [bm, bv, ...(b.age ? [b.age] : [])];
    const [m, v, age] = tf.tidy(() => old.map(f));
    tf.dispose(old);
    b.m = tf.variable(m, false);
    b.v = tf.variable(v, false);
    b.age = age ? tf.variable(age, false) : null;
    tf.dispose([m, v, ...(age ? [age] : [])]);
  }

  dispose(): void {
    for (const b of this.buckets) tf.dispose([b.m, b.v, b.age].filter((x): x is tf.Variable => x !== null));
    this.buckets.length = 0;
    this.where.clear();
  }
}
