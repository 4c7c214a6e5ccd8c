// S²ViTE: whole attention heads and MLP neurons, fixed budget per block (method.md §3).
// Between updates the live sets are constant, so the structured parameters live in compact form
// (live rows/columns only, see compact-params.ts) and only they are computed. At an update step
// the step runs a full-width probe: a per-sample gate [B,H] and a zero probe [B,T,H,hd] on every
// head's output give, through their gradients, the Taylor prune score
// S_h = mean_b |Σ a_h·∂L/∂a_h| and the grow score G_h = mean_b Σ|∂L/∂a_h| in one backward pass.
// Which entries of which parameters a unit owns, and what happens to them when it dies or
// regrows, is the unit table's (units.ts).
import * as tf from '../tf';
import type { ExperimentConfig } from '../config';
import { headDim, isTopologyUpdateStep, keptHeads, keptNeurons, mlpHidden, topologySchedule } from '../facts';
import type { FlopsState } from '../flops';
import type { StateReader, StateWriter } from '../io/state-bundle';
import type { ViTModel } from '../model/model';
import type { BlockPlan, ParamMap } from '../model/vit';
import type { AdamW } from '../optim/adamw';
import type { Rng } from '../rng';
import type { UpdateEvent } from '../snapshot';
import { CompactParams, type LiveSlice } from './compact-params';
import { variableNames, type MethodSnapshot, type SavedSparseState, type SparseState, type SparsityMethod, type StepView } from './method';
import { swapCount, updateFraction } from './schedule';
import { selectSwap } from './swap';
import {
  UNIT_PARAMS, UNIT_WEIGHTS, axisLength, unitGlobalDensity, unitIndices, unitLayerDensity, unitParamName,
  type UnitKind, type UnitParam,
} from './units';

type PerKind<T> = Record<UnitKind, T>;

/** grownAt of a unit live from the start: protected by no update. */
const NEVER = -1_000_000;

/** 0/1 over a parameter's unit axis, shaped to broadcast against it ([n, 1] for rows of a matrix). */
function axisVector(p: UnitParam, values: Float32Array): tf.Tensor {
  return p.kind === 'weight' && p.axis === 0 ? tf.tensor2d(values, [values.length, 1]) : tf.tensor1d(values);
}

export class StructuredSparsity implements SparsityMethod {
  readonly depth: number;
  readonly H: number;
  readonly hidden: number;
  /** 1 = live; depth × H and depth × hidden, row-major. The JS copy is the truth; the device follows. */
  readonly headsAlive: Uint8Array;
  readonly neuronsAlive: Uint8Array;
  readonly headScores: Float32Array;
  /** 1 = ever live during the run (the explored, "fired" units), same layout as the live sets. */
  private readonly headsFired: Uint8Array;
  private readonly neuronsFired: Uint8Array;
  /** The update (1-based) that last grew each unit; NEVER for units live from the start. */
  private readonly headsGrownAt: Int32Array;
  private readonly neuronsGrownAt: Int32Array;
  /** Topology updates done so far. */
  private updatesDone = 0;
  private slices: LiveSlice[] = [];
  /** Full-layout gradient masks, one per block × unit-table entry. */
  private gradMasks: tf.Tensor[] = [];
  private readonly compact: CompactParams;
  private probes: { gate: tf.Variable<tf.Rank.R2>; out: tf.Variable<tf.Rank.R4> }[] = [];
  /** The compact step view, until the live sets change. */
  private view: StepView | null = null;

  /** `opt`: the optimizer whose moments follow the parameters between full and compact layout. */
  constructor(private readonly model: ViTModel, private readonly config: ExperimentConfig, private readonly rng: Rng, private readonly opt?: AdamW) {
    const c = config;
    this.compact = new CompactParams(model.params, opt);
    this.depth = c.depth;
    this.H = c.numHeads;
    this.hidden = mlpHidden(c);
    this.headsAlive = new Uint8Array(this.depth * this.H);
    this.neuronsAlive = new Uint8Array(this.depth * this.hidden);
    this.headScores = new Float32Array(this.depth * this.H).fill(NaN);
    const h = keptHeads(c), n = keptNeurons(c);
    for (let b = 0; b < this.depth; b++) {
      for (const i of rng.sample(this.H, h)) this.headsAlive[b * this.H + i] = 1;
      for (const j of rng.sample(this.hidden, n)) this.neuronsAlive[b * this.hidden + j] = 1;
    }
    this.headsFired = this.headsAlive.slice();
    this.neuronsFired = this.neuronsAlive.slice();
    this.headsGrownAt = new Int32Array(this.depth * this.H).fill(NEVER);
    this.neuronsGrownAt = new Int32Array(this.depth * this.hidden).fill(NEVER);
    for (let b = 0; b < this.depth; b++) this.zeroDeadUnits(b, null);
    this.rebuild();
  }

  isUpdateStep(step: number): boolean {
    return isTopologyUpdateStep(this.config, step);
  }

  private units(kind: UnitKind, b: number): Uint8Array {
    const n = kind === 'head' ? this.H : this.hidden;
    return (kind === 'head' ? this.headsAlive : this.neuronsAlive).subarray(b * n, (b + 1) * n);
  }

  private live(kind: UnitKind, b: number): number[] {
    const out: number[] = [];
    this.units(kind, b).forEach((v, i) => v && out.push(i));
    return out;
  }

  /** 0/1 over `p`'s unit axis: 1 at the entries of `units`. */
  private indicator(p: UnitParam, units: number[]): Float32Array {
    const out = new Float32Array(axisLength(p, this.config));
    for (const i of unitIndices(p, units, this.config)) out[i] = 1;
    return out;
  }

  /** Live slices, compact parameters and the full-layout gradient masks for the current live sets. */
  private rebuild(): void {
    this.compact.release();
    this.disposePlans();
    for (let b = 0; b < this.depth; b++) {
      const live: PerKind<number[]> = { head: this.live('head', b), neuron: this.live('neuron', b) };
      for (const p of UNIT_PARAMS) {
        const idx = unitIndices(p, live[p.unit], this.config);
        this.slices.push({ name: unitParamName(b, p), axis: p.axis, idx: tf.tensor1d(idx, 'int32') });
        this.gradMasks.push(axisVector(p, this.indicator(p, live[p.unit])));
      }
    }
    this.compact.gather(this.slices);
  }

  /**
   * Between updates: the compact parameters, live heads only. At an update step: the full layout
   * (removed units are zeros with masked gradients) plus the probes that give the scores.
   */
  beginStep(update: boolean, batch: number, tokens: number): StepView {
    if (!update) {
      if (this.view) return this.view;
      const params = this.compact.overlay();
      const blocks = this.compact.active ? this.headsPerBlock().map((heads) => ({ heads })) : this.fullWidth();
      this.view = { params, nameOf: variableNames(params), blocks, probes: [] };
      return this.view;
    }
    this.expand();
    this.releaseProbe();
    const blocks: BlockPlan[] = [];
    const hd = headDim(this.config);
    for (let b = 0; b < this.depth; b++) {
      const ones = tf.ones([batch, this.H]) as tf.Tensor2D, zeros = tf.zeros([batch, tokens, this.H, hd]) as tf.Tensor4D;
      const probe = { gate: tf.variable(ones, true), out: tf.variable(zeros, true) };
      tf.dispose([ones, zeros]);
      this.probes.push(probe);
      blocks.push({ heads: this.H, headGate: probe.gate, headProbe: probe.out });
    }
    const params = this.compact.overlay();
    return { params, nameOf: variableNames(params), blocks, probes: this.probes.flatMap((p) => [p.gate, p.out]) };
  }

  /** Switch to the full layout (parameters and moments) until the next update; it runs every head. */
  expand(): void {
    this.compact.release();
    this.view = null;
  }

  private fullWidth(): BlockPlan[] {
    return Array.from({ length: this.depth }, () => ({ heads: this.H }));
  }

  afterOptimizer(): void {}

  endStep(): void {
    this.releaseProbe();
  }

  private releaseProbe(): void {
    for (const p of this.probes) tf.dispose([p.gate, p.out]);
    this.probes = [];
  }

  inference(): { params: ParamMap; blocks: BlockPlan[] } {
    const view = this.beginStep(false, 0, 0);
    return { params: view.params, blocks: view.blocks! };
  }

  /** Bring the full parameters up to date (before reading or exporting them); stays compact. */
  flush(): void {
    this.compact.flush();
  }

  /**
   * Removed units get no gradient (they must not train while off). Only the full layout has
   * removed units to mask; compact gradients pass through. Call inside a tidy.
   */
  maskGradients(grads: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
    if (this.compact.active) return grads;
    const out = new Map(grads);
    for (let b = 0; b < this.depth; b++)
      UNIT_PARAMS.forEach((p, i) => {
        const name = unitParamName(b, p);
        const g = grads.get(name);
        if (g) out.set(name, tf.mul(g, this.gradMasks[b * UNIT_PARAMS.length + i]));
      });
    return out;
  }

  /**
   * All scores of an update step as one tensor [depth, 2H + 2·hidden]: head Taylor, head grow,
   * neuron prune (neuronPrune: Taylor, or L1 of its weights), neuron grow (L1 of their gradients). Call inside the step's
   * tidy, after the optimizer step; `grads` are the full-layout gradients by timm name.
   */
  updateSignal(grads: Map<string, tf.Tensor>, probeGrads: Map<string, tf.Tensor>): tf.Tensor[] {
    const rows: tf.Tensor[] = [];
    // A neuron's weights lie along the table's axis; its L1 sums over the other one.
    const neuronL1 = (b: number, of: (name: string) => tf.Tensor): tf.Tensor =>
      UNIT_WEIGHTS.filter((p) => p.unit === 'neuron')
        .map((p) => tf.sum(tf.abs(of(unitParamName(b, p))), p.axis === 0 ? 1 : 0))
        .reduce((a, x) => tf.add(a, x));
    for (let b = 0; b < this.depth; b++) {
      const p = this.probes[b];
      const gGate = probeGrads.get(p.gate.name)!; // [B, H]
      const gOut = probeGrads.get(p.out.name)!; // [B, T, H, hd]
      const taylor = tf.mean(tf.abs(gGate), 0); // [H]
      const grow = tf.mean(tf.sum(tf.abs(gOut), [1, 3]), 0); // [H]
      const nPrune = this.config.neuronPrune === 'taylor' ? this.neuronTaylor(b, grads) : neuronL1(b, (n) => this.model.params.get(n)!); // [hidden]
      const nGrow = neuronL1(b, (n) => grads.get(n)!); // [hidden]
      rows.push(tf.concat([taylor, grow, nPrune, nGrow]));
    }
    return [tf.stack(rows)];
  }

  /**
   * |Σ_i w_ji·∂L/∂w_ji| over neuron j's fc2 row: to first order, how much the batch's loss changes
   * when the neuron's output is removed (the neurons' analogue of the heads' Taylor score).
   */
  private neuronTaylor(b: number, grads: Map<string, tf.Tensor>): tf.Tensor {
    const name = unitParamName(b, UNIT_WEIGHTS.find((p) => p.layer === 'fc2')!);
    return tf.abs(tf.sum(tf.mul(this.model.params.get(name)!, grads.get(name)!), 1));
  }

  /**
   * Swap heads and neurons from the scores (one readback), then fix weights, moments and live
   * slices, and go back to the compact layout. Runs in the full layout (after an update step).
   */
  async update(step: number, [scoreTensor]: tf.Tensor[]): Promise<UpdateEvent[]> {
    const s = (await scoreTensor.data()) as Float32Array;
    this.expand();
    const c = this.config;
    const dr = updateFraction(topologySchedule(c), step);
    const W = 2 * this.H + 2 * this.hidden;
    const events: UpdateEvent[] = [];
    const momentMasks = new Map<string, tf.Tensor>();
    const u = ++this.updatesDone;
    const swap = (kind: UnitKind, b: number, prune: Float32Array, grow: Float32Array) => {
      const alive = this.units(kind, b), n = alive.length;
      const grownAt = (kind === 'head' ? this.headsGrownAt : this.neuronsGrownAt).subarray(b * n, (b + 1) * n);
      const k = swapCount(dr, alive.reduce((a, v) => a + v, 0), c.unitRounding, c.unitCap);
      const growScore = c.unitGrowth === 'random' ? Float32Array.from({ length: n }, () => this.rng.next()) : grow;
      const r = selectSwap(alive, prune, growScore, k, c.regrowPruned, (i) => u - grownAt[i] <= c.unitProtect);
      // A unit pruned and regrown by this update never left: it keeps its weights, moments and age.
      const fresh = r.grown.filter((i) => !r.pruned.includes(i));
      for (const i of fresh) grownAt[i] = u;
      return { ...r, fresh };
    };
    for (let b = 0; b < this.depth; b++) {
      const row = s.subarray(b * W, (b + 1) * W);
      const taylor = row.subarray(0, this.H);
      this.headScores.set(taylor, b * this.H);
      const hs = swap('head', b, taylor, row.subarray(this.H, 2 * this.H));
      const ns = swap('neuron', b, row.subarray(2 * this.H, 2 * this.H + this.hidden), row.subarray(2 * this.H + this.hidden));
      this.zeroDeadUnits(b, { head: hs.fresh, neuron: ns.fresh }, momentMasks);
      const event = (layer: string, r: typeof hs): UpdateEvent =>
        ({ step, layer, pruned: r.pruned.length, grown: r.grown.length, regrown: r.regrown, prunedIds: r.pruned, grownIds: r.grown, globalDensity: NaN, fraction: dr });
      events.push(event(`blocks.${b}.attn.heads`, hs), event(`blocks.${b}.mlp.neurons`, ns));
    }
    this.opt?.maskMany(momentMasks);
    tf.dispose([...momentMasks.values()]);
    this.markFired();
    this.rebuild();
    const g = this.density();
    for (const e of events) e.globalDensity = g;
    return events;
  }

  /**
   * Zero what dead units own (the table's zeroWhenDead entries) and fresh-init grown units (or leave
   * them at zero, unitInit 'zero'). With
   * `momentMasks`, also collect the 0/1 masks that reset the moments of grown and dead units'
   * entries, for one batched AdamW call after all blocks.
   */
  private zeroDeadUnits(b: number, grown: PerKind<number[]> | null, momentMasks?: Map<string, tf.Tensor>): void {
    const live: PerKind<number[]> = { head: this.live('head', b), neuron: this.live('neuron', b) };
    const fresh = grown ?? { head: [], neuron: [] };
    const draw = this.config.unitInit === 'fresh';
    // Fresh inits are drawn row by row over the D inputs, across the fresh-init weights in table
    // order (each maps D inputs to its units' columns), so a seed reproduces them exactly.
    const D = this.config.embedDim;
    const freshParams = UNIT_PARAMS.filter((p) => p.freshOnGrow);
    const freshCols = freshParams.map((p) => this.indicator(p, fresh[p.unit]));
    const inits = freshParams.map((p) => new Float32Array(D * axisLength(p, this.config)));
    for (let r = 0; r < D; r++)
      freshCols.forEach((cols, i) => {
        for (let c = 0; c < cols.length; c++) if (cols[c] && draw) inits[i][r * cols.length + c] = this.rng.truncNormal(0.02);
      });
    tf.tidy(() => {
      for (const p of UNIT_PARAMS) {
        const name = unitParamName(b, p);
        // Survivors keep their values (and moments); grown entries restart; dead ones are 0.
        const survive = this.indicator(p, live[p.unit]);
        for (const i of unitIndices(p, fresh[p.unit], this.config)) survive[i] = 0;
        const keep = axisVector(p, survive);
        if (p.zeroWhenDead) {
          const v = this.model.params.get(name)!;
          const survivors = tf.mul(v, keep);
          const f = freshParams.indexOf(p);
          v.assign(f >= 0 ? tf.add(survivors, tf.tensor(inits[f], v.shape)) : survivors);
        }
        momentMasks?.set(name, tf.keep(keep));
      }
    });
  }

  private markFired(): void {
    this.headsAlive.forEach((v, i) => v && (this.headsFired[i] = 1));
    this.neuronsAlive.forEach((v, i) => v && (this.neuronsFired[i] = 1));
  }

  /** Units set in `bits` (depth × n, row-major), per block. */
  private perBlock(bits: Uint8Array, n: number): number[] {
    return Array.from({ length: this.depth }, (_, b) => bits.subarray(b * n, (b + 1) * n).reduce((a, v) => a + v, 0));
  }

  headsPerBlock(): number[] {
    return this.perBlock(this.headsAlive, this.H);
  }

  neuronsPerBlock(): number[] {
    return this.perBlock(this.neuronsAlive, this.hidden);
  }

  /** Fraction of block weights (qkv, proj, fc1, fc2) that belong to live units. */
  density(): number {
    return unitGlobalDensity(this.config, this.headsPerBlock(), this.neuronsPerBlock());
  }

  flopsState(): FlopsState {
    return { headsPerBlock: this.headsPerBlock(), neuronsPerBlock: this.neuronsPerBlock() };
  }

  async snapshot(): Promise<MethodSnapshot> {
    const firedHeads = this.perBlock(this.headsFired, this.H), firedNeurons = this.perBlock(this.neuronsFired, this.hidden);
    return {
      masks: [],
      density: unitLayerDensity(this.config, this.headsPerBlock(), this.neuronsPerBlock()), globalDensity: this.density(),
      firedDensity: unitLayerDensity(this.config, firedHeads, firedNeurons),
      globalFiredDensity: unitGlobalDensity(this.config, firedHeads, firedNeurons),
      headsAlive: this.headsAlive.slice(), headScores: this.headScores.slice(), neuronsAlive: this.neuronsAlive.slice(),
    };
  }

  async exportState(): Promise<SparseState> {
    return { masks: new Map(), headsAlive: this.headsAlive.slice(), neuronsAlive: this.neuronsAlive.slice() };
  }

  /**
   * After the full parameters were overwritten (import): the live sets from the file, or the
   * current ones; either way the compact parameters are taken anew from the values just written.
   */
  restore(state: SavedSparseState): void {
    const heads = state.headsAlive ?? this.headsAlive.slice(), neurons = state.neuronsAlive ?? this.neuronsAlive.slice();
    if (heads.length !== this.headsAlive.length || neurons.length !== this.neuronsAlive.length)
      throw new Error(`live-unit arrays have ${heads.length}/${neurons.length} entries, expected ${this.headsAlive.length}/${this.neuronsAlive.length}`);
    this.compact.release(true);
    this.headsAlive.set(heads);
    this.neuronsAlive.set(neurons);
    this.headsFired.set(heads);
    this.neuronsFired.set(neurons);
    for (let b = 0; b < this.depth; b++) this.zeroDeadUnits(b, null);
    this.rebuild();
  }

  async saveState(w: StateWriter): Promise<void> {
    w.array('headsAlive', this.headsAlive.slice(), [this.depth, this.H]);
    w.array('neuronsAlive', this.neuronsAlive.slice(), [this.depth, this.hidden]);
    w.array('headsFired', this.headsFired.slice(), [this.depth, this.H]);
    w.array('neuronsFired', this.neuronsFired.slice(), [this.depth, this.hidden]);
    w.array('headScores', this.headScores.slice(), [this.depth, this.H]);
    w.array('headsGrownAt', this.headsGrownAt.slice(), [this.depth, this.H]);
    w.array('neuronsGrownAt', this.neuronsGrownAt.slice(), [this.depth, this.hidden]);
    w.value('updatesDone', this.updatesDone);
    w.value('rng', this.rng.state());
  }

  /**
   * Live and fired sets, scores and the fresh-init stream as saved. The full parameters were just
   * overwritten with the saved (flushed) values, so the compact ones are taken anew from them.
   */
  loadState(r: StateReader): void {
    const heads = r.bits('headsAlive', this.headsAlive.length), neurons = r.bits('neuronsAlive', this.neuronsAlive.length);
    const headsFired = r.bits('headsFired', this.headsFired.length), neuronsFired = r.bits('neuronsFired', this.neuronsFired.length);
    const scores = r.f32('headScores', this.headScores.length, true); // NaN until the first update
    const rng = r.rng('rng');
    this.compact.release(true);
    this.headsAlive.set(heads);
    this.neuronsAlive.set(neurons);
    this.headsFired.set(headsFired);
    this.neuronsFired.set(neuronsFired);
    this.headScores.set(scores);
    // Checkpoints written before unit protection existed carry no ages: no unit is protected.
    const aged = r.has('headsGrownAt');
    this.headsGrownAt.set(aged ? r.i32('headsGrownAt', this.headsGrownAt.length) : new Int32Array(this.headsGrownAt.length).fill(NEVER));
    this.neuronsGrownAt.set(aged ? r.i32('neuronsGrownAt', this.neuronsGrownAt.length) : new Int32Array(this.neuronsGrownAt.length).fill(NEVER));
    this.updatesDone = aged ? r.int('updatesDone') : 0;
    this.rng.setState(rng);
    this.rebuild();
  }

  private disposePlans(): void {
    tf.dispose(this.slices.map((s) => s.idx));
    tf.dispose(this.gradMasks);
    this.slices = [];
    this.gradMasks = [];
    this.view = null;
  }

  dispose(): void {
    this.releaseProbe();
    this.compact.dispose();
    this.disposePlans();
  }
}
