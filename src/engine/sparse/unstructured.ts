// SViTE: unstructured dynamic sparsity with an exact per-layer budget (method.md §2).
// Masks live on the device as 0/1 float tensors; counts are known in JS, so an update needs no
// readback. Gradients of inactive entries are masked before the optimizer, so their AdamW moments
// stay zero: a grown weight starts at 0 with fresh moments (a stale history would kick it with a
// step sized for a different weight), and a pruned weight's moments are cleared at the update.
import * as tf from '../tf';
import type { ExperimentConfig } from '../config';
import type { ViTModel } from '../model/model';
import type { AdamW } from '../optim/adamw';
import type { Rng } from '../rng';
import type { MaskBits, UpdateEvent } from '../snapshot';
import { activeCounts, layerDensities } from './erk';
import { packBits, randomMask } from './masks';
import { pruneAndGrow } from './prune-grow';
import { isUpdateStep, swapCount, updateFraction } from './schedule';

interface LayerState {
  name: string;
  size: number;
  rows: number;
  cols: number;
  active: number;
  mask: tf.Variable;
  fired: tf.Variable;
}

export class UnstructuredSparsity {
  readonly layers: LayerState[] = [];
  readonly densities: Record<string, number>;

  constructor(private readonly model: ViTModel, private readonly config: ExperimentConfig, private readonly rng: Rng) {
    const specs = model.specs.filter((s) => s.sparse);
    this.densities = layerDensities(specs, config.density, config.distribution);
    const counts = activeCounts(specs, this.densities);
    for (const s of specs) {
      const size = s.shape[0] * s.shape[1];
      const bits = randomMask(size, counts[s.name], rng);
      // Two tensors, not one shared by both variables: a shared buffer would split at the first update.
      const [m, f] = [tf.tensor(bits, s.shape), tf.tensor(bits, s.shape)];
      const layer: LayerState = {
        name: s.name, size, rows: s.shape[0], cols: s.shape[1], active: counts[s.name],
        mask: tf.variable(m, false), fired: tf.variable(f, false),
      };
      tf.dispose([m, f]);
      this.layers.push(layer);
    }
    this.applyMasks();
  }

  /** Replace the masks (import): 1 = active, our layout. The fired record restarts from them. */
  setMasks(masks: Map<string, Uint8Array>): void {
    for (const l of this.layers) {
      const m = masks.get(l.name);
      if (!m) continue;
      if (m.length !== l.size) throw new Error(`mask ${l.name}: ${m.length} entries, expected ${l.size}`);
      let active = 0;
      for (let i = 0; i < m.length; i++) active += m[i] ? 1 : 0;
      l.active = active;
      tf.tidy(() => {
        const t = tf.tensor(Float32Array.from(m, (v) => (v ? 1 : 0)), [l.rows, l.cols]);
        l.mask.assign(t);
        l.fired.assign(t);
      });
    }
    this.applyMasks();
  }

  /** W ← W ⊙ M for every sparse layer. */
  applyMasks(): void {
    tf.tidy(() => {
      for (const l of this.layers) {
        const w = this.model.params.get(l.name)!;
        w.assign(tf.mul(w, l.mask));
      }
    });
  }

  /** Gradients for the optimizer: inactive entries get none. Call inside a tidy. */
  maskGradients(grads: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
    const out = new Map(grads);
    for (const l of this.layers) {
      const g = grads.get(l.name);
      if (g) out.set(l.name, tf.mul(g, l.mask));
    }
    return out;
  }

  isUpdateStep(step: number): boolean {
    return isUpdateStep(this.config, step);
  }

  /** Prune and grow every layer after the optimizer step `step`, using the batch's dense gradients. */
  update(step: number, denseGrads: Map<string, tf.Tensor>, opt: AdamW): UpdateEvent[] {
    const dr = updateFraction(this.config, step);
    const events: UpdateEvent[] = [];
    const momentMasks = new Map<string, tf.Tensor>(); // applied in one batched AdamW call
    for (const l of this.layers) {
      const k = swapCount(dr, l.active);
      const w = this.model.params.get(l.name)!;
      tf.tidy(() => {
        const score = this.config.growth === 'gradient'
          ? denseGrads.get(l.name)!
          : tf.tensor(Float32Array.from({ length: l.size }, () => this.rng.next()), w.shape);
        const r = pruneAndGrow(l.mask, w, score, k);
        // Entries alive both before and after keep their moments; the rest restart from zero.
        momentMasks.set(l.name, tf.keep(tf.mul(l.mask, r.mask)));
        l.mask.assign(r.mask);
        l.fired.assign(tf.maximum(l.fired, r.mask));
        w.assign(tf.mul(w, r.mask)); // pruned weights to 0; grown ones are already 0
      });
      events.push({ step, layer: l.name, pruned: k, grown: k, globalDensity: this.globalDensity(), fraction: dr });
    }
    opt.maskMany(momentMasks);
    tf.dispose([...momentMasks.values()]);
    return events;
  }

  get totalEntries(): number {
    return this.layers.reduce((s, l) => s + l.size, 0);
  }

  globalDensity(): number {
    return this.layers.reduce((s, l) => s + l.active, 0) / this.totalEntries;
  }

  layerDensity(): Record<string, number> {
    return Object.fromEntries(this.layers.map((l) => [l.name, l.active / l.size]));
  }

  /** Bitsets of the masks and the fired fractions (one readback per layer, at frame cadence). */
  async readMasks(): Promise<{ masks: MaskBits[]; fired: Record<string, number>; globalFired: number }> {
    const masks: MaskBits[] = [];
    const fired: Record<string, number> = {};
    let firedTotal = 0;
    for (const l of this.layers) {
      const m = (await l.mask.data()) as Float32Array;
      const { bits, active } = packBits(m);
      masks.push({ name: l.name, rows: l.rows, cols: l.cols, bits, active });
      const s = tf.sum(l.fired);
      const f = (await s.data())[0];
      s.dispose();
      fired[l.name] = f / l.size;
      firedTotal += f;
    }
    return { masks, fired, globalFired: firedTotal / this.totalEntries };
  }

  dispose(): void {
    for (const l of this.layers) {
      l.mask.dispose();
      l.fired.dispose();
    }
  }
}
