// S²ViTE: whole attention heads and MLP neurons, fixed budget per block (method.md §3).
// Between updates the live sets are constant, so the structured parameters live in compact form
// (live rows/columns only, see compact-params.ts) and only they are computed. At an update step
// the trainer runs a full-width probe: a per-sample gate [B,H] and a zero probe [B,T,H,hd] on
// every head's output give, through their gradients, the Taylor prune score
// S_h = mean_b |Σ a_h·∂L/∂a_h| and the grow score G_h = mean_b Σ|∂L/∂a_h| in one backward pass.
// Removed units are removed completely: q/k/v columns and qkv bias zeroed (so the output is 0 and
// nothing leaks through proj); fc1 column and bias zeroed. A dead head's proj rows and a dead
// neuron's fc2 row are kept (they are not computed, nor counted): they carry the gradient signal
// that ranks units for regrowth. A regrown unit gets a fresh init so it escapes the zero saddle.
import * as tf from '../tf';
import { type ExperimentConfig } from '../config';
import { headDim, keptHeads, keptNeurons, mlpHidden } from '../facts';
import type { ViTModel } from '../model/model';
import type { BlockPlan, ParamMap } from '../model/vit';
import type { AdamW } from '../optim/adamw';
import { CompactParams, type LiveSlice } from './compact-params';
import type { Rng } from '../rng';
import type { UpdateEvent } from '../snapshot';
import { isUpdateStep, swapCount, updateFraction } from './schedule';
import { selectSwap } from './swap';

interface Probe {
  gate: tf.Variable; // [B, H]
  out: tf.Variable; // [B, T, H, hd]
}

export class StructuredSparsity {
  readonly depth: number;
  readonly H: number;
  readonly hd: number;
  readonly D: number;
  readonly hidden: number;
  /** 1 = live; depth × H and depth × hidden, row-major. The JS copy is the truth; the device follows. */
  readonly headsAlive: Uint8Array;
  readonly neuronsAlive: Uint8Array;
  readonly headScores: Float32Array;
  private slices: LiveSlice[] = [];
  private readonly compact: CompactParams;
  private probes: Probe[] = [];
  private gradMasks: { qkv: tf.Tensor; proj: tf.Tensor; fc1: tf.Tensor; fc2: tf.Tensor }[] = [];

  /** `opt`: the optimizer whose moments follow the parameters between full and compact layout. */
  constructor(private readonly model: ViTModel, private readonly config: ExperimentConfig, private readonly rng: Rng, private readonly opt?: AdamW) {
    const c = config;
    this.compact = new CompactParams(model.params, opt);
    this.depth = c.depth;
    this.H = c.numHeads;
    this.hd = headDim(c);
    this.D = c.embedDim;
    this.hidden = mlpHidden(c);
    this.headsAlive = new Uint8Array(this.depth * this.H);
    this.neuronsAlive = new Uint8Array(this.depth * this.hidden);
    this.headScores = new Float32Array(this.depth * this.H).fill(NaN);
    const h = keptHeads(c), n = keptNeurons(c);
    for (let b = 0; b < this.depth; b++) {
      for (const i of rng.sample(this.H, h)) this.headsAlive[b * this.H + i] = 1;
      for (const j of rng.sample(this.hidden, n)) this.neuronsAlive[b * this.hidden + j] = 1;
    }
    for (let b = 0; b < this.depth; b++) this.zeroDeadUnits(b, null);
    this.rebuild();
  }

  /**
   * Replace the live sets after the full parameters were overwritten (import), and take the
   * compact parameters anew from them.
   */
  setAlive(heads: Uint8Array, neurons: Uint8Array): void {
    if (heads.length !== this.headsAlive.length || neurons.length !== this.neuronsAlive.length)
      throw new Error(`live-unit arrays have ${heads.length}/${neurons.length} entries, expected ${this.headsAlive.length}/${this.neuronsAlive.length}`);
    this.compact.release(true);
    this.headsAlive.set(heads);
    this.neuronsAlive.set(neurons);
    for (let b = 0; b < this.depth; b++) this.zeroDeadUnits(b, null);
    this.rebuild();
  }

  isUpdateStep(step: number): boolean {
    return isUpdateStep(this.config, step);
  }

  private heads(b: number): Uint8Array {
    return this.headsAlive.subarray(b * this.H, (b + 1) * this.H);
  }

  private neurons(b: number): Uint8Array {
    return this.neuronsAlive.subarray(b * this.hidden, (b + 1) * this.hidden);
  }

  /** qkv columns of a set of heads: q, k and v slices of each. */
  private qkvColumns(heads: number[]): number[] {
    const cols: number[] = [];
    for (let part = 0; part < 3; part++)
      for (const h of heads) for (let d = 0; d < this.hd; d++) cols.push(part * this.D + h * this.hd + d);
    return cols;
  }

  private projRowsOf(heads: number[]): number[] {
    return heads.flatMap((h) => Array.from({ length: this.hd }, (_, d) => h * this.hd + d));
  }

  private live(bits: Uint8Array): number[] {
    const out: number[] = [];
    bits.forEach((v, i) => v && out.push(i));
    return out;
  }

  /** Live slices, compact parameters and the full-width gradient masks for the current live sets. */
  private rebuild(): void {
    this.compact.release();
    this.disposePlans();
    for (let b = 0; b < this.depth; b++) {
      const heads = this.live(this.heads(b));
      const neurons = this.live(this.neurons(b));
      const qkvCols = tf.tensor1d(this.qkvColumns(heads), 'int32');
      const liveNeurons = tf.tensor1d(neurons, 'int32');
      this.slices.push(
        { name: `blocks.${b}.attn.qkv.weight`, axis: 1, idx: qkvCols },
        { name: `blocks.${b}.attn.qkv.bias`, axis: 0, idx: qkvCols },
        { name: `blocks.${b}.attn.proj.weight`, axis: 0, idx: tf.tensor1d(this.projRowsOf(heads), 'int32') },
        { name: `blocks.${b}.mlp.fc1.weight`, axis: 1, idx: liveNeurons },
        { name: `blocks.${b}.mlp.fc1.bias`, axis: 0, idx: liveNeurons },
        { name: `blocks.${b}.mlp.fc2.weight`, axis: 0, idx: liveNeurons },
      );
      const colMask = new Float32Array(3 * this.D);
      for (const i of this.qkvColumns(heads)) colMask[i] = 1;
      const rowMask = new Float32Array(this.D);
      for (const i of this.projRowsOf(heads)) rowMask[i] = 1;
      const nMask = Float32Array.from(this.neurons(b));
      this.gradMasks.push({
        qkv: tf.tensor1d(colMask),
        proj: tf.tensor2d(rowMask, [this.D, 1]),
        fc1: tf.tensor1d(nMask),
        fc2: tf.tensor2d(nMask, [this.hidden, 1]),
      });
    }
    this.compact.gather(this.slices);
  }

  /**
   * Plan matching `params()`: live heads only for the compact parameters; all heads in the full
   * layout (between `expand` and the next update), where removed units are zeros and masked.
   */
  plan(): BlockPlan[] {
    return this.compact.active ? this.headsPerBlock().map((heads) => ({ heads })) : Array.from({ length: this.depth }, () => ({ heads: this.H }));
  }

  /** The parameters to train and run: compact ones for the structured weights between updates. */
  trainables(): Map<string, tf.Variable> {
    return this.compact.overlay();
  }

  /** The same, as the forward's parameter map. */
  params(): ParamMap {
    return this.trainables() as unknown as ParamMap;
  }

  /** Bring the full parameters up to date (before reading or exporting them); stays compact. */
  flush(): void {
    this.compact.flush();
  }

  /** Switch to the full layout (parameters and moments) for an update step's full-width probe. */
  expand(): void {
    this.compact.release();
  }

  /** Full-width plan with gate and probe variables for the update step's scores. */
  probePlan(batch: number, tokens: number): BlockPlan[] {
    this.releaseProbe();
    const out: BlockPlan[] = [];
    for (let b = 0; b < this.depth; b++) {
      const ones = tf.ones([batch, this.H]), zeros = tf.zeros([batch, tokens, this.H, this.hd]);
      const probe: Probe = { gate: tf.variable(ones, true), out: tf.variable(zeros, true) };
      tf.dispose([ones, zeros]);
      this.probes.push(probe);
      out.push({ heads: this.H, headGate: probe.gate as unknown as tf.Tensor2D, headProbe: probe.out as unknown as tf.Tensor4D });
    }
    return out;
  }

  probeVariables(): tf.Variable[] {
    return this.probes.flatMap((p) => [p.gate, p.out]);
  }

  releaseProbe(): void {
    for (const p of this.probes) {
      p.gate.dispose();
      p.out.dispose();
    }
    this.probes = [];
  }

  /**
   * Removed units get no gradient (they must not train while off). Only the full layout has
   * removed units to mask; compact gradients pass through. Call inside a tidy.
   */
  maskGradients(grads: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
    if (this.compact.active) return grads;
    const out = new Map(grads);
    for (let b = 0; b < this.depth; b++) {
      const m = this.gradMasks[b];
      const mul = (name: string, mask: tf.Tensor): void => {
        const g = grads.get(name);
        if (g) out.set(name, tf.mul(g, mask));
      };
      mul(`blocks.${b}.attn.qkv.weight`, m.qkv);
      mul(`blocks.${b}.attn.qkv.bias`, m.qkv);
      mul(`blocks.${b}.attn.proj.weight`, m.proj);
      mul(`blocks.${b}.mlp.fc1.weight`, m.fc1);
      mul(`blocks.${b}.mlp.fc1.bias`, m.fc1);
      mul(`blocks.${b}.mlp.fc2.weight`, m.fc2);
    }
    return out;
  }

  /**
   * All scores of an update step as one tensor [depth, 2H + 2·hidden]: head Taylor, head grow,
   * neuron prune (weight L1), neuron grow (gradient L1). Call inside the step's tidy, after the
   * optimizer step; `grads` are the dense gradients keyed by variable name or timm name.
   */
  scores(grads: Map<string, tf.Tensor>, probeGrads: Map<string, tf.Tensor>): tf.Tensor2D {
    const rows: tf.Tensor[] = [];
    for (let b = 0; b < this.depth; b++) {
      const p = this.probes[b];
      const gGate = probeGrads.get(p.gate.name)!; // [B, H]
      const gOut = probeGrads.get(p.out.name)!; // [B, T, H, hd]
      const taylor = tf.mean(tf.abs(gGate), 0); // [H]
      const grow = tf.mean(tf.sum(tf.abs(gOut), [1, 3]), 0); // [H]
      const P = this.model.params;
      const l1 = (w: tf.Tensor, axis: number): tf.Tensor => tf.sum(tf.abs(w), axis);
      const fc1 = `blocks.${b}.mlp.fc1.weight`, fc2 = `blocks.${b}.mlp.fc2.weight`;
      const nPrune = tf.add(l1(P.get(fc1)!, 0), l1(P.get(fc2)!, 1)); // [hidden]
      const nGrow = tf.add(l1(grads.get(fc1)!, 0), l1(grads.get(fc2)!, 1)); // [hidden]
      rows.push(tf.concat([taylor, grow, nPrune, nGrow]));
    }
    return tf.stack(rows) as tf.Tensor2D;
  }

  /**
   * Swap heads and neurons from the scores (one readback), then fix weights, moments and live slices,
   * and go back to the compact layout. Runs in the full layout (after `expand`).
   */
  async update(step: number, scoreTensor: tf.Tensor2D): Promise<UpdateEvent[]> {
    const s = (await scoreTensor.data()) as Float32Array;
    this.expand();
    const dr = updateFraction(this.config, step);
    const W = 2 * this.H + 2 * this.hidden;
    const events: UpdateEvent[] = [];
    const momentMasks = new Map<string, tf.Tensor>();
    for (let b = 0; b < this.depth; b++) {
      const row = s.subarray(b * W, (b + 1) * W);
      const heads = this.heads(b);
      const taylor = row.subarray(0, this.H);
      this.headScores.set(taylor, b * this.H);
      const hk = swapCount(dr, heads.reduce((a, v) => a + v, 0));
      const hs = selectSwap(heads, taylor, row.subarray(this.H, 2 * this.H), hk);
      const neurons = this.neurons(b);
      const nk = swapCount(dr, neurons.reduce((a, v) => a + v, 0));
      const ns = selectSwap(neurons, row.subarray(2 * this.H, 2 * this.H + this.hidden), row.subarray(2 * this.H + this.hidden), nk);
      this.zeroDeadUnits(b, { heads: hs.grown, neurons: ns.grown }, momentMasks);
      events.push(
        { step, layer: `blocks.${b}.attn.heads`, pruned: hs.pruned.length, grown: hs.grown.length, globalDensity: NaN, fraction: dr },
        { step, layer: `blocks.${b}.mlp.neurons`, pruned: ns.pruned.length, grown: ns.grown.length, globalDensity: NaN, fraction: dr },
      );
    }
    this.opt?.maskMany(momentMasks);
    tf.dispose([...momentMasks.values()]);
    this.rebuild();
    const g = this.density();
    for (const e of events) e.globalDensity = g;
    return events;
  }

  /**
   * Zero the q/k/v columns and bias of dead heads and the fc1 column and bias of dead neurons;
   * fresh-init grown units. With `momentMasks`, also collect the 0/1 masks that reset their (and
   * the dead units') optimizer moments, for one batched AdamW call after all blocks.
   */
  private zeroDeadUnits(b: number, grown: { heads: number[]; neurons: number[] } | null, momentMasks?: Map<string, tf.Tensor>): void {
    const P = this.model.params;
    const heads = this.heads(b), neurons = this.neurons(b);
    const qkvKeep = new Float32Array(3 * this.D);
    for (const i of this.qkvColumns(this.live(heads))) qkvKeep[i] = 1;
    const fc1Keep = Float32Array.from(neurons);
    const qkvFresh = new Float32Array(this.D * 3 * this.D);
    const freshCols = new Float32Array(3 * this.D);
    if (grown) for (const i of this.qkvColumns(grown.heads)) freshCols[i] = 1;
    const fc1Fresh = new Float32Array(this.D * this.hidden);
    const fc1FreshCols = new Float32Array(this.hidden);
    if (grown) for (const j of grown.neurons) fc1FreshCols[j] = 1;
    for (let r = 0; r < this.D; r++) {
      for (let c = 0; c < 3 * this.D; c++) if (freshCols[c]) qkvFresh[r * 3 * this.D + c] = this.rng.truncNormal(0.02);
      for (let c = 0; c < this.hidden; c++) if (fc1FreshCols[c]) fc1Fresh[r * this.hidden + c] = this.rng.truncNormal(0.02);
    }
    tf.tidy(() => {
      const keepQ = tf.tensor1d(qkvKeep), freshQ = tf.tensor1d(freshCols);
      const keepN = tf.tensor1d(fc1Keep), freshN = tf.tensor1d(fc1FreshCols);
      // Survivors keep their values; grown columns take the fresh init; everything else is 0.
      const set = (name: string, keep: tf.Tensor, fresh: tf.Tensor, init: tf.Tensor | null): void => {
        const v = P.get(name)!;
        const survivors = tf.mul(v, tf.sub(keep, fresh));
        v.assign(init ? tf.add(survivors, init) : survivors);
        momentMasks?.set(name, tf.keep(tf.sub(keep, fresh)));
      };
      set(`blocks.${b}.attn.qkv.weight`, keepQ, freshQ, tf.tensor2d(qkvFresh, [this.D, 3 * this.D]));
      set(`blocks.${b}.attn.qkv.bias`, keepQ, freshQ, null);
      set(`blocks.${b}.mlp.fc1.weight`, keepN, freshN, tf.tensor2d(fc1Fresh, [this.D, this.hidden]));
      set(`blocks.${b}.mlp.fc1.bias`, keepN, freshN, null);
      if (momentMasks) {
        const projRows = new Float32Array(this.D);
        for (const i of this.projRowsOf(this.live(heads))) projRows[i] = 1;
        if (grown) for (const i of this.projRowsOf(grown.heads)) projRows[i] = 0;
        momentMasks.set(`blocks.${b}.attn.proj.weight`, tf.keep(tf.tensor2d(projRows, [this.D, 1])));
        const fc2Rows = Float32Array.from(neurons);
        if (grown) for (const j of grown.neurons) fc2Rows[j] = 0;
        momentMasks.set(`blocks.${b}.mlp.fc2.weight`, tf.keep(tf.tensor2d(fc2Rows, [this.hidden, 1])));
      }
    });
  }

  headsPerBlock(): number[] {
    return Array.from({ length: this.depth }, (_, b) => this.heads(b).reduce((a, v) => a + v, 0));
  }

  neuronsPerBlock(): number[] {
    return Array.from({ length: this.depth }, (_, b) => this.neurons(b).reduce((a, v) => a + v, 0));
  }

  /** Fraction of block weights (qkv, proj, fc1, fc2) that belong to live units. */
  density(): number {
    const D = this.D;
    let live = 0, total = 0;
    for (let b = 0; b < this.depth; b++) {
      const a = this.headsAlive.subarray(b * this.H, (b + 1) * this.H).reduce((x, v) => x + v, 0) * this.hd;
      const n = this.neurons(b).reduce((x, v) => x + v, 0);
      live += D * 3 * a + a * D + 2 * D * n;
      total += 4 * D * D + 2 * D * this.hidden;
    }
    return live / total;
  }

  async snapshot(): Promise<{ headsAlive: Uint8Array; headScores: Float32Array; neuronsAlive: Uint8Array; density: Record<string, number>; globalDensity: number }> {
    const density: Record<string, number> = {};
    const hs = this.headsPerBlock(), ns = this.neuronsPerBlock();
    for (let b = 0; b < this.depth; b++) {
      density[`blocks.${b}.attn.qkv.weight`] = hs[b] / this.H;
      density[`blocks.${b}.attn.proj.weight`] = hs[b] / this.H;
      density[`blocks.${b}.mlp.fc1.weight`] = ns[b] / this.hidden;
      density[`blocks.${b}.mlp.fc2.weight`] = ns[b] / this.hidden;
    }
    return { headsAlive: this.headsAlive.slice(), headScores: this.headScores.slice(), neuronsAlive: this.neuronsAlive.slice(), density, globalDensity: this.density() };
  }

  async aliveUnits(): Promise<{ heads: Uint8Array; neurons: Uint8Array }> {
    return { heads: this.headsAlive.slice(), neurons: this.neuronsAlive.slice() };
  }

  private disposePlans(): void {
    tf.dispose([...new Set(this.slices.map((s) => s.idx))]);
    for (const m of this.gradMasks) tf.dispose([m.qkv, m.proj, m.fc1, m.fc2]);
    this.slices = [];
    this.gradMasks = [];
  }

  dispose(): void {
    this.releaseProbe();
    this.compact.dispose();
    this.disposePlans();
  }
}
