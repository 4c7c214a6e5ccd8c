// What the trainer needs of a sparsity method, and nothing more: the trainer drives dense, SViTE
// and S²ViTE through this interface without knowing which it runs. A step is
//   view = beginStep(update) → forward/backward on view.params → maskGradients → optimizer →
//   afterOptimizer → (update step) updateSignal inside the step's tidy, update after it → endStep.
import type * as tf from '../tf';
import type { FlopsState } from '../flops';
import type { BlockPlan, ParamMap } from '../model/vit';
import type { StateReader, StateWriter } from '../io/state-bundle';
import type { AdamW } from '../optim/adamw';
import type { SparsitySnapshot, UpdateEvent } from '../snapshot';

/** The parameters one step trains and runs, as the method lays them out for that step. */
export interface StepView {
  /** Trained variables by timm name (compact stand-ins where the method has them). */
  params: Map<string, tf.Variable>;
  /** timm name of each trained variable's tfjs name: gradients come back keyed by the latter. */
  nameOf: ReadonlyMap<string, string>;
  /** Per-block plan for the forward (heads that run, update-step probes). */
  blocks?: BlockPlan[];
  /** Extra variables whose gradients only the topology update reads. */
  probes: tf.Variable[];
}

/** The sparse state a method exports and restores (our layout). */
export interface SparseState {
  masks: Map<string, Uint8Array>;
  headsAlive?: Uint8Array;
  neuronsAlive?: Uint8Array;
}

/** Sparse state as a file holds it: any part may be missing (null from the importer). */
export interface SavedSparseState {
  masks?: Map<string, Uint8Array>;
  headsAlive?: Uint8Array | null;
  neuronsAlive?: Uint8Array | null;
}

export type MethodSnapshot = Pick<SparsitySnapshot,
  'masks' | 'density' | 'firedDensity' | 'globalDensity' | 'globalFiredDensity' | 'headsAlive' | 'headScores' | 'neuronsAlive'>;

export interface SparsityMethod {
  /** Whether a topology update follows step `step` (1-based count of steps done). */
  isUpdateStep(step: number): boolean;
  /** Before a step; `update`: a topology update follows it. */
  beginStep(update: boolean, batch: number, tokens: number): StepView;
  /** Inside the step's tidy: the gradients the optimizer gets (removed entries get none). */
  maskGradients(grads: Map<string, tf.Tensor>): Map<string, tf.Tensor>;
  /** Inside the tidy, right after the optimizer step (every step). */
  afterOptimizer(): void;
  /** Inside the tidy, after the optimizer, at an update step: the tensors the update reads. */
  updateSignal(grads: Map<string, tf.Tensor>, probeGrads: Map<string, tf.Tensor>): tf.Tensor[];
  /** After the tidy, at an update step: change the topology. `signal` stays the caller's. */
  update(step: number, signal: tf.Tensor[], opt: AdamW): Promise<UpdateEvent[]>;
  /** After every step. */
  endStep(): void;
  /** Parameters and block plans for inference. */
  inference(): { params: ParamMap; blocks?: BlockPlan[] };
  /** Bring the full-layout parameters up to date before they are read. */
  flush(): void;
  snapshot(): Promise<MethodSnapshot>;
  flopsState(): FlopsState;
  exportState(): Promise<SparseState>;
  /** After the full parameters were overwritten (import): take the sparse state from the file, or keep the current one. */
  restore(state: SavedSparseState, params: Map<string, Float32Array>): void;
  /** Everything its later steps read, for a training checkpoint (the parameters are the trainer's). */
  saveState(w: StateWriter): Promise<void>;
  /** After the full parameters were overwritten from a checkpoint: continue exactly where saveState stood. */
  loadState(r: StateReader): void;
  dispose(): void;
}

/** tfjs name → timm name for a map of variables. */
export const variableNames = (params: Map<string, tf.Variable>): Map<string, string> =>
  new Map([...params].map(([name, v]) => [v.name, name]));

/** Dense training: every weight trains, the topology never changes. */
export class DenseTraining implements SparsityMethod {
  private readonly view: StepView;

  constructor(params: Map<string, tf.Variable>) {
    this.view = { params, nameOf: variableNames(params), probes: [] };
  }

  isUpdateStep(): boolean {
    return false;
  }

  beginStep(): StepView {
    return this.view;
  }

  maskGradients(grads: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
    return grads;
  }

  afterOptimizer(): void {}

  updateSignal(): tf.Tensor[] {
    return [];
  }

  async update(): Promise<UpdateEvent[]> {
    return [];
  }

  endStep(): void {}

  inference(): { params: ParamMap } {
    return { params: this.view.params };
  }

  flush(): void {}

  async snapshot(): Promise<MethodSnapshot> {
    return {
      masks: [], density: {}, firedDensity: {}, globalDensity: 1, globalFiredDensity: 1,
      headsAlive: null, headScores: null, neuronsAlive: null,
    };
  }

  flopsState(): FlopsState {
    return {};
  }

  async exportState(): Promise<SparseState> {
    return { masks: new Map() };
  }

  restore(): void {}

  async saveState(): Promise<void> {}

  loadState(): void {}

  dispose(): void {}
}
