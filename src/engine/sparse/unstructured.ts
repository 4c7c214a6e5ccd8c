// SViTE: unstructured dynamic sparsity with an exact per-layer budget (method.md §2).
// Masks live on the device as 0/1 float tensors; counts are known in JS, so an update needs no
// readback. Gradients of inactive entries are masked before the optimizer, so their AdamW moments
// stay zero: a grown weight starts at 0 with fresh moments (a stale history would kick it with a
// step sized for a different weight), and a pruned weight's moments are cleared at the update.
import * as tf from '../tf';
import type { ExperimentConfig } from '../config';
import { isTopologyUpdateStep, sizeOf } from '../facts';
import type { FlopsState } from '../flops';
import type { StateReader, StateWriter } from '../io/state-bundle';
import type { ViTModel } from '../model/model';
import type { ParamMap } from '../model/vit';
import type { AdamW } from '../optim/adamw';
import type { Rng } from '../rng';
import type { MaskBits, UpdateEvent } from '../snapshot';
import { activeCounts, layerDensities } from './erk';
import { packBits, randomMask } from './masks';
import { variableNames, type MethodSnapshot, type SavedSparseState, type SparseState, type SparsityMethod, type StepView } from './method';
import { pruneAndGrow } from './prune-grow';
import { swapCount, updateFraction } from './schedule';

interface LayerState {
  name: string;
  size: number;
  rows: number;
  cols: number;
  active: number;
  mask: tf.Variable;
  fired: tf.Variable;
}

export class UnstructuredSparsity implements SparsityMethod {
  readonly layers: LayerState[] = [];
  private readonly view: StepView;

  constructor(private readonly model: ViTModel, private readonly config: ExperimentConfig, private readonly rng: Rng) {
    const specs = model.specs.filter((s) => s.sparse);
    const counts = activeCounts(specs, layerDensities(specs, config.density, config.distribution));
    for (const s of specs) {
      const size = sizeOf(s.shape);
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
    this.view = { params: model.params, nameOf: variableNames(model.params), probes: [] };
  }

  beginStep(): StepView {
    return this.view;
  }

  /** The reference's rule: the dense step moved inactive weights; W ← W ⊙ M puts them back to 0. */
  afterOptimizer(): void {
    if (this.config.sparseMoments === 'keep') this.applyMasks();
  }

  endStep(): void {}

  inference(): { params: ParamMap } {
    return { params: this.model.params };
  }

  flush(): void {}

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

  /**
   * Gradients for the optimizer: inactive entries get none, so their moments stay zero. Under the
   * reference's rule ('keep') the optimizer sees dense gradients instead. Call inside a tidy.
   */
  maskGradients(grads: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
    if (this.config.sparseMoments === 'keep') return grads;
    const out = new Map(grads);
    for (const l of this.layers) {
      const g = grads.get(l.name);
      if (g) out.set(l.name, tf.mul(g, l.mask));
    }
    return out;
  }

  isUpdateStep(step: number): boolean {
    return isTopologyUpdateStep(this.config, step);
  }

  /** Gradient growth reads every sparse layer's dense gradient (in layer order); random growth nothing. */
  updateSignal(grads: Map<string, tf.Tensor>): tf.Tensor[] {
    return this.config.growth === 'gradient' ? this.layers.map((l) => grads.get(l.name)!) : [];
  }

  /** Prune and grow every layer after the optimizer step `step`. */
  async update(step: number, denseGrads: tf.Tensor[], opt: AdamW): Promise<UpdateEvent[]> {
    const dr = updateFraction(this.config, step);
    const events: UpdateEvent[] = [];
    const momentMasks = new Map<string, tf.Tensor>(); // applied in one batched AdamW call
    for (const [i, l] of this.layers.entries()) {
      const k = swapCount(dr, l.active);
      const w = this.model.params.get(l.name)!;
      tf.tidy(() => {
        const score = this.config.growth === 'gradient'
          ? denseGrads[i]
          : tf.tensor(Float32Array.from({ length: l.size }, () => this.rng.next()), w.shape);
        const mask = pruneAndGrow(l.mask, w, score, k);
        // Entries alive both before and after keep their moments; the rest restart from zero.
        momentMasks.set(l.name, tf.keep(tf.mul(l.mask, mask)));
        l.mask.assign(mask);
        l.fired.assign(tf.maximum(l.fired, mask));
        w.assign(tf.mul(w, mask)); // pruned weights to 0; grown ones are already 0
      });
      events.push({ step, layer: l.name, pruned: k, grown: k, globalDensity: this.globalDensity(), fraction: dr });
    }
    if (this.config.sparseMoments !== 'keep') opt.maskMany(momentMasks); // the reference never resets them
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

  flopsState(): FlopsState {
    return { layerDensity: this.layerDensity() };
  }

  async snapshot(): Promise<MethodSnapshot> {
    const r = await this.readMasks();
    return {
      masks: r.masks, density: this.layerDensity(), firedDensity: r.fired,
      globalDensity: this.globalDensity(), globalFiredDensity: r.globalFired,
      headsAlive: null, headScores: null, neuronsAlive: null,
    };
  }

  async exportState(): Promise<SparseState> {
    const masks = new Map<string, Uint8Array>();
    for (const l of this.layers) masks.set(l.name, Uint8Array.from((await l.mask.data()) as Float32Array));
    return { masks };
  }

  /** Masks from the file; a file without them: each sparse weight's nonzero pattern is its mask. */
  restore(state: SavedSparseState, params: Map<string, Float32Array>): void {
    const masks = new Map(state.masks ?? []);
    for (const l of this.layers)
      if (!masks.has(l.name)) masks.set(l.name, Uint8Array.from(params.get(l.name)!, (v) => (v !== 0 ? 1 : 0)));
    this.setMasks(masks);
  }

  async saveState(w: StateWriter): Promise<void> {
    for (const l of this.layers) {
      w.array(`${l.name}.mask`, Uint8Array.from(await l.mask.data() as Float32Array), [l.rows, l.cols]);
      w.array(`${l.name}.fired`, Uint8Array.from(await l.fired.data() as Float32Array), [l.rows, l.cols]);
    }
    w.value('rng', this.rng.state());
  }

  /** Masks, fired record and growth stream as saved; the weights (already masked) are the trainer's. */
  loadState(r: StateReader): void {
    const read = this.layers.map((l) => ({ l, mask: r.bits(`${l.name}.mask`, l.size), fired: r.bits(`${l.name}.fired`, l.size) }));
    const rng = r.rng('rng');
    for (const { l, mask, fired } of read) {
      l.active = mask.reduce((a, v) => a + v, 0);
      tf.tidy(() => {
        l.mask.assign(tf.tensor(Float32Array.from(mask), [l.rows, l.cols]));
        l.fired.assign(tf.tensor(Float32Array.from(fired), [l.rows, l.cols]));
      });
    }
    this.rng.setState(rng);
  }

  /** Bitsets of the masks and the fired fractions (one readback per layer, at frame cadence). */
  private async readMasks(): Promise<{ masks: MaskBits[]; fired: Record<string, number>; globalFired: number }> {
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
