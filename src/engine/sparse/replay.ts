// S²ViTE's topology record replayed: from the live units at the start and the update events (with
// the ids they pruned and grew), the live sets after every update, and what the updates did to
// them: swaps that changed nothing, updates that went back to the set of two updates before
// (ping-pong), and how many units were ever alive.
import type { UpdateEvent } from '../snapshot';
import type { UnitKind } from './units';

export interface UnitSets {
  /** Per block, the live unit indices, increasing. */
  heads: number[][];
  neurons: number[][];
}

const KIND_OF_LAYER: [RegExp, UnitKind][] = [[/^blocks\.(\d+)\.attn\.heads$/, 'head'], [/^blocks\.(\d+)\.mlp\.neurons$/, 'neuron']];

/** The block and unit kind an S²ViTE event is about; null for SViTE's per-weight events. */
export function unitEventTarget(e: UpdateEvent): { block: number; kind: UnitKind } | null {
  for (const [re, kind] of KIND_OF_LAYER) {
    const m = re.exec(e.layer);
    if (m) return { block: Number(m[1]), kind };
  }
  return null;
}

/**
 * Per kind and block, the live set before the first update and after each one (the events' order).
 * Throws when an event prunes a unit that is not live or grows one that is: the record does not
 * belong to that start.
 */
export function replayUnits(start: UnitSets, updates: readonly UpdateEvent[]): Record<UnitKind, number[][][]> {
  const history: Record<UnitKind, number[][][]> = {
    head: start.heads.map((h) => [[...h]]),
    neuron: start.neurons.map((n) => [[...n]]),
  };
  for (const e of updates) {
    const t = unitEventTarget(e);
    if (!t) continue;
    if (!e.prunedIds || !e.grownIds) throw new Error(`update at step ${e.step} on ${e.layer} carries no unit ids`);
    const sets = history[t.kind][t.block];
    const live = new Set(sets[sets.length - 1]);
    for (const i of e.prunedIds) {
      if (!live.delete(i)) throw new Error(`step ${e.step}, ${e.layer}: pruned ${t.kind} ${i} was not live`);
    }
    for (const i of e.grownIds) {
      if (live.has(i)) throw new Error(`step ${e.step}, ${e.layer}: grown ${t.kind} ${i} was already live`);
      live.add(i);
    }
    sets.push([...live].sort((a, b) => a - b));
  }
  return history;
}

export interface TopologyStats {
  /** Unit updates (one per block and kind per topology update). */
  updates: number;
  /** Of those, the ones whose live set differs from the one before. */
  changing: number;
  /** Units grown that had been pruned by the same update, over all units grown (0 when none grew). */
  noopShare: number;
  /** Changing updates whose live set equals the one of two updates before, over changing updates. */
  pingPongShare: number;
  /** Fraction of heads and of neurons alive at some point of the run. */
  everAliveHeads: number;
  everAliveNeurons: number;
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** `heads`/`neurons`: units per block of each kind (the denominators of the ever-alive fractions). */
export function topologyStats(start: UnitSets, updates: readonly UpdateEvent[], heads: number, neurons: number): TopologyStats {
  const history = replayUnits(start, updates);
  let n = 0, changing = 0, pingPong = 0, grown = 0, regrown = 0;
  for (const e of updates) if (unitEventTarget(e)) [grown, regrown] = [grown + e.grown, regrown + (e.regrown ?? 0)];
  const ever = (kind: UnitKind, per: number): number => {
    const blocks = history[kind];
    let alive = 0;
    for (const sets of blocks) {
      for (let i = 1; i < sets.length; i++) {
        n++;
        if (same(sets[i], sets[i - 1])) continue;
        changing++;
        if (i >= 2 && same(sets[i], sets[i - 2])) pingPong++;
      }
      alive += new Set(sets.flat()).size;
    }
    return blocks.length ? alive / (blocks.length * per) : 0;
  };
  const everAliveHeads = ever('head', heads), everAliveNeurons = ever('neuron', neurons);
  return {
    updates: n, changing, noopShare: grown ? regrown / grown : 0, pingPongShare: changing ? pingPong / changing : 0,
    everAliveHeads, everAliveNeurons,
  };
}
