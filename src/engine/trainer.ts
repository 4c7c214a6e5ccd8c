// The training loop of one experiment, host-agnostic: the worker, the CLI and the tests drive it
// the same way. Losses are read back in chunks (facts/readback); everything else stays on the device until asked for.
import * as tf from './tf';
import { type ExperimentConfig } from './config';
import { isPeriodicEvalStep, keptTokens, learnedSelector, numPatches, positionPrior, selectorOn, selectorPositionBias } from './facts';
import { readbackEvery } from './facts/readback';
import { Rollback } from './step-rollback';
import { assertTrainable, evalBatchSize } from './memory';
import { Batcher, evalBatches } from './data/batch';
import type { Dataset } from './data/types';
import { computeFlops, type FlopsReport } from './flops';
import { smoothedCrossEntropy } from './model/layers';
import { ViTModel } from './model/model';
import { countParams } from './model/params';
import { forward, type ForwardPlan } from './model/vit';
import { AdamW, type AdamWState } from './optim/adamw';
import { learningRate } from './optim/lr-schedule';
import { Rng } from './rng';
import type { EvalResult, SparsitySnapshot, StepInfo, UpdateEvent } from './snapshot';
import { CheckpointError } from './io/checkpoint';
import { StateWriter, type StateReader } from './io/state-bundle';
import { dataFingerprint, decodeTrainingCheckpoint, encodeTrainingCheckpoint } from './io/training-checkpoint';
import { sizeOf } from './facts/shape';
import { DenseTraining, type SavedSparseState, type SparseState, type SparsityMethod } from './sparse/method';
import { StructuredSparsity } from './sparse/structured';
import { UnstructuredSparsity } from './sparse/unstructured';
import { TokenSelector } from './model/token-selector';

export interface TrainerOptions {
  /** Fixed test images shown in the token panel. */
  sampleCount?: number;
  /** Steps per loss readback; by default the backend's (facts/readback). Tests set it to compare schedules. */
  readbackEvery?: number;
}

/** A step enqueued on the device, its loss not read yet. */
interface QueuedStep {
  lossT: tf.Tensor;
  /** A topology update's inputs (update steps only). */
  signal: tf.Tensor[];
  lr: number;
}

/** Where the caller stored the trainer's last checkpoint (a file, a run in the store). */
export interface SavedCheckpoint {
  step: number;
  where: string;
}

/** The loss stopped being a number: the weights are no longer usable, so training must not go on. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  /** Steps read back with it (one chunk of Trainer.steps) that finished before it: their losses belong in the log. */
  completed: StepInfo[] = [];
  constructor(readonly step: number, readonly loss: number, lr: number, readonly lastGood: SavedCheckpoint | null = null) {
    super(`the loss at step ${step} is ${loss} (not finite): training stopped there, since every later step would be NaN too. ` +
      `The weights are no longer usable. Start again with a lower lr (it was ${lr.toPrecision(3)} at that step) or clipNorm on, ` +
      `or check the data for non-finite values.` +
      (lastGood ? ` The last good checkpoint is ${lastGood.where}, at step ${lastGood.step}.` : ''));
  }
}

export class Trainer {
  readonly model: ViTModel;
  private readonly opt: AdamW;
  private readonly batcher: Batcher;
  /** Dense, SViTE or S²ViTE: the trainer drives it without knowing which. */
  readonly sparsity: SparsityMethod;
  /** The SViTE+ token selector, orthogonal to the sparsity method. */
  readonly tokens: TokenSelector | null = null;
  private done = 0;
  /** Steps past config.steps that Continue added (see continueBy). */
  private continued = 0;
  private readonly lossHistory: number[] = [];
  /** Set by whoever stores checkpoint(): a non-finite loss then names it. */
  lastCheckpoint: SavedCheckpoint | null = null;
  /** The first test images, shown in the token panel; normalised once, on first use. */
  private readonly sampleCount: number;
  private sampleInput: Float32Array | null = null;
  /** Steps per loss readback (facts/readback). */
  private readonly readEvery: number;

  private constructor(readonly config: ExperimentConfig, readonly dataset: Dataset, opts: TrainerOptions) {
    const rng = new Rng(config.seed);
    this.opt = new AdamW({ restartBiasCorrection: config.sparseMoments === 'restart' });
    this.model = new ViTModel(config, config.seed, learnedSelector(config), selectorPositionBias(config) ? positionPrior(config) : undefined);
    for (const s of this.model.specs) this.opt.addParam(s.name, s.shape, s.decay, s.role === 'selector' ? config.tokenLr : 1);
    this.opt.allocate();
    this.batcher = new Batcher(dataset.train, {
      batchSize: config.batchSize, rng: rng.fork(2), mean: dataset.mean, std: dataset.std,
      augment: config.augment, limit: config.trainSize,
    });
    this.sparsity = config.method === 'svite' ? new UnstructuredSparsity(this.model, config, rng.fork(3))
      : config.method === 's2vite' ? new StructuredSparsity(this.model, config, rng.fork(4), this.opt)
      : new DenseTraining(this.model.params);
    if (selectorOn(config)) this.tokens = new TokenSelector(this.model, config, rng.fork(5));
    const n = Math.min(opts.sampleCount ?? 6, dataset.test.count);
    this.sampleCount = n;
    this.readEvery = opts.readbackEvery ?? readbackEvery(tf.getBackend());
    if (!(Number.isSafeInteger(this.readEvery) && this.readEvery > 0)) throw new Error(`readbackEvery must be a whole number of steps above 0, not ${this.readEvery}`);
  }

  static async create(config: ExperimentConfig, dataset: Dataset, opts: TrainerOptions = {}): Promise<Trainer> {
    assertTrainable(config);
    const t = dataset.train;
    if (t.height !== config.imageSize || t.width !== config.imageSize || t.channels !== config.inChans)
      throw new Error(`the ${dataset.name} images are ${t.height}×${t.width}×${t.channels} but the model expects ${config.imageSize}×${config.imageSize}×${config.inChans}: set imageSize/inChans to match the data`);
    if (dataset.classNames.length > config.numClasses)
      throw new Error(`${dataset.name} has ${dataset.classNames.length} classes but the model has numClasses=${config.numClasses}`);
    return new Trainer(config, dataset, opts);
  }

  /**
   * A trainer that goes on exactly where checkpoint() stood: its next losses equal those the
   * original would have had. Throws a CheckpointError naming what is wrong with the file.
   */
  static async fromCheckpoint(bytes: Uint8Array, dataset: Dataset, opts: TrainerOptions = {}, fileName = 'checkpoint'): Promise<Trainer> {
    const { header, state } = decodeTrainingCheckpoint(bytes, fileName);
    const fingerprint = state.scope('data').text('fingerprint');
    if (fingerprint !== dataFingerprint(dataset))
      throw new CheckpointError(`${fileName}: was trained on data ${fingerprint} (name:training images:label hash), but the data given is ${dataFingerprint(dataset)}: resume with the same data set`);
    const t = await Trainer.create(header.config, dataset, opts).catch((e: Error) => {
      throw new CheckpointError(`${fileName}: ${e.message}`);
    });
    try {
      t.continued = header.continued ?? 0;
      t.loadState(state, header.step);
    } catch (e) {
      t.dispose();
      throw e instanceof CheckpointError ? e : new CheckpointError(`${fileName}: ${(e as Error).message}`);
    }
    return t;
  }

  /**
   * Everything the next steps read, as one file (training-checkpoint.ts): parameters, optimizer
   * moments, sparsity state, random streams, the data cursor and the losses so far. `extra`
   * travels in its metadata (readCheckpointHeader returns it).
   */
  async checkpoint(extra: Record<string, string> = {}): Promise<Uint8Array> {
    const w = new StateWriter();
    const params = await this.readParams();
    const pw = w.scope('param');
    for (const s of this.model.specs) pw.array(s.name, params.get(s.name)!, s.shape);
    const opt = await this.opt.exportState();
    w.value('adamw.t', opt.t);
    opt.buckets.forEach((b, j) => {
      const bw = w.scope(`adamw.${j}`);
      bw.array('m', b.m);
      bw.array('v', b.v);
      if (b.age) bw.array('age', b.age);
    });
    await this.sparsity.saveState(w.scope('sparsity'));
    const cursor = this.batcher.state();
    const dw = w.scope('data');
    dw.value('fingerprint', dataFingerprint(this.dataset));
    dw.array('order', cursor.order);
    dw.value('pos', cursor.pos);
    dw.value('epoch', cursor.epoch);
    dw.value('orderRng', cursor.orderRng);
    dw.value('augRng', cursor.augRng);
    if (this.tokens) w.value('tokens.rng', this.tokens.rngState());
    w.array('losses', Float32Array.from(this.lossHistory));
    return encodeTrainingCheckpoint({ config: this.config, step: this.done, extra, continued: this.continued }, w);
  }

  /** Every entry is read and checked before it is written; on a throw the caller disposes this trainer. */
  private loadState(r: StateReader, step: number): void {
    const pr = r.scope('param');
    const params = new Map(this.model.specs.map((s) => [s.name, pr.f32(s.name, sizeOf(s.shape))]));
    const opt: AdamWState = { t: r.int('adamw.t'), buckets: [] };
    for (let j = 0; r.has(`adamw.${j}.m`); j++) {
      const br = r.scope(`adamw.${j}`);
      opt.buckets.push({ m: br.f32('m'), v: br.f32('v'), age: br.has('age') ? br.f32('age') : null });
    }
    const dr = r.scope('data');
    const cursor = { order: dr.i32('order'), pos: dr.int('pos'), epoch: dr.int('epoch'), orderRng: dr.rng('orderRng'), augRng: dr.rng('augRng') };
    const tokenRng = this.tokens ? r.rng('tokens.rng') : null;
    const losses = r.f32('losses', step);
    this.model.write(params);
    this.sparsity.loadState(r.scope('sparsity')); // lays the parameters out (S²ViTE: compact) before the moments
    this.opt.importState(opt);
    this.batcher.setState(cursor);
    if (tokenRng) this.tokens!.setRngState(tokenRng);
    this.done = step;
    for (const l of losses) this.lossHistory.push(l); // not push(...): a long run would overflow the stack
  }

  get stepsDone(): number {
    return this.done;
  }

  /** The loss of every step done, the steps before a resume included. */
  get losses(): readonly number[] {
    return this.lossHistory;
  }

  /** Where the run ends: config.steps, plus what Continue added. */
  get totalSteps(): number {
    return this.config.steps + this.continued;
  }

  get finished(): boolean {
    return this.done >= this.totalSteps;
  }

  /**
   * Continue: `more` steps past the current end. The schedules are not stretched (that would change
   * the steps already taken): past config.steps each holds its final value, so the extra steps train
   * at minLr, with τ at its end value and no topology updates (lr-schedule, sparse/schedule, token-selector).
   */
  continueBy(more: number): void {
    if (!(Number.isSafeInteger(more) && more > 0)) throw new Error(`Continue needs a whole number of steps above 0, not ${more}`);
    this.continued += more;
  }

  private inputs(x: Float32Array, n: number): tf.Tensor4D {
    const c = this.config;
    return tf.tensor4d(x, [n, c.imageSize, c.imageSize, c.inChans]);
  }

  /** One optimisation step, plus a topology update when one is due after it. */
  async step(): Promise<StepInfo> {
    return (await this.steps(1))[0];
  }

  /**
   * Up to `limit` steps with one loss readback (facts/readback: 8 steps on WebGPU, so the GPU's
   * queue does not drain at every step; 1 on WASM and CPU). A chunk ends at a periodic evaluation
   * step and at the end of the run; a topology update step runs alone (its update reads back).
   * Losses are those of reading every step. At a non-finite loss the chunk goes back to its start
   * and replays one step at a time: the run stops at that step, in the state a per-step read leaves.
   */
  async steps(limit = Number.POSITIVE_INFINITY): Promise<StepInfo[]> {
    const n = this.chunkLength(limit);
    if (n === 1) return [await this.stepAndRead()];
    const started = now();
    const rollback = this.holdRollback();
    const queued: QueuedStep[] = [];
    let losses: Float32Array;
    try {
      for (let i = 0; i < n; i++) {
        queued.push(this.enqueueStep(this.done + i, false));
        this.sparsity.endStep();
      }
      // Always readEvery inputs (padded with the first loss): the program that stacks them compiles
      // once, in the first chunk, not again for each chunk length (a pipeline after warm-up on WebGPU).
      const pad = Array.from({ length: this.readEvery - n }, () => queued[0].lossT);
      const stacked = tf.stack([...queued.map((q) => q.lossT), ...pad]);
      losses = (await stacked.data() as Float32Array).subarray(0, n);
      stacked.dispose();
    } catch (e) {
      rollback.release();
      throw e;
    } finally {
      tf.dispose(queued.map((q) => q.lossT));
    }
    const bad = losses.findIndex((l) => !Number.isFinite(l));
    if (bad < 0) {
      rollback.release();
      const ms = (now() - started) / n;
      return Array.from(losses, (loss, i) => this.record(this.done + 1, loss, queued[i].lr, null, ms));
    }
    rollback.restore();
    const completed: StepInfo[] = [];
    try {
      for (let i = 0; i <= bad; i++) completed.push(await this.stepAndRead()); // the last one throws NonFiniteLossError
    } catch (e) {
      if (e instanceof NonFiniteLossError) e.completed = completed;
      throw e;
    }
    throw new Error(`the loss of step ${this.done} was ${losses[bad]} in a chunk of ${n} steps but finite when replayed alone: ` +
      `the ${tf.getBackend()} backend is not deterministic here`);
  }

  /** Steps the next chunk holds: at most `limit` and readEvery, never past an evaluation step or into an update step. */
  private chunkLength(limit: number): number {
    const most = Math.min(limit, this.readEvery, this.totalSteps - this.done);
    if (this.sparsity.isUpdateStep(this.done + 1)) return 1;
    let n = 1;
    while (n < most && !isPeriodicEvalStep(this.config, this.done + n) && !this.sparsity.isUpdateStep(this.done + n + 1)) n++;
    return n;
  }

  /** What a chunk of steps without topology updates changes: its parameters, the optimizer, the data cursor, the token noise. */
  private holdRollback(): Rollback {
    const view = this.sparsity.beginStep(false, this.config.batchSize, keptTokens(this.config) + 1);
    this.sparsity.endStep();
    const opt = this.opt.stepState(), cursor = this.batcher.state(), tokenRng = this.tokens?.rngState();
    return new Rollback([...view.params.values(), ...opt.variables], () => {
      this.opt.rewindTo(opt.t);
      this.batcher.setState(cursor);
      if (tokenRng) this.tokens!.setRngState(tokenRng);
    });
  }

  /** Step t + 1 (t counted from 0) read back alone: the loss, and a topology update's events. */
  private async stepAndRead(): Promise<StepInfo> {
    const started = now();
    const stepNo = this.done + 1;
    const update = this.sparsity.isUpdateStep(stepNo);
    const { lossT, signal, lr } = this.enqueueStep(this.done, update);
    let events: UpdateEvent[] | null = null;
    try {
      if (update) events = await this.sparsity.update(stepNo, signal, this.opt);
    } finally {
      this.sparsity.endStep();
      tf.dispose(signal);
    }
    const loss = (await lossT.data())[0];
    lossT.dispose();
    // The first non-finite loss ends the run: the step counter stays at the last good step.
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(stepNo, loss, lr, this.lastCheckpoint);
    return this.record(stepNo, loss, lr, events, now() - started);
  }

  /** Forward, backward and optimizer of step t + 1 on the device; the caller ends the step (sparsity.endStep). */
  private enqueueStep(t: number, update: boolean): QueuedStep {
    const c = this.config;
    const lr = learningRate(c, t);
    const batch = this.batcher.next();
    const view = this.sparsity.beginStep(update, batch.size, keptTokens(c) + 1);
    const [lossT, ...signal] = tf.tidy(() => {
      const x = this.inputs(batch.x, batch.size);
      const y = tf.tensor1d(batch.y, 'int32');
      const plan: ForwardPlan = { blocks: view.blocks, tokens: this.tokens?.trainPlan(batch.size, t) };
      const { value, grads: byVariable } = tf.variableGrads(
        () => smoothedCrossEntropy(forward(view.params, x, c, plan), y, c.numClasses, c.labelSmoothing),
        [...view.params.values(), ...view.probes]);
      const grads = new Map<string, tf.Tensor>(), probeGrads = new Map<string, tf.Tensor>();
      for (const [k, g] of Object.entries(byVariable)) {
        const name = view.nameOf.get(k);
        if (name) grads.set(name, g);
        else probeGrads.set(k, g);
      }
      this.opt.apply(view.params, this.sparsity.maskGradients(grads), lr, c.weightDecay, c.clipNorm);
      this.sparsity.afterOptimizer();
      return [value, ...(update ? this.sparsity.updateSignal(grads, probeGrads) : [])];
    });
    return { lossT, signal, lr };
  }

  /** A step whose loss was read and is finite: it counts as done. */
  private record(stepNo: number, loss: number, lr: number, update: UpdateEvent[] | null, elapsedMs: number): StepInfo {
    this.done = stepNo;
    this.lossHistory.push(loss);
    return { step: stepNo, loss, lr, tau: this.tokens?.temperature(stepNo - 1) ?? NaN, update, elapsedMs };
  }

  /** Logits of a batch of normalised images at evaluation (deterministic token choice). */
  predict(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const { params, blocks } = this.sparsity.inference();
      return forward(params, x, this.config, { blocks, tokens: this.tokens?.evalPlan(), inference: true });
    });
  }

  /** Accuracy, mean loss and confusion on a split (limit = images, 0/undefined = all), eval mode. */
  async evaluate(limit?: number, split: 'test' | 'train' = 'test'): Promise<EvalResult> {
    const c = this.config;
    const k = c.numClasses;
    const confusion = new Int32Array(k * k);
    let lossSum = 0, count = 0, correct = 0;
    for (const b of evalBatches(this.dataset[split], evalBatchSize(c), this.dataset.mean, this.dataset.std, limit || undefined)) {
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
    const loss = lossSum / count;
    // A model that outputs NaN predicts class 0 everywhere: that is not an accuracy (it reads as chance).
    return { step: this.done, count, accuracy: Number.isFinite(loss) ? correct / count : null, loss, confusion, numClasses: k };
  }

  /** Masks, densities, heads, neurons and kept tokens: read back for a frame or a summary. */
  async snapshot(): Promise<SparsitySnapshot> {
    const snap: SparsitySnapshot = { step: this.done, ...await this.sparsity.snapshot(), keptTokens: null, keptPerSample: 0 };
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
    return computeFlops(this.config, { ...this.sparsity.flopsState(), keptTokens: keptTokens(this.config) });
  }

  paramsCount(): number {
    return countParams(this.model.specs);
  }

  /** Parameter values (our layout) and the sparse state (masks as 0/1 bytes, live units), for export. */
  async exportState(): Promise<SparseState & { params: Map<string, Float32Array> }> {
    const params = await this.readParams();
    return { params, ...await this.sparsity.exportState() };
  }

  /** Copy of every parameter's values in the full layout (our layout). */
  async readParams(): Promise<Map<string, Float32Array>> {
    this.sparsity.flush();
    return this.model.read();
  }

  /** Load exported state (parameters in our layout, masks, live units) into this trainer. */
  restore(state: SavedSparseState & { params: Map<string, Float32Array> }): void {
    this.model.write(state.params);
    this.sparsity.restore(state, state.params);
  }

  dispose(): void {
    this.sparsity.dispose();
    this.opt.dispose();
    this.model.dispose();
  }
}

// performance exists in browsers, workers and Node; the engine's lib has no DOM types for it.
declare const performance: { now(): number };
const now = (): number => performance.now();
