// Ablations behind the training-quality defaults: each group varies one thing on the `tiny`
// preset over three seeds, everything else at the preset's defaults, so the table says what each
// choice is worth. Saved after every run; `--only ablations:GROUP` reruns one group.
import { presetConfig, type ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { useBackend } from '../../backend/node';
import { cachedLoader } from '../load-data';
import { trainRun, type RunSummary } from '../train-run';
import type { AblationData, AblationGroup, AblationRow } from './results';
import { loadResults } from './results';
import type { Provenance } from './provenance';
import { lossDigest } from './digest';
import { mean, std } from '../../engine/stats';

interface GroupSpec {
  id: string;
  title: string;
  /** Why the group exists: the question it answers. */
  question: string;
  rows: [string, Partial<ExperimentConfig>][];
}

export const ABLATIONS: GroupSpec[] = [
  {
    id: 'tiny-dense',
    title: 'Dense `tiny`: is the preset stable across seeds?',
    question: 'At 400 steps the run stopped midway through its rise, and the seed decided how far it got.',
    rows: [
      ['the preset (800 steps)', {}],
      ['400 steps (the old preset)', { steps: 400 }],
    ],
  },
  {
    id: 'svite-growth',
    title: 'SViTE d=0.5: how regrowth is chosen, and how the budget is spread',
    question: 'Gradient growth (RigL, the paper) regrows where this batch\'s gradient is largest; random growth (SET) explores evenly. ERK gives thin layers more density.',
    rows: [
      ['dense', { method: 'dense' }],
      ['ERK, random growth (the preset)', { method: 'svite' }],
      ['ERK, gradient growth (the paper)', { method: 'svite', growth: 'gradient' }],
      ['uniform, gradient growth', { method: 'svite', growth: 'gradient', distribution: 'uniform' }],
      ['ERK, no updates (static mask)', { method: 'svite', updateEnd: 0 }],
    ],
  },
  {
    id: 'svite-moments',
    title: 'SViTE d=0.5, gradient growth: AdamW state of pruned and regrown weights',
    question: 'Ours masks gradients and resets moments, so a regrown weight moves ~3 × lr per step at first; "restart" also restarts its bias correction (±lr); the reference keeps dense gradients and never resets moments.',
    rows: [
      ['moments reset (ours)', { method: 'svite', growth: 'gradient', sparseMoments: 'reset' }],
      ['moments reset, bias correction restarted', { method: 'svite', growth: 'gradient', sparseMoments: 'restart' }],
      ['dense gradients, moments kept (the reference)', { method: 'svite', growth: 'gradient', sparseMoments: 'keep' }],
    ],
  },
  {
    id: 'svite-schedule',
    title: 'SViTE d=0.5: update interval ΔT and α against the run length',
    question: 'The paper updates every ~2% of its iterations; the preset updates every 30 of 800 steps (3.75%).',
    rows: [
      ['ΔT 15 (1.9% of the run)', { method: 'svite', updateInterval: 15 }],
      ['ΔT 60 (7.5%)', { method: 'svite', updateInterval: 60 }],
      ['α 0.1 (instead of 0.5)', { method: 'svite', updateFraction: 0.1 }],
    ],
  },
  {
    id: 's2vite-regrowth',
    title: 'S²ViTE (0.5, 0.5): may a just-pruned unit regrow at once?',
    question: "The reference's rule lets it, and its intact proj/fc2 rows usually win it back; such a no-op swap keeps the unit's weights and moments (before issue 19 it re-initialised the unit). The `topology` section has the full ablation.",
    rows: [
      ['just-pruned units wait', { method: 's2vite', regrowPruned: false, unitRounding: 'ceil', unitFraction: 0.5 }],
      ['just-pruned units may regrow (the reference)', { method: 's2vite', regrowPruned: true, unitRounding: 'ceil', unitFraction: 0.5 }],
    ],
  },
];

/** S²ViTE's swaps over a run: how many changed a unit's identity, and heads changed per block by the end. */
function swapStats(s: RunSummary): Pick<AblationRow['runs'][number], 'noopShare' | 'headsChanged' | 'fired'> {
  const units = s.updates.filter((u) => u.regrown !== undefined);
  if (!units.length || !s.heads) return {};
  const grown = units.reduce((a, u) => a + u.grown, 0), regrown = units.reduce((a, u) => a + (u.regrown ?? 0), 0);
  const heads = s.heads;
  return {
    noopShare: grown ? regrown / grown : 0,
    headsChanged: Math.min(...heads.end.map((live, b) => live.filter((h) => !heads.start[b].includes(h)).length)),
    fired: s.globalFiredDensity,
  };
}

export async function ablations(opts: { quick: boolean; part?: string; log: (s: string) => void; save: (d: AblationData) => void; provenance: () => Provenance }): Promise<AblationData> {
  await useBackend('wasm');
  const base: ExperimentConfig = { ...presetConfig('tiny'), evalEvery: 0, ...(opts.quick ? { steps: 60 } : {}) };
  const seeds = opts.quick ? [0] : [0, 1, 2];
  const dataFor = cachedLoader();
  const done = new Map<string, AblationRow['runs'][number]>();
  // Other groups are kept as measured (each with its own provenance); this code's runs are reused.
  const previous = loadResults().find((r) => r.section === 'ablations');
  const groups: AblationGroup[] = previous?.section === 'ablations' ? previous.data.groups.filter((g) => ABLATIONS.some((a) => a.id === g.id)) : [];
  const result = (): AblationData => ({ preset: 'tiny', steps: base.steps, config: encodeConfig(base), seeds, groups: ABLATIONS.map((a) => groups.find((g) => g.id === a.id)).filter((g): g is AblationGroup => !!g) });
  for (const spec of ABLATIONS) {
    if (opts.part && opts.part !== spec.id) continue;
    const group: AblationGroup = { id: spec.id, title: spec.title, question: spec.question, backend: 'wasm', provenance: opts.provenance(), rows: [] };
    const at = groups.findIndex((g) => g.id === spec.id);
    if (at >= 0) groups[at] = group;
    else groups.push(group);
    for (const [name, over] of spec.rows) {
      const row: AblationRow = { name, meanAccuracy: NaN, stdAccuracy: NaN, runs: [] };
      group.rows.push(row);
      for (const seed of seeds) {
        const c: ExperimentConfig = { ...base, ...over, seed };
        // Rows that share a config (a group's baseline) share its runs: training is deterministic.
        const key = encodeConfig(c);
        let run = done.get(key);
        if (!run) {
          const { summary, trainer } = await trainRun(c, dataFor(c), 'wasm', { quiet: true, trainEvalImages: 500 });
          trainer.dispose();
          run = { seed, config: summary.config, testAccuracy: summary.testAccuracy, lossDigest: lossDigest(summary.losses), updates: new Set(summary.updates.map((u) => u.step)).size, ...swapStats(summary) };
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
