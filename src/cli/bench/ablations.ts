// Ablations behind the training-quality defaults (issue 10): each group varies one thing on the
// `tiny` preset over three seeds, everything else at the preset's defaults, so the table says
// what each choice is worth. Saved after every run; `--only ablations:GROUP` reruns one group.
import { presetConfig, type ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { useBackend } from '../../backend/node';
import { loadForConfig } from '../load-data';
import { trainRun, type RunSummary } from '../train-run';
import type { AblationData, AblationGroup, AblationRow } from './results';
import { loadResults } from './results';
import { mean, std } from './stats';

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
    question: 'The old preset (400 steps at lr 4e-3, warmup 20) swung by 35 points between seeds.',
    rows: [
      ['the preset', {}],
      ['old preset: 400 steps, lr 4e-3, warmup 20', { steps: 400, lr: 4e-3, warmupSteps: 20, updateInterval: 15 }],
    ],
  },
  {
    id: 'svite-moments',
    title: "SViTE d=0.5: AdamW state of pruned and regrown weights",
    question: 'Ours masks gradients and resets moments; the reference keeps dense gradients and never resets them.',
    rows: [
      ['dense', { method: 'dense' }],
      ['SViTE, moments reset (ours)', { method: 'svite', sparseMoments: 'reset' }],
      ['SViTE, dense gradients, moments kept (reference)', { method: 'svite', sparseMoments: 'keep' }],
    ],
  },
  {
    id: 'svite-schedule',
    title: 'SViTE d=0.5: update interval ΔT, α and t_end against the run length',
    question: 'The paper updates every 2% of its iterations, so a regrown weight has time to grow before it is judged again.',
    rows: [
      ['ΔT 1% of the steps', { method: 'svite', updateInterval: -0.01 }],
      ['ΔT 2% (the paper)', { method: 'svite', updateInterval: -0.02 }],
      ['ΔT 4%', { method: 'svite', updateInterval: -0.04 }],
      ['ΔT 8%', { method: 'svite', updateInterval: -0.08 }],
      ['α 0.1', { method: 'svite', updateFraction: 0.1 }],
      ['t_end 0.5', { method: 'svite', updateEnd: 0.5 }],
      ['no updates (static mask)', { method: 'svite', updateEnd: 0 }],
    ],
  },
  {
    id: 'svite-allocation',
    title: 'SViTE d=0.5: ERK against uniform at small widths, gradient against random growth',
    question: 'ERK favours thin layers; at D=48 every layer is thin.',
    rows: [
      ['ERK, gradient growth', { method: 'svite', distribution: 'erk', growth: 'gradient' }],
      ['uniform, gradient growth', { method: 'svite', distribution: 'uniform', growth: 'gradient' }],
      ['ERK, random growth', { method: 'svite', distribution: 'erk', growth: 'random' }],
      ['uniform, static', { method: 'svite', distribution: 'uniform', updateEnd: 0 }],
    ],
  },
  {
    id: 's2vite-regrowth',
    title: 'S²ViTE (0.5, 0.5): may a just-pruned unit regrow at once?',
    question: "The reference's rule lets it, and its intact proj/fc2 rows win it back: the swap changes nothing.",
    rows: [
      ['just-pruned units wait (ours)', { method: 's2vite', regrowPruned: false }],
      ['just-pruned units may regrow (reference)', { method: 's2vite', regrowPruned: true }],
    ],
  },
];

/** A negative updateInterval in a row means a share of the run's steps (at least 1 step). */
function resolve(base: ExperimentConfig, over: Partial<ExperimentConfig>): ExperimentConfig {
  const c = { ...base, ...over };
  if (c.updateInterval < 0) c.updateInterval = Math.max(1, Math.round(-c.updateInterval * c.steps));
  return c;
}

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

export async function ablations(opts: { quick: boolean; part?: string; log: (s: string) => void; save: (d: AblationData) => void }): Promise<AblationData> {
  await useBackend('wasm');
  const base: ExperimentConfig = { ...presetConfig('tiny'), evalEvery: 0, ...(opts.quick ? { steps: 60 } : {}) };
  const seeds = opts.quick ? [0] : [0, 1, 2];
  const data = loadForConfig(base);
  const previous = loadResults().find((r) => r.section === 'ablations');
  const groups: AblationGroup[] = previous?.section === 'ablations' ? previous.data.groups.filter((g) => ABLATIONS.some((a) => a.id === g.id)) : [];
  const result = (): AblationData => ({ preset: 'tiny', steps: base.steps, config: encodeConfig(base), seeds, groups: ABLATIONS.map((a) => groups.find((g) => g.id === a.id)).filter((g): g is AblationGroup => !!g) });
  for (const spec of ABLATIONS) {
    if (opts.part && opts.part !== spec.id) continue;
    const group: AblationGroup = { id: spec.id, title: spec.title, question: spec.question, rows: [] };
    const at = groups.findIndex((g) => g.id === spec.id);
    if (at >= 0) groups[at] = group;
    else groups.push(group);
    for (const [name, over] of spec.rows) {
      const row: AblationRow = { name, meanAccuracy: NaN, stdAccuracy: NaN, runs: [] };
      group.rows.push(row);
      for (const seed of seeds) {
        const c = resolve({ ...base, seed }, over);
        const { summary, trainer } = await trainRun(c, data, 'wasm', { quiet: true, trainEvalImages: 500 });
        trainer.dispose();
        row.runs.push({ seed, config: summary.config, testAccuracy: summary.testAccuracy, updates: new Set(summary.updates.map((u) => u.step)).size, ...swapStats(summary) });
        const accs = row.runs.map((r) => r.testAccuracy);
        row.meanAccuracy = mean(accs);
        row.stdAccuracy = std(accs);
        opts.log(`   ${spec.id} · ${name} · seed ${seed}: ${(summary.testAccuracy * 100).toFixed(1)}%`);
        opts.save(result());
      }
    }
  }
  return result();
}
