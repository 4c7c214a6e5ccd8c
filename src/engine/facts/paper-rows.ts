// The rows of the paper's table (accuracy against FLOPs), written once for the benchmark, the CLI's
// sweep and the studio's sweep: an id for the command line, the name shown, the config overrides.
// Beside the methods, their baselines: S²ViTE's frozen topology (the same live units, never
// updated: the iso-FLOPs dense model of that shape) and SViTE+'s fixed centre tokens (the same
// keep ratio, no selector learned); "no selector" is SViTE at the same density with every token.
import type { ExperimentConfig } from '../config';
import { learnedSelector } from './shape';

/** A method's baseline at the same budget: the overrides that turn the method into it. */
export interface Baseline {
  /** Appended to the method row's id (`s2vite-0.7-0.6-frozen`). */
  suffix: string;
  name: string;
  /** What the baseline is, for a reader who has not met it. */
  meaning: string;
  over: Partial<ExperimentConfig>;
}

const FROZEN: Baseline = {
  suffix: 'frozen', name: 'frozen topology', over: { updateEnd: 0 },
  meaning: 'the same budget with the topology it starts from, never updated: the iso-FLOPs dense model of that shape',
};
const CENTRE: Baseline = {
  suffix: 'centre', name: 'fixed centre tokens', over: { tokenSelector: 'centre' },
  meaning: 'the same keep ratio with the centre patches of every image, no selector learned',
};

/** What the run's method must beat to earn its place (S²ViTE: its frozen topology; SViTE+: fixed
 *  centre tokens), or null where the method has no such baseline (dense, SViTE, the baselines). */
export function baselineOf(c: ExperimentConfig): Baseline | null {
  if (c.method === 's2vite' && c.updateEnd > 0) return FROZEN;
  if (learnedSelector(c)) return CENTRE;
  return null;
}

type Row = [id: string, name: string, over: Partial<ExperimentConfig>];
const withBaseline = (row: Row, b: Baseline): Row[] => [row, [`${row[0]}-${b.suffix}`, `${row[1]} ${b.name}`, { ...row[2], ...b.over }]];

export const PAPER_ROWS: readonly Row[] = [
  ['dense', 'dense', { method: 'dense' }],
  ['svite-0.5', 'SViTE d=0.5', { method: 'svite', density: 0.5 }],
  ['svite-0.3', 'SViTE d=0.3', { method: 'svite', density: 0.3 }],
  ...withBaseline(['s2vite-0.7-0.6', 'S²ViTE (0.7, 0.6)', { method: 's2vite', attnDensity: 0.7, mlpDensity: 0.6 }], FROZEN),
  ...withBaseline(['s2vite-0.5-0.5', 'S²ViTE (0.5, 0.5)', { method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5 }], FROZEN),
  ['svite+-0.9', 'SViTE+ d=0.5 keep 0.9', { method: 'svite', density: 0.5, tokenKeep: 0.9 }],
  ...withBaseline(['svite+-0.7', 'SViTE+ d=0.5 keep 0.7', { method: 'svite', density: 0.5, tokenKeep: 0.7 }], CENTRE),
];

/** The name of the row that is row `name`'s baseline, where the table has one. */
export const baselineRowName = (name: string): string | undefined =>
  PAPER_ROWS.find(([, n]) => [FROZEN, CENTRE].some((b) => n === `${name} ${b.name}`))?.[1];

/** The sweep's methods: the table row each one stands for (the paper's headline settings), then
 *  the baselines (`svite+-none`, no selector, is SViTE's row: the same density, every token). */
export const SWEEP_METHODS = {
  dense: 'dense', svite: 'svite-0.5', s2vite: 's2vite-0.7-0.6', 'svite+': 'svite+-0.7',
  's2vite-frozen': 's2vite-0.7-0.6-frozen', 'svite+-centre': 'svite+-0.7-centre', 'svite+-none': 'svite-0.5',
} as const;
export type SweepMethod = keyof typeof SWEEP_METHODS;

/** Every sweep method whose row no earlier method already trains (`svite+-none` is `svite`): a
 *  sweep of all of them trains each row once. */
export const DISTINCT_SWEEP_METHODS = (Object.keys(SWEEP_METHODS) as SweepMethod[])
  .filter((m, i, all) => all.findIndex((x) => SWEEP_METHODS[x] === SWEEP_METHODS[m]) === i);

export function sweepRow(m: SweepMethod): { name: string; over: Partial<ExperimentConfig> } {
  const [, name, over] = PAPER_ROWS.find(([id]) => id === SWEEP_METHODS[m])!;
  return { name, over };
}

/** A row's run on a base experiment: the token selector only where the row turns it on. */
export const paperRowConfig = (base: ExperimentConfig, over: Partial<ExperimentConfig>, seed: number): ExperimentConfig =>
  ({ ...base, tokenKeep: 1, tokenSelector: 'learned', ...over, seed });
