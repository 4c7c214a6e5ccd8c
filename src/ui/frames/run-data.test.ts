import { describe, expect, it } from 'vitest';
import type { FlopsReport } from '../../engine/flops';
import type { EvalResult, SparsitySnapshot, UpdateEvent } from '../../engine/snapshot';
import type { EvalEvent, FrameEvent } from '../../protocol/messages';
import { FADE_FRAMES } from './fade';
import { EVAL, HeadTimeline, PER_FRAME, RunData, SCALAR } from './run-data';

const snapshot = (over: Partial<SparsitySnapshot> = {}): SparsitySnapshot => ({
  step: 0, masks: [], density: {}, firedDensity: {}, globalDensity: 1, globalFiredDensity: 1,
  headsAlive: null, headScores: null, neuronsAlive: null, keptTokens: null, keptPerSample: 0, ...over,
});

const flops = (dense: number, theoretical: number, executed: number): FlopsReport => ({
  unit: 'MACs', dense, theoretical, executed, savedTheoretical: 0, savedExecuted: 0, components: [], byComponent: {},
  params: { dense: 0, nonzero: 0, executed: 0 }, tokens: 0,
});

/** A frame with the given per-step losses (lr 0.1·i, τ 5); the step is that of the last loss. */
function frame(firstStep: number, losses: number[], over: Partial<FrameEvent> = {}): FrameEvent {
  const n = losses.length;
  return {
    type: 'frame', runId: 1, seq: 0, state: 'running', step: firstStep + n - 1, totalSteps: 100,
    steps: Int32Array.from(losses, (_, i) => firstStep + i), loss: Float32Array.from(losses),
    lr: Float32Array.from(losses, (_, i) => 0.1 * i), tau: new Float32Array(n).fill(5), stepMs: new Float32Array(n),
    updates: [], snapshot: snapshot(), flops: flops(100, 50, 80), stepsPerSec: 1, imagesPerSec: 1, etaMs: 0, elapsedMs: 0,
    numTensors: 0, ...over,
  };
}

const update = (step: number, fraction: number): UpdateEvent => ({ step, layer: 'blocks.0.attn.qkv.weight', pruned: 1, grown: 1, globalDensity: 0.5, fraction });

const evalEvent = (step: number, accuracy: number, reason: EvalEvent['reason']): EvalEvent => {
  const result: EvalResult = { step, count: 10, accuracy, loss: 1 - accuracy, confusion: new Int32Array(4), numClasses: 2 };
  return { type: 'eval', runId: 1, result, reason, elapsedMs: 1 };
};

const rows = (d: RunData, col: number): number[] => Array.from(d.perFrame.column(col));

describe('RunData', () => {
  it('adds one scalar row per step, with the loss smoothed by 0.9', () => {
    const d = new RunData();
    d.ingest(frame(1, [2, 1]));
    d.ingest(frame(3, [1]));
    expect(Array.from(d.scalars.view()[0])).toEqual([1, 2, 3]);
    expect(Array.from(d.scalars.column(SCALAR.loss))).toEqual([2, 1, 1]);
    // 2, then 0.9·2 + 0.1·1 = 1.9, then 0.9·1.9 + 0.1·1 = 1.81
    const ema = Array.from(d.scalars.column(SCALAR.lossEma));
    [2, 1.9, 1.81].forEach((v, i) => expect(ema[i]).toBeCloseTo(v, 6));
    expect(Array.from(d.scalars.column(SCALAR.lr))).toEqual([0, Math.fround(0.1), 0]);
    expect(d.losses()).toEqual([2, 1, 1]);
  });

  it('keeps one row per frame: density, fired (when the method reports it), FLOPs as 2 × MACs, dr(t) of the last update', () => {
    const d = new RunData();
    d.ingest(frame(1, [1], { snapshot: snapshot({ globalDensity: 0.5 }) }));
    const mask = { name: 'w', rows: 1, cols: 8, bits: new Uint8Array([0b1111]), active: 4 };
    d.ingest(frame(2, [1], {
      snapshot: snapshot({ globalDensity: 0.4, globalFiredDensity: 0.7, masks: [mask], firedDensity: { w: 0.7 } }),
      updates: [update(2, 0.3), update(2, 0.3), update(2, 0.2)],
    }));
    expect(rows(d, PER_FRAME.density)).toEqual([0.5, 0.4]);
    expect(rows(d, PER_FRAME.fired)).toEqual([NaN, 0.7]);
    expect(rows(d, PER_FRAME.dense)).toEqual([200, 200]);
    expect(rows(d, PER_FRAME.theoretical)).toEqual([100, 100]);
    expect(rows(d, PER_FRAME.executed)).toEqual([160, 160]);
    expect(rows(d, PER_FRAME.drUpdate)).toEqual([NaN, 0.2]);
  });

  it('a frame covering many steps (WASM) charts each topology update at its own step, not the frame\'s', () => {
    const d = new RunData();
    d.ingest(frame(1, [1, 1, 1, 1, 1, 1, 1], { snapshot: snapshot({ globalDensity: 0.5, globalFiredDensity: 0.5, firedDensity: { w: 0.5 } }) }));
    const losses = Array.from({ length: 30 }, () => 1); // steps 8..37
    d.ingest(frame(8, losses, {
      snapshot: snapshot({ globalDensity: 0.5, globalFiredDensity: 0.8, firedDensity: { w: 0.8 } }),
      updates: [{ ...update(10, 0.3), globalDensity: 0.49 }, update(10, 0.3), { ...update(30, 0.1), globalDensity: 0.51 }],
    }));
    expect(Array.from(d.perFrame.view()[0])).toEqual([7, 10, 30, 37]);
    expect(rows(d, PER_FRAME.drUpdate)).toEqual([NaN, 0.3, 0.1, NaN]);
    expect(rows(d, PER_FRAME.density)).toEqual([0.5, 0.5, 0.51, 0.5]);
    // Fired jumps at the last update (step 30), not along a ramp to the frame's step; unknown at 10.
    expect(rows(d, PER_FRAME.fired)).toEqual([0.5, NaN, 0.8, 0.8]);
  });

  it('tallies S²ViTE swaps: identity changes apart from no-ops, heads apart from neurons', () => {
    const d = new RunData();
    const units = (layer: string, grown: number, regrown: number): UpdateEvent => ({ step: 4, layer, pruned: grown, grown, regrown, globalDensity: 0.5, fraction: 0.3 });
    d.ingest(frame(4, [1], { updates: [units('blocks.0.attn.heads', 1, 0), units('blocks.1.attn.heads', 2, 1), units('blocks.0.mlp.neurons', 5, 5), update(4, 0.3)] }));
    expect(d.swaps).toEqual({ heads: { changed: 2, noop: 1 }, neurons: { changed: 0, noop: 5 } });
    d.reset();
    expect(d.swaps.heads).toEqual({ changed: 0, noop: 0 });
  });

  it('shows the newest frame and lights up what changed since the one before', () => {
    const d = new RunData();
    const masked = (bits: number, neurons: number[]) => snapshot({
      masks: [{ name: 'w', rows: 2, cols: 4, bits: new Uint8Array([bits]), active: 0 }],
      neuronsAlive: Uint8Array.from(neurons),
    });
    const first = frame(1, [1], { snapshot: masked(0b0000_0011, [1, 1, 0]) });
    d.ingest(first);
    expect(d.latest).toBe(first);
    expect(Array.from(d.maskFade.get('w')!)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(d.neuronFade!)).toEqual([0, 0, 0]);

    // Entry 0 pruned, entry 2 grown; neuron 1 removed, neuron 2 regrown.
    const second = frame(2, [1], { snapshot: masked(0b0000_0110, [1, 0, 1]) });
    d.ingest(second);
    expect(d.latest).toBe(second);
    const F = FADE_FRAMES;
    expect(Array.from(d.maskFade.get('w')!)).toEqual([-F, 0, F, 0, 0, 0, 0, 0]);
    expect(Array.from(d.neuronFade!)).toEqual([0, -F, F]);

    // Nothing changes: the highlights fade by one frame.
    d.ingest(frame(3, [1], { snapshot: masked(0b0000_0110, [1, 0, 1]) }));
    expect(Array.from(d.maskFade.get('w')!)).toEqual([-(F - 1), 0, F - 1, 0, 0, 0, 0, 0]);
    expect(Array.from(d.neuronFade!)).toEqual([0, -(F - 1), F - 1]);
  });

  it('adds live heads to the timeline, one column per frame', () => {
    const d = new RunData();
    d.ingest(frame(1, [1], { snapshot: snapshot({ headsAlive: Uint8Array.from([1, 1]) }) }));
    d.ingest(frame(5, [1], { snapshot: snapshot({ headsAlive: Uint8Array.from([1, 0]) }) }));
    expect(d.heads.steps).toEqual([1, 5]);
    expect(d.heads.columns.map((c) => Array.from(c))).toEqual([[1, 1], [1, 3]]);
    expect(Array.from(d.headFade!)).toEqual([0, -FADE_FRAMES]);
  });

  it('charts periodic and final evaluations; a requested one at an already charted step only updates the latest', () => {
    const d = new RunData();
    d.addEval(evalEvent(10, 0.5, 'periodic'));
    d.addEval(evalEvent(10, 0.6, 'requested'));
    expect(Array.from(d.evals.column(EVAL.accuracy))).toEqual([0.5]);
    expect(d.lastEval?.accuracy).toBe(0.6);
    d.addEval(evalEvent(12, 0.7, 'requested'));
    d.addEval(evalEvent(20, 0.8, 'final'));
    expect(Array.from(d.evals.view()[0])).toEqual([10, 12, 20]);
    expect(Array.from(d.evals.column(EVAL.accuracy))).toEqual([0.5, 0.7, 0.8]);
  });

  it('forgets everything of the previous run on reset', () => {
    const d = new RunData();
    d.setSamples({ images: new Uint8Array(4), count: 1, height: 2, width: 2, channels: 1 });
    d.ingest(frame(1, [1], { snapshot: snapshot({ headsAlive: Uint8Array.from([1]), neuronsAlive: Uint8Array.from([1]) }) }));
    d.addEval(evalEvent(1, 0.5, 'final'));
    d.reset();
    expect([d.samples, d.latest, d.lastEval, d.neuronFade, d.headFade]).toEqual([null, null, null, null, null]);
    expect([d.scalars.length, d.perFrame.length, d.evals.length, d.heads.columns.length, d.maskFade.size]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('HeadTimeline', () => {
  const cols = (t: HeadTimeline): number[][] => t.columns.map((c) => Array.from(c));

  it('marks heads grown (2) and pruned (3) against the previous column', () => {
    const t = new HeadTimeline();
    t.push(0, Uint8Array.from([1, 0, 1]));
    t.push(1, Uint8Array.from([0, 1, 1]));
    t.push(2, Uint8Array.from([0, 1, 1]));
    expect(cols(t)).toEqual([[1, 0, 1], [3, 2, 1], [0, 1, 1]]);
  });

  it('halves past its width: pairs merge into the later state, keeping a grow or prune of either', () => {
    const t = new HeadTimeline(4);
    t.push(10, Uint8Array.from([1, 1, 1])); // [1, 1, 1]
    t.push(20, Uint8Array.from([0, 1, 1])); // [3, 1, 1]  head 0 pruned
    t.push(30, Uint8Array.from([0, 1, 0])); // [0, 1, 3]  head 2 pruned
    t.push(40, Uint8Array.from([1, 1, 0])); // [2, 1, 0]  head 0 regrown
    t.push(50, Uint8Array.from([1, 0, 0])); // [1, 3, 0]  head 1 pruned; 5 columns > 4: halve
    // (10, 20) → 20 with head 0's prune; (30, 40) → 40 with head 2's prune and head 0's regrowth;
    // 50 has no partner and stays as it is.
    expect(t.steps).toEqual([20, 40, 50]);
    expect(cols(t)).toEqual([[3, 1, 1], [2, 1, 3], [1, 3, 0]]);
  });
});
