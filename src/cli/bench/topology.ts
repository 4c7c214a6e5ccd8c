// S²ViTE's topology updates and SViTE+'s token selection against their baselines (issue 19): each
// group asks one question on one preset and step count, over seeds it names (here the
// confirmation seeds 3–5; the tuning runs on seeds 0–2 are in the README), every row a link. S²ViTE rows also carry what the
// updates did, replayed from the update record: no-op swaps, ping-pong updates, units ever alive.
// Saved after every run; a run already in the results (same link) is not trained again, so
// `--only topology:GROUP` continues where it stopped.
import { presetConfig, type ExperimentConfig, type PresetName } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { mlpHidden } from '../../engine/facts';
import { baselineOf, type Baseline } from '../../engine/facts/paper-rows';
import { topologyStats } from '../../engine/sparse/replay';
import { useBackend } from '../../backend/node';
import { cachedLoader } from '../load-data';
import { trainRun, type RunSummary } from '../train-run';
import { loadResults, type TopologyData, type TopologyGroup, type TopologyRun } from './results';
import { mean, std } from '../../engine/stats';
import { lossDigest } from './digest';
import { freshness, type Provenance } from './provenance';

interface GroupSpec {
  id: string;
  title: string;
  question: string;
  preset: PresetName;
  /** The preset's step count unless given. */
  steps?: number;
  seeds: number[];
  rows: Row[];
}

type Row = [string, Partial<ExperimentConfig>];

const S2 = { method: 's2vite' } as const;
const S2_07 = { method: 's2vite', attnDensity: 0.7, mlpDensity: 0.6 } as const;
const SVITE_PLUS = { method: 'svite', density: 0.5, tokenKeep: 0.7 } as const;

// The baselines as engine/facts defines them (baselineOf): S²ViTE's frozen topology, SViTE+'s fixed
// centre tokens. Which one applies depends on the method only, so any preset answers.
const baseline = (over: Partial<ExperimentConfig>): Baseline => {
  const b = baselineOf({ ...presetConfig('tiny'), ...over });
  if (!b) throw new Error(`no baseline for ${JSON.stringify(over)}`);
  return b;
};
const FROZEN = baseline(S2).over;
const CENTRE = baseline(SVITE_PLUS).over;
/** The baseline's row, then the method's: "<name> frozen topology", "<name>". */
const afterBaseline = (name: string, over: Partial<ExperimentConfig>): Row[] => {
  const b = baseline(over);
  return [[`${name} ${b.name}`, { ...over, ...b.over }], [name, over]];
};

const DENSE = { method: 'dense' } as const;
const SEEDS_6_25 = Array.from({ length: 20 }, (_, i) => 6 + i);

const WAIT = { regrowPruned: false, unitFraction: 0.5 } as const; // the rule before issue 19
// Neurons pruned by magnitude, the default before the Taylor score: the tuning rows measured with it.
const S2M = { ...S2, neuronPrune: 'magnitude' } as const;
const S2M_07 = { ...S2_07, neuronPrune: 'magnitude' } as const;

export const TOPOLOGY_GROUPS: GroupSpec[] = [
  {
    id: 's2vite-tiny-tuning', preset: 'tiny', seeds: [0, 1, 2],
    title: 'S²ViTE update rules on tiny: the tuning that chose the defaults (seeds 0–2)',
    question: 'Every head swap on tiny (4 heads, 2 or 3 live) throws away a third to a half of a block\'s attention: which unit an update may replace, how many, and what a regrown unit starts from. Rows without a budget are (0.5, 0.5); "the rule before" is just-pruned units kept out of regrowth with α 0.5 for units. Rows before the default prune neurons by the L1 of their weights (np=magnitude).',
    rows: [
      ['frozen topology', { ...S2, ...FROZEN }],
      ['the rule before (just-pruned units wait, α 0.5, fresh init)', { ...S2M, ...WAIT }],
      ['the rule before, α 0.2', { ...S2M, ...WAIT, unitFraction: 0.2 }],
      ['the rule before, α 0.1', { ...S2M, ...WAIT, unitFraction: 0.1 }],
      ['the rule before, at most 1 unit per block', { ...S2M, ...WAIT, unitCap: 1 }],
      ['the rule before, round', { ...S2M, ...WAIT, unitRounding: 'round' }],
      ['the rule before, floor', { ...S2M, ...WAIT, unitRounding: 'floor' }],
      ['the rule before, α 0.2, round', { ...S2M, ...WAIT, unitFraction: 0.2, unitRounding: 'round' }],
      ['the rule before, grown units protected 1 update', { ...S2M, ...WAIT, unitProtect: 1 }],
      ['the rule before, protected 3 updates', { ...S2M, ...WAIT, unitProtect: 3 }],
      ['the rule before, grown units start at zero', { ...S2M, ...WAIT, unitInit: 'zero' }],
      ['the rule before, random unit growth', { ...S2M, ...WAIT, unitGrowth: 'random' }],
      ['the rule before, ΔT 100', { ...S2M, ...WAIT, updateInterval: 100 }],
      ['the reference\'s regrowth, a no-op keeps the unit, α 0.5', { ...S2M, unitFraction: 0.5 }],
      ['the reference\'s regrowth, α 0.1 (the default before)', S2M],
      ['(0.7, 0.6) frozen topology', { ...S2_07, ...FROZEN }],
      ['(0.7, 0.6) the rule before', { ...S2M_07, ...WAIT }],
      ['(0.7, 0.6) the reference\'s regrowth, α 0.5', { ...S2M_07, unitFraction: 0.5 }],
      ['(0.7, 0.6) the reference\'s regrowth, α 0.1 (the default before)', S2M_07],
      ['(0.7, 0.6) the reference\'s regrowth, α 0.5, ΔT 100', { ...S2M_07, unitFraction: 0.5, updateInterval: 100 }],
      ['(0.7, 0.6) updates end at half the run', { ...S2M_07, updateEnd: 0.5 }],
      ['(0.7, 0.6) updates end at a quarter of the run', { ...S2M_07, updateEnd: 0.25 }],
      ['(0.7, 0.6) round: heads never swap, neurons do', { ...S2M_07, unitRounding: 'round' }],
      ['(0.7, 0.6) ΔT 60', { ...S2M_07, updateInterval: 60 }],
      ['updates end at half the run', { ...S2M, updateEnd: 0.5 }],
      ['round: heads never swap, neurons do', { ...S2M, unitRounding: 'round' }],
      ['ΔT 60', { ...S2M, updateInterval: 60 }],
      ['the default: neurons pruned by Taylor score', S2],
      ['(0.7, 0.6) the default: neurons pruned by Taylor score', S2_07],
      ['Taylor neurons, ΔT 60', { ...S2, updateInterval: 60 }],
      ['(0.7, 0.6) Taylor neurons, ΔT 60', { ...S2_07, updateInterval: 60 }],
      // The noise floor: the frozen topology with the learning rate nudged by 0.1%.
      ['(0.7, 0.6) frozen topology, learning rate ×1.001', { ...S2_07, ...FROZEN, lr: 0.004004 }],
      ['(0.7, 0.6) frozen topology, learning rate ×0.999', { ...S2_07, ...FROZEN, lr: 0.003996 }],
    ],
  },
  {
    id: 'svite-plus-tiny-tuning', preset: 'tiny', seeds: [0, 1, 2],
    title: 'SViTE+ (d 0.5, keep 0.7) on tiny: the selector\'s start and learning rate (seeds 0–2)',
    question: 'Without a prior the scorer, which starts near flat, drifts from the centre to the border patches within 100 steps (seed 3: the corners kept in 9 images of 10, the centre patches in fewer than half; 66.2%). A per-patch bias starting at a margin on the centre patches (tpr) makes the learned selector start as the fixed crop; tlr is its learning rate as a fraction of lr.',
    rows: [
      ['no prior (the rule before)', { ...SVITE_PLUS, tokenPrior: 0, tokenLr: 1 }],
      ['no prior, selector lr × 0.1', { ...SVITE_PLUS, tokenPrior: 0, tokenLr: 0.1 }],
      ['centre prior 5', { ...SVITE_PLUS, tokenPrior: 5, tokenLr: 1 }],
      ['centre prior 20', { ...SVITE_PLUS, tokenPrior: 20, tokenLr: 1 }],
      ['centre prior 20, selector lr × 0.1', { ...SVITE_PLUS, tokenPrior: 20, tokenLr: 0.1 }],
      ['centre prior 20, τ from 1 instead of 10', { ...SVITE_PLUS, tokenPrior: 20, tokenLr: 1, tokenTauStart: 1 }],
      ['fixed centre tokens', { ...SVITE_PLUS, ...CENTRE }],
      ['no selector (SViTE d=0.5, every token)', { method: 'svite', density: 0.5 }],
    ],
  },
  {
    id: 's2vite-tiny-confirm', preset: 'tiny', seeds: [3, 4, 5],
    title: 'S²ViTE on tiny against its frozen topology, on seeds the defaults were not tuned on',
    question: 'The update rule was chosen on seeds 0–2 (README, "S²ViTE\'s update rule"); the frozen topology is the same budget with no update, the iso-FLOPs dense model of that shape.',
    rows: [
      ['dense', DENSE],
      ...afterBaseline('S²ViTE (0.5, 0.5)', S2),
      ['S²ViTE (0.5, 0.5), α for units 0.5', { ...S2, unitFraction: 0.5 }],
      ['S²ViTE (0.5, 0.5), neurons pruned by magnitude (the rule before)', S2M],
      ...afterBaseline('S²ViTE (0.7, 0.6)', S2_07),
      ['S²ViTE (0.7, 0.6), α for units 0.5', { ...S2_07, unitFraction: 0.5 }],
      ['S²ViTE (0.7, 0.6), neurons pruned by magnitude (the rule before)', S2M_07],
    ],
  },
  {
    id: 's2vite-fmnist-confirm', preset: 'fmnist', steps: 600, seeds: [3, 4, 5],
    title: 'S²ViTE on fmnist (600 steps) against its frozen topology, on seeds the defaults were not tuned on',
    question: 'The same rows as on tiny, at a short fmnist run.',
    rows: [
      ...afterBaseline('S²ViTE (0.7, 0.6)', S2_07),
      ...afterBaseline('S²ViTE (0.5, 0.5)', S2),
    ],
  },
  {
    id: 'svite-plus-tiny', preset: 'tiny', seeds: [3, 4, 5],
    title: 'SViTE+ (d 0.5, keep 0.7) on tiny against fixed tokens and no selector',
    question: 'Fixed tokens keep the 11 centre patches of the 4×4 grid in every image; no selector keeps all 16. The centre prior (tpr 5, the default) was chosen on seeds 0–2 (group svite-plus-tiny-tuning).',
    rows: [
      ['SViTE+ (the default: centre prior 5)', SVITE_PLUS],
      ['fixed centre tokens', { ...SVITE_PLUS, ...CENTRE }],
      ['SViTE+ without prior (the rule before)', { ...SVITE_PLUS, tokenPrior: 0, tokenLr: 1 }],
      ['no selector (SViTE d=0.5, every token)', { method: 'svite', density: 0.5 }],
      ['dense', DENSE],
    ],
  },
  // Three seeds cannot resolve a point on tiny (the tuning group's ±0.1% learning-rate rows), so the
  // comparisons issue 19 asks for are repeated on 20 further seeds, none of them tuned on, and read
  // seed by seed against the baseline.
  {
    id: 's2vite-tiny-20-seeds', preset: 'tiny', seeds: SEEDS_6_25,
    title: 'S²ViTE on tiny against its frozen topology, on 20 seeds not tuned on (6–25)',
    question: 'The confirmation on seeds 3–5 left (0.7, 0.6) half a point behind with a spread of two: is that a gap or noise? On each seed both rows start from the same weights and see the same batches (their losses are identical up to the first update), so the seed-by-seed difference removes the seed\'s own luck.',
    rows: [
      ...afterBaseline('S²ViTE (0.5, 0.5)', S2),
      ...afterBaseline('S²ViTE (0.7, 0.6)', S2_07),
      // The noise floor on these seeds: the baseline against itself with the learning rate nudged.
      ['S²ViTE (0.7, 0.6) frozen topology, learning rate ×1.001', { ...S2_07, ...FROZEN, lr: 0.004004 }],
    ],
  },
  {
    id: 'svite-plus-tiny-20-seeds', preset: 'tiny', seeds: SEEDS_6_25,
    title: 'SViTE+ (d 0.5, keep 0.7) on tiny against fixed centre tokens, on 20 seeds not tuned on (6–25)',
    question: 'The same question for the learned selector, which trailed the fixed crop by half a point on seeds 3–5 with one seed at 83%. Both rows of a seed share its data order.',
    rows: [
      ['fixed centre tokens', { ...SVITE_PLUS, ...CENTRE }],
      ['SViTE+ (the default: centre prior 5)', SVITE_PLUS],
      // Margin 20 never left the crop on seed 3: the selector's machinery with the crop's choice of patches.
      ['SViTE+ with centre prior 20 (keeps the crop)', { ...SVITE_PLUS, tokenPrior: 20 }],
      ['dense', DENSE],
    ],
  },
];

function summaryStats(s: RunSummary, c: ExperimentConfig): Partial<TopologyRun> {
  if (!s.heads || !s.neurons) return {};
  const t = topologyStats({ heads: s.heads.start, neurons: s.neurons.start }, s.updates, c.numHeads, mlpHidden(c));
  return { unitUpdates: t.updates, changing: t.changing, noopShare: t.noopShare, pingPongShare: t.pingPongShare, everAliveHeads: t.everAliveHeads, everAliveNeurons: t.everAliveNeurons };
}

export async function topology(opts: { quick: boolean; part?: string; log: (s: string) => void; save: (d: TopologyData) => void; provenance: () => Provenance }): Promise<TopologyData> {
  await useBackend('wasm');
  const dataFor = cachedLoader();
  const previous = loadResults().find((r) => r.section === 'topology');
  const old: TopologyGroup[] = previous?.section === 'topology' ? previous.data.groups : [];
  const done = new Map<string, TopologyRun>();
  // Runs are reused only from groups that still describe this code (provenance.ts).
  for (const g of old.filter((x) => !freshness(x.provenance).stale)) for (const r of g.rows) for (const x of r.runs) done.set(x.config, x);
  const groups: TopologyGroup[] = TOPOLOGY_GROUPS.map((spec) => old.find((g) => g.id === spec.id)).filter((g): g is TopologyGroup => !!g);
  const mine = new Set<string>();
  // Other groups as the results file has them now: two bench processes may run groups side by side.
  const result = (): TopologyData => {
    const latest = loadResults().find((r) => r.section === 'topology');
    const theirs = latest?.section === 'topology' ? latest.data.groups : [];
    const pick = (id: string): TopologyGroup | undefined => (mine.has(id) ? groups.find((g) => g.id === id) : theirs.find((g) => g.id === id) ?? groups.find((g) => g.id === id));
    return { groups: TOPOLOGY_GROUPS.map((a) => pick(a.id)).filter((g): g is TopologyGroup => !!g) };
  };
  for (const spec of TOPOLOGY_GROUPS) {
    if (opts.part && opts.part !== spec.id) continue;
    const base: ExperimentConfig = { ...presetConfig(spec.preset), evalEvery: 0, ...(spec.steps ? { steps: spec.steps } : {}), ...(opts.quick ? { steps: 40 } : {}) };
    const seeds = opts.quick ? spec.seeds.slice(0, 1) : spec.seeds;
    const group: TopologyGroup = { id: spec.id, title: spec.title, question: spec.question, preset: spec.preset, steps: base.steps, seeds, base: encodeConfig({ ...base, seed: 0 }), backend: 'wasm', provenance: opts.provenance(), rows: [] };
    mine.add(spec.id);
    const at = groups.findIndex((g) => g.id === spec.id);
    if (at >= 0) groups[at] = group;
    else groups.push(group);
    for (const [name, over] of spec.rows) {
      const row = { name, link: encodeConfig({ ...base, ...over, seed: seeds[0] }).replace(/&s=\d+$/, ''), meanAccuracy: NaN, stdAccuracy: NaN, runs: [] as TopologyRun[] };
      group.rows.push(row);
      for (const seed of seeds) {
        const c: ExperimentConfig = { ...base, ...over, seed };
        const key = encodeConfig(c);
        let run = done.get(key);
        if (!run) {
          const { summary, trainer } = await trainRun(c, dataFor(c), 'wasm', { quiet: true, trainEvalImages: 500 });
          trainer.dispose();
          run = { seed, config: key, testAccuracy: summary.testAccuracy, lossDigest: lossDigest(summary.losses), ...summaryStats(summary, c) };
          done.set(key, run);
        }
        row.runs.push(run);
        const accs = row.runs.map((r) => r.testAccuracy);
        row.meanAccuracy = mean(accs);
        row.stdAccuracy = std(accs);
        opts.log(`   ${spec.id} · ${name} · seed ${seed}: ${(run.testAccuracy * 100).toFixed(1)}%`);
        group.provenance = opts.provenance();
        opts.save(result());
      }
    }
  }
  return result();
}
