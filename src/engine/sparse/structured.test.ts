import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { presetConfig, type ExperimentConfig } from '../config';
import { headDim, keptHeads, keptNeurons, mlpHidden } from '../facts';
import { syntheticDataset } from '../data/synthetic';
import { smoothedCrossEntropy } from '../model/layers';
import { ViTModel } from '../model/model';
import { forward } from '../model/vit';
import { Rng } from '../rng';
import { Trainer } from '../trainer';
import { StructuredSparsity } from './structured';

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 1000, testCount: 100 });
const cfg = (over: Partial<ExperimentConfig> = {}): ExperimentConfig =>
  ({ ...presetConfig('tiny'), batchSize: 8, steps: 40, method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5, updateInterval: 4, ...over });

afterEach(() => tf.disposeVariables());

function randomize(model: ViTModel, seed: number, scale = 0.2): void {
  const rng = new Rng(seed);
  for (const v of model.params.values())
    tf.tidy(() => v.assign(tf.add(v, tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal() * scale), v.shape))));
}

function batch(c: ExperimentConfig, B: number, seed: number): [tf.Tensor4D, tf.Tensor1D] {
  const rng = new Rng(seed);
  const x = tf.tensor4d(Float32Array.from({ length: B * c.imageSize ** 2 * c.inChans }, () => rng.normal()), [B, c.imageSize, c.imageSize, c.inChans]);
  return [x, tf.tensor1d(Int32Array.from({ length: B }, () => rng.int(c.numClasses)), 'int32')];
}

/**
 * An update step's scores by hand: a one-block model with random weights, the full-width probes,
 * the gradients of one batch and updateSignal's row. `release` frees what it made and checks that
 * nothing else was left (the tensor count right after beginStep).
 */
function scoredUpdateStep(c: ExperimentConfig) {
  const model = new ViTModel(c, 4);
  randomize(model, 6, 0.3);
  const s = new StructuredSparsity(model, c, new Rng(7));
  const B = 3, T = c.imageSize ** 2 / c.patchSize ** 2 + 1;
  const view = s.beginStep(true, B, T);
  const before = tf.memory().numTensors;
  const [x, y] = batch(c, B, 8);
  const loss = (): tf.Scalar => smoothedCrossEntropy(forward(model.params, x, c, { blocks: view.blocks }), y, c.numClasses, 0);
  const { value, grads } = tf.variableGrads(loss, [...model.params.values(), ...view.probes]);
  const dense = new Map<string, tf.Tensor>(), probe = new Map<string, tf.Tensor>();
  for (const [k, g] of Object.entries(grads)) (model.owns(k) ? dense.set(model.nameOf(k), g) : probe.set(k, g));
  const [scores] = tf.tidy(() => s.updateSignal(dense, probe));
  const release = (): void => {
    tf.dispose([value, scores, x, y, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    s.endStep();
    s.dispose();
    model.dispose();
  };
  return { model, view, B, T, loss, dense, probe, row: scores.dataSync(), release };
}

describe('S²ViTE', () => {
  it('keeps head and neuron budgets constant through updates, and regrown heads learn', async () => {
    const c = cfg({ unitFraction: 0.5, unitRounding: 'ceil', regrowPruned: false });
    const t = await Trainer.create(c, data);
    const s = t.sparsity as StructuredSparsity;
    const hk = keptHeads(c), nk = keptNeurons(c);
    let regrown = 0;
    for (let i = 0; i < 30; i++) {
      const aliveBefore = s.headsAlive.slice();
      const info = await t.step();
      expect(s.headsPerBlock()).toEqual(Array(c.depth).fill(hk));
      expect(s.neuronsPerBlock()).toEqual(Array(c.depth).fill(nk));
      if (!info.update) continue;
      // A head that came back gets a fresh init; one step later its q/k/v weights have moved.
      const grown = [...s.headsAlive].map((v, j) => (v && !aliveBefore[j] ? j : -1)).filter((j) => j >= 0);
      if (!grown.length) continue;
      const before = await t.readParams();
      await t.step();
      const after = await t.readParams();
      for (const j of grown) {
        const b = Math.floor(j / c.numHeads), h = j % c.numHeads, hd = headDim(c), D = c.embedDim;
        if (!s.headsAlive[j]) continue; // swapped out again by an update on this very step
        const w0 = before.get(`blocks.${b}.attn.qkv.weight`)!, w1 = after.get(`blocks.${b}.attn.qkv.weight`)!;
        let nonzero = 0, moved = 0;
        for (let r = 0; r < D; r++)
          for (const part of [0, 1, 2])
            for (let d = 0; d < hd; d++) {
              const idx = r * 3 * D + part * D + h * hd + d;
              if (w0[idx] !== 0) nonzero++;
              if (w1[idx] !== w0[idx]) moved++;
            }
        expect(nonzero).toBeGreaterThan(0);
        expect(moved).toBeGreaterThan(0);
        regrown++;
      }
    }
    expect(regrown).toBeGreaterThan(0);
    t.dispose();
  });

  it('updates change which heads are live in every block, and record the units ever live', async () => {
    const c = cfg({ steps: 24, updateInterval: 4, updateEnd: 1, regrowPruned: false, unitRounding: 'ceil' });
    const t = await Trainer.create(c, data);
    const s = t.sparsity as StructuredSparsity;
    const start = s.headsAlive.slice();
    const events = [];
    for (let i = 0; i < c.steps; i++) events.push(...((await t.step()).update ?? []));
    // 2 of 4 heads live: each update prunes ≥ 1 and, just-pruned ones excluded, grows another.
    for (const e of events.filter((x) => x.layer.endsWith('.heads'))) expect(e.regrown).toBe(0);
    for (let b = 0; b < c.depth; b++) {
      const row = (a: Uint8Array): number[] => Array.from(a.subarray(b * c.numHeads, (b + 1) * c.numHeads));
      expect(row(s.headsAlive)).not.toEqual(row(start));
    }
    const snap = await t.snapshot();
    // Every head of every block was live at some point: the swaps walked through all four.
    expect(snap.firedDensity['blocks.0.attn.qkv.weight']).toBe(1);
    expect(snap.density['blocks.0.attn.qkv.weight']).toBe(0.5);
    expect(snap.globalFiredDensity).toBeGreaterThan(snap.globalDensity);
    t.dispose();
  });

  it('a unit pruned and regrown by the same update keeps its weights; a unit grown from the dead gets a fresh init', async () => {
    const c = cfg({ depth: 1, regrowPruned: true, unitRounding: 'ceil' });
    const tensors = tf.memory().numTensors;
    const model = new ViTModel(c, 1);
    randomize(model, 2);
    const s = new StructuredSparsity(model, c, new Rng(3));
    const H = c.numHeads, hidden = mlpHidden(c);
    const liveHeads = [...s.headsAlive].flatMap((v, i) => (v ? [i] : [])), deadHeads = [...s.headsAlive].flatMap((v, i) => (v ? [] : [i]));
    const liveNeurons = [...s.neuronsAlive].flatMap((v, i) => (v ? [i] : []));
    const qkvOf = (): Float32Array => Float32Array.from(model.params.get('blocks.0.attn.qkv.weight')!.dataSync());
    const headCols = (w: Float32Array, h: number): number[] => {
      const hd = headDim(c), D = c.embedDim, out: number[] = [];
      for (let r = 0; r < D; r++) for (const part of [0, 1, 2]) for (let d = 0; d < hd; d++) out.push(w[r * 3 * D + part * D + h * hd + d]);
      return out;
    };
    const update = async (prunedHead: number, grownHead: number): Promise<void> => {
      // Scores: the chosen live head has the lowest Taylor score, the chosen head the highest grow score.
      const row = new Float32Array(2 * H + 2 * hidden).fill(1);
      row[prunedHead] = 0;
      row[H + grownHead] = 10;
      for (const j of liveNeurons) row[2 * H + hidden + j] = 0; // no dead neuron beats a just-pruned one
      s.expand();
      const scores = tf.tensor2d(row, [1, row.length]);
      const events = await s.update(100, [scores]);
      scores.dispose();
      expect(events[0].prunedIds).toEqual([prunedHead]);
      expect(events[0].grownIds).toEqual([grownHead]);
    };
    const before = qkvOf();
    await update(liveHeads[0], liveHeads[0]); // a no-op swap
    s.flush();
    expect(headCols(qkvOf(), liveHeads[0])).toEqual(headCols(before, liveHeads[0]));
    await update(liveHeads[0], deadHeads[0]); // a real swap: the dead head comes back freshly drawn
    s.flush();
    const grown = headCols(qkvOf(), deadHeads[0]);
    expect(headCols(before, deadHeads[0]).every((v) => v === 0)).toBe(true);
    expect(grown.some((v) => v !== 0)).toBe(true);
    s.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a removed head contributes exactly nothing, and the gathered forward equals the masked full-width forward', () => {
    const c = cfg();
    const model = new ViTModel(c, 1);
    randomize(model, 2);
    const s = new StructuredSparsity(model, c, new Rng(3));
    const [x] = batch(c, 4, 5);
    const full = tf.tidy(() => forward(model.params, x, c));
    const { params, blocks } = s.inference();
    const compact = tf.tidy(() => forward(params, x, c, { blocks }));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(full, compact))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    // Scribble over every dead head's proj rows and every dead neuron's fc2 row: nothing changes.
    const hd = headDim(c), hidden = mlpHidden(c);
    for (let b = 0; b < c.depth; b++) {
      const proj = model.params.get(`blocks.${b}.attn.proj.weight`)!;
      const rows = Float32Array.from(proj.dataSync());
      for (let h = 0; h < c.numHeads; h++) if (!s.headsAlive[b * c.numHeads + h]) for (let r = h * hd; r < (h + 1) * hd; r++) rows.fill(123, r * c.embedDim, (r + 1) * c.embedDim);
      tf.tidy(() => proj.assign(tf.tensor(rows, proj.shape)));
      const fc2 = model.params.get(`blocks.${b}.mlp.fc2.weight`)!;
      const f = Float32Array.from(fc2.dataSync());
      for (let j = 0; j < hidden; j++) if (!s.neuronsAlive[b * hidden + j]) f.fill(-77, j * c.embedDim, (j + 1) * c.embedDim);
      tf.tidy(() => fc2.assign(tf.tensor(f, fc2.shape)));
    }
    const scribbled = tf.tidy(() => forward(model.params, x, c));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(full, scribbled))).dataSync()[0])).toBe(0);
    tf.dispose([x, full, compact, scribbled]);
    s.dispose();
    model.dispose();
  });

  it('trains the compact parameters exactly as the masked full-width model, and keeps the full ones in step', async () => {
    const c = cfg({ updateInterval: 1000 });
    const a = await Trainer.create(c, data), b = await Trainer.create(c, data);
    (b.sparsity as StructuredSparsity).expand(); // b runs full width: removed units as zeros with masked gradients
    for (let i = 0; i < 3; i++) {
      await a.step();
      await b.step();
    }
    const [x] = batch(c, 6, 11);
    const la = a.predict(x), lb = b.predict(x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(la, lb))).dataSync()[0])).toBeLessThan(1e-5);
    // The compact weights written back equal the full-width model's live rows/columns.
    const pa = await a.readParams(), pb = await b.readParams();
    const qa = pa.get('blocks.0.attn.qkv.weight')!, qb = pb.get('blocks.0.attn.qkv.weight')!;
    let worst = 0;
    qa.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - qb[i]))));
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([x, la, lb]);
    a.dispose();
    b.dispose();
  });

  it('Taylor and L1 scores equal hand computations', () => {
    const c = cfg({ depth: 1, neuronPrune: 'magnitude' });
    const { model, view, B, T, loss, dense, probe, row, release } = scoredUpdateStep(c);
    const H = c.numHeads, hidden = mlpHidden(c);
    // Taylor: S_h = mean_b |dL/dg_bh|, checked by central differences on each per-sample gate.
    const gate = view.probes[0];
    const g0 = gate.dataSync().slice();
    for (let h = 0; h < H; h++) {
      let sum = 0;
      for (let b = 0; b < B; b++) {
        const at = (e: number): number => {
          const g = g0.slice();
          g[b * H + h] += e;
          tf.tidy(() => gate.assign(tf.tensor(g, gate.shape)));
          return tf.tidy(() => loss().dataSync()[0]);
        };
        sum += Math.abs((at(1e-2) - at(-1e-2)) / 2e-2);
      }
      expect(row[h]).toBeCloseTo(sum / B, 3);
    }
    tf.tidy(() => gate.assign(tf.tensor(g0, gate.shape)));
    // Grow: G_h = mean_b Σ |dL/da_h| from the probe gradient, summed by hand.
    const gOut = probe.get(view.probes[1].name)!.dataSync();
    const hd = headDim(c);
    for (let h = 0; h < H; h++) {
      let sum = 0;
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let d = 0; d < hd; d++) sum += Math.abs(gOut[((b * T + t) * H + h) * hd + d]);
      expect(row[H + h]).toBeCloseTo(sum / B, 4);
    }
    // Neurons: ‖fc1 column j‖₁ + ‖fc2 row j‖₁ of the weights (prune) and of the gradients (grow).
    const D = c.embedDim;
    const l1 = (w: ArrayLike<number>, j: number): number => {
      let a = 0;
      for (let r = 0; r < D; r++) a += Math.abs(w[r * hidden + j]);
      return a;
    };
    const l1row = (w: ArrayLike<number>, j: number): number => {
      let a = 0;
      for (let k = 0; k < D; k++) a += Math.abs(w[j * D + k]);
      return a;
    };
    const fc1 = model.params.get('blocks.0.mlp.fc1.weight')!.dataSync(), fc2 = model.params.get('blocks.0.mlp.fc2.weight')!.dataSync();
    const gfc1 = dense.get('blocks.0.mlp.fc1.weight')!.dataSync(), gfc2 = dense.get('blocks.0.mlp.fc2.weight')!.dataSync();
    for (let j = 0; j < hidden; j++) {
      expect(row[2 * H + j]).toBeCloseTo(l1(fc1, j) + l1row(fc2, j), 4);
      expect(row[2 * H + hidden + j]).toBeCloseTo(l1(gfc1, j) + l1row(gfc2, j), 4);
    }
    release();
  });

  it('neuronPrune taylor scores a neuron by the loss change of scaling its output, to first order', () => {
    const c = cfg({ depth: 1, neuronPrune: 'taylor' });
    const { model, loss, row, release } = scoredUpdateStep(c);
    const H = c.numHeads, hidden = mlpHidden(c), D = c.embedDim;
    // |dL/dε| of L with neuron j's fc2 row scaled by (1 + ε), by central differences.
    const fc2 = model.params.get('blocks.0.mlp.fc2.weight')!;
    const w0 = fc2.dataSync().slice();
    const at = (j: number, e: number): number => {
      const w = w0.slice();
      for (let k = 0; k < D; k++) w[j * D + k] *= 1 + e;
      tf.tidy(() => fc2.assign(tf.tensor(w, fc2.shape)));
      return tf.tidy(() => loss().dataSync()[0]);
    };
    for (let j = 0; j < hidden; j++) expect(row[2 * H + j]).toBeCloseTo(Math.abs((at(j, 1e-2) - at(j, -1e-2)) / 2e-2), 3);
    tf.tidy(() => fc2.assign(tf.tensor(w0, fc2.shape)));
    release();
  });
});
