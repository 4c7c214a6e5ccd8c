// The training loop of one experiment, host-agnostic: the worker, the CLI and the tests drive it
// the same way. One loss readback per step; everything else stays on the device until asked for.
import * as tf from './tf';
import { assertValidConfig, type ExperimentConfig } from './config';
import { keptTokens, numPatches, selectorOn } from './facts';
import { Batcher, evalBatches } from './data/batch';
import type { Dataset } from './data/types';
import { computeFlops, type FlopsReport } from './flops';
import { smoothedCrossEntropy } from './model/layers';
import { ViTModel } from './model/model';
import { countParams } from './model/params';
import { forward, type ForwardPlan, type ParamMap } from './model/vit';
import { AdamW } from './optim/adamw';
import { learningRate } from './optim/lr-schedule';
import { Rng } from './rng';
import type { EvalResult, SparsitySnapshot, StepInfo, UpdateEvent } from './snapshot';
import { UnstructuredSparsity } from './sparse/unstructured';
import { StructuredSparsity } from './sparse/structured';
import { TokenSelector } from './model/token-selector';

export interface TrainerOptions {
  /** Fixed test images shown in the token panel. */
  sampleCount?: number;
}

export class Trainer {
  readonly model: ViTModel;
  private readonly opt = new AdamW();
  private readonly batcher: Batcher;
  private readonly unstructured: UnstructuredSparsity | null = null;
  readonly structured: StructuredSparsity | null = null;
  readonly tokens: TokenSelector | null = null;
  private done = 0;
  /** The first test images, shown in the token panel; normalised once, on first use. */
  private readonly sampleCount: number;
  private sampleInput: Float32Array | null = null;

  private constructor(readonly config: ExperimentConfig, readonly dataset: Dataset, opts: TrainerOptions) {
    const rng = new Rng(config.seed);
    this.model = new ViTModel(config, config.seed, selectorOn(config));
    for (const s of this.model.specs) this.opt.addParam(s.name, s.shape, s.decay);
    this.opt.allocate();
    this.batcher = new Batcher(dataset.train, {
      batchSize: config.batchSize, rng: rng.fork(2), mean: dataset.mean, std: dataset.std,
      augment: config.augment, limit: config.trainSize,
    });
    if (config.method === 'svite') this.unstructured = new UnstructuredSparsity(this.model, config, rng.fork(3));
    if (config.method === 's2vite') this.structured = new StructuredSparsity(this.model, config, rng.fork(4), this.opt);
    if (selectorOn(config)) this.tokens = new TokenSelector(this.model, config, rng.fork(5));
    const n = Math.min(opts.sampleCount ?? 6, dataset.test.count);
    this.sampleCount = n;
  }

  static async create(config: ExperimentConfig, dataset: Dataset, opts: TrainerOptions = {}): Promise<Trainer> {
    assertValidConfig(config);
    const t = dataset.train;
    if (t.height !== config.imageSize || t.width !== config.imageSize || t.channels !== config.inChans)
      throw new Error(`the ${dataset.name} images are ${t.height}×${t.width}×${t.channels} but the model expects ${config.imageSize}×${config.imageSize}×${config.inChans}: set imageSize/inChans to match the data`);
    if (dataset.classNames.length > config.numClasses)
      throw new Error(`${dataset.name} has ${dataset.classNames.length} classes but the model has numClasses=${config.numClasses}`);
    return new Trainer(config, dataset, opts);
  }

  get stepsDone(): number {
    return this.done;
  }

  get finished(): boolean {
    return this.done >= this.config.steps;
  }

  private inputs(x: Float32Array, n: number): tf.Tensor4D {
    const c = this.config;
    return tf.tensor4d(x, [n, c.imageSize, c.imageSize, c.inChans]);
  }

  /** One optimisation step, plus a topology update when one is due after it. */
  async step(): Promise<StepInfo> {
    const started = now();
    const c = this.config;
    const t = this.done; // 0-based index of this step
    const lr = learningRate(c, t);
    const batch = this.batcher.next();
    const stepNo = t + 1;
    const tau = this.tokens ? this.tokens.temperature(t) : NaN;
    let events: UpdateEvent[] | null = null;
    const structuredUpdate = this.structured?.isUpdateStep(stepNo) ?? false;
    // The update step's probe runs full width; every other step trains the compact parameters.
    if (structuredUpdate) this.structured!.expand();
    const live = this.structured?.trainables() ?? this.model.params;
    const timmName = new Map([...live].map(([n, v]) => [v.name, n]));
    const [lossT, scoreT] = tf.tidy(() => {
      const x = this.inputs(batch.x, batch.size);
      const y = tf.tensor1d(batch.y, 'int32');
      const plan: ForwardPlan = {};
      if (this.tokens) plan.tokens = this.tokens.trainPlan(batch.size, t);
      const T = plan.tokens ? plan.tokens.k + 1 : numPatches(c) + 1;
      if (this.structured) plan.blocks = structuredUpdate ? this.structured.probePlan(batch.size, T) : this.structured.plan();
      const vars = [...live.values()];
      if (this.structured && structuredUpdate) vars.push(...this.structured.probeVariables());
      const { value, grads: byVar } = tf.variableGrads(
        () => smoothedCrossEntropy(forward(live as unknown as ParamMap, x, c, plan), y, c.numClasses, c.labelSmoothing), vars);
      const dense = new Map<string, tf.Tensor>();
      const probe = new Map<string, tf.Tensor>();
      for (const [k, g] of Object.entries(byVar)) {
        const name = timmName.get(k);
        if (name) dense.set(name, g);
        else probe.set(k, g);
      }
      let grads = this.unstructured ? this.unstructured.maskGradients(dense) : dense;
      if (this.structured) grads = this.structured.maskGradients(grads);
      this.opt.apply(live, grads, lr, c.weightDecay, c.clipNorm);
      if (this.unstructured?.isUpdateStep(stepNo)) events = this.unstructured.update(stepNo, dense, this.opt);
      const scores = this.structured && structuredUpdate ? this.structured.scores(dense, probe) : tf.zeros([1, 1]);
      return [value, scores] as [tf.Scalar, tf.Tensor2D];
    });
    this.structured?.releaseProbe();
    if (this.structured && structuredUpdate) events = await this.structured.update(stepNo, scoreT);
    const loss = (await lossT.data())[0];
    tf.dispose([lossT, scoreT]);
    this.done = stepNo;
    return { step: stepNo, loss, lr, tau, update: events, elapsedMs: now() - started };
  }

  /** Logits of a batch of normalised images at evaluation (deterministic token choice). */
  predict(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const plan: ForwardPlan = {};
      if (this.tokens) plan.tokens = this.tokens.evalPlan();
      if (this.structured) plan.blocks = this.structured.plan();
      return forward(this.structured?.params() ?? this.model.map, x, this.config, plan);
    });
  }

  /** Accuracy, mean loss and confusion on a split (limit = images, 0/undefined = all), eval mode. */
  async evaluate(limit?: number, split: 'test' | 'train' = 'test'): Promise<EvalResult> {
    const c = this.config;
    const k = c.numClasses;
    const confusion = new Int32Array(k * k);
    let lossSum = 0, count = 0, correct = 0;
    for (const b of evalBatches(this.dataset[split], Math.max(c.batchSize, 128), this.dataset.mean, this.dataset.std, limit || undefined)) {
      const [lossT, predT] = tf.tidy(() => {
        const logits = this.predict(this.inputs(b.x, b.size));
        const y = tf.tensor1d(b.y, 'int32');
        const l = tf.mul(smoothedCrossEntropy(logits, y, k, 0), b.size);
        return [l, tf.argMax(logits, -1)];
      });
      const [lv, pv] = await Promise.all([lossT.data(), predT.data()]);
      tf.dispose([lossT, predT]);
      lossSum += lv[0];
      for (let i = 0; i < b.size; i++) {
        confusion[b.y[i] * k + pv[i]]++;
        if (pv[i] === b.y[i]) correct++;
      }
      count += b.size;
    }
    return { step: this.done, count, accuracy: correct / count, loss: lossSum / count, confusion, numClasses: k };
  }

  /** Masks, densities, heads, neurons and kept tokens: read back for a frame or a summary. */
  async snapshot(): Promise<SparsitySnapshot> {
    const snap: SparsitySnapshot = {
      step: this.done, masks: [], density: {}, firedDensity: {}, globalDensity: 1, globalFiredDensity: 1,
      headsAlive: null, headScores: null, neuronsAlive: null, keptTokens: null, keptPerSample: 0,
    };
    if (this.unstructured) {
      const r = await this.unstructured.readMasks();
      snap.masks = r.masks;
      snap.density = this.unstructured.layerDensity();
      snap.firedDensity = r.fired;
      snap.globalDensity = this.unstructured.globalDensity();
      snap.globalFiredDensity = r.globalFired;
    }
    if (this.structured) Object.assign(snap, await this.structured.snapshot());
    if (this.tokens) {
      const input = (this.sampleInput ??= evalBatches(this.dataset.test, this.sampleCount, this.dataset.mean, this.dataset.std, this.sampleCount).next().value!.x);
      const x = this.inputs(input, this.sampleCount);
      snap.keptTokens = await this.tokens.keptIndices(x);
      x.dispose();
      snap.keptPerSample = keptTokens(this.config);
    }
    return snap;
  }

  /** A few fixed test images (raw bytes, HWC) for the token panel. */
  sampleImages(): { images: Uint8Array; count: number; height: number; width: number; channels: number } {
    const s = this.dataset.test;
    const n = s.height * s.width * s.channels;
    return { images: s.images.slice(0, this.sampleCount * n), count: this.sampleCount, height: s.height, width: s.width, channels: s.channels };
  }

  /** FLOPs of the current state: theoretical (nonzeros) and executed (what the kernels compute). */
  flops(): FlopsReport {
    return computeFlops(this.config, {
      layerDensity: this.unstructured?.layerDensity(),
      headsPerBlock: this.structured?.headsPerBlock(),
      neuronsPerBlock: this.structured?.neuronsPerBlock(),
      keptTokens: this.tokens ? keptTokens(this.config) : undefined,
    });
  }

  paramsCount(): number {
    return countParams(this.model.specs);
  }

  /** Parameter values (our layout), masks as 0/1 bytes, for export. */
  async exportState(): Promise<{ params: Map<string, Float32Array>; masks: Map<string, Uint8Array>; headsAlive?: Uint8Array; neuronsAlive?: Uint8Array }> {
    const params = await this.readParams();
    const masks = new Map<string, Uint8Array>();
    if (this.unstructured)
      for (const l of this.unstructured.layers) masks.set(l.name, Uint8Array.from((await l.mask.data()) as Float32Array));
    const units = this.structured ? await this.structured.aliveUnits() : undefined;
    return { params, masks, headsAlive: units?.heads, neuronsAlive: units?.neurons };
  }

  /** Copy of every parameter's values in the full layout (our layout). */
  async readParams(): Promise<Map<string, Float32Array>> {
    this.structured?.flush();
    return this.model.read();
  }

  /** Load exported state (parameters in our layout, masks, live units) into this trainer. */
  restore(state: { params: Map<string, Float32Array>; masks?: Map<string, Uint8Array>; headsAlive?: Uint8Array | null; neuronsAlive?: Uint8Array | null }): void {
    this.model.write(state.params);
    if (this.unstructured) {
      const masks = new Map(state.masks ?? []);
      // A file without masks: the nonzero pattern of each sparse weight is its mask.
      for (const l of this.unstructured.layers)
        if (!masks.has(l.name)) masks.set(l.name, Uint8Array.from(state.params.get(l.name)!, (v) => (v !== 0 ? 1 : 0)));
      this.unstructured.setMasks(masks);
    }
    // Without live units in the file, the current ones stay; either way the compact parameters
    // are taken anew from the values just written.
    const s = this.structured;
    if (s) s.setAlive(state.headsAlive ?? s.headsAlive.slice(), state.neuronsAlive ?? s.neuronsAlive.slice());
  }

  dispose(): void {
    this.unstructured?.dispose();
    this.structured?.dispose();
    this.tokens?.dispose();
    this.opt.dispose();
    this.model.dispose();
  }
}

// performance exists in browsers, workers and Node; the engine's lib has no DOM types for it.
declare const performance: { now(): number };
const now = (): number => performance.now();
