// What the trainer reports about itself: small plain objects of typed arrays, ready to post to a UI
// (every array is a fresh copy the receiver may own and transfer).

export interface StepInfo {
  step: number; // steps completed after this one (1-based)
  loss: number;
  lr: number;
  /** SViTE+ temperature at this step (NaN when the selector is off). */
  tau: number;
  /** Topology update done at this step, if any. */
  update: UpdateEvent[] | null;
  /** Milliseconds the step took, wall clock, including the loss readback. */
  elapsedMs: number;
}

/** One layer's (or one block's heads/neurons) change at one topology update. */
export interface UpdateEvent {
  step: number;
  layer: string; // timm name of the weight, or `blocks.{i}.attn.heads` / `blocks.{i}.mlp.neurons`
  pruned: number;
  grown: number;
  /** Global weight density right after this update. */
  globalDensity: number;
  /** dr(t) used. */
  fraction: number;
  /** S²ViTE: units pruned and regrown by this update, i.e. swaps that changed nothing. */
  regrown?: number;
  /** S²ViTE: the unit indices (heads or neurons of the block) this update pruned and grew, so the
   *  live sets replay from the initial ones. A unit in both was pruned and regrown. */
  prunedIds?: number[];
  grownIds?: number[];
}

export interface EvalResult {
  step: number;
  count: number;
  /** null when the loss is not finite (the model outputs NaN) or there were no images. */
  accuracy: number | null;
  loss: number;
  /** Row = true class, column = predicted class, row-major numClasses². */
  confusion: Int32Array;
  numClasses: number;
}

/** A weight mask as a bitset, row-major over our [in, out] layout. */
export interface MaskBits {
  name: string;
  rows: number;
  cols: number;
  bits: Uint8Array; // ceil(rows*cols/8) bytes, bit j of byte i = entry i*8+j
  active: number;
}

export interface SparsitySnapshot {
  step: number;
  /** Masks of every sparse layer (SViTE); empty for dense and S2ViTE. */
  masks: MaskBits[];
  /** Current density per weight layer (timm name); includes heads/neurons removal for S2ViTE. */
  density: Record<string, number>;
  /** Fired (ever-active) fraction per sparse layer. */
  /** Fired (ever-active) fraction per sparse layer; S²ViTE: the fraction of its units ever live. */
  firedDensity: Record<string, number>;
  globalDensity: number;
  globalFiredDensity: number;
  /** S2ViTE: per block, 1 = head live. depth × numHeads, row-major. */
  headsAlive: Uint8Array | null;
  /** Latest head importance (Taylor) scores, depth × numHeads (NaN before the first update). */
  headScores: Float32Array | null;
  /** S2ViTE: per block live MLP neurons, depth × hidden, row-major. */
  neuronsAlive: Uint8Array | null;
  /** SViTE+: kept patch indices (row-major over the patch grid) per sample image, samples × k. */
  keptTokens: Int32Array | null;
  keptPerSample: number;
}
