// The rows of the paper's table (accuracy against FLOPs), written once for the benchmark, the CLI's
// sweep and the studio's sweep: an id for the command line, the name shown, the config overrides.
// Beside the methods, their baselines: S²ViTE's frozen topology (the same live units, never
// updated: the iso-FLOPs dense model of that shape) and SViTE+'s fixed centre tokens (the same
// keep ratio, no selector learned); "no selector" is SViTE at the same density with every token.
import type { ExperimentConfig } from '../config';

export const PAPER_ROWS: readonly [string, string, Partial<ExperimentConfig>][] = [
  ['dense', 'dense', { method: 'dense' }],
  ['svite-0.5', 'SViTE d=0.5', { method: 'svite', density: 0.5 }],
  ['svite-0.3', 'SViTE d=0.3', { method: 'svite', density: 0.3 }],
  ['s2vite-0.7-0.6', 'S²ViTE (0.7, 0.6)', { method: 's2vite', attnDensity: 0.7, mlpDensity: 0.6 }],
  ['s2vite-0.7-0.6-frozen', 'S²ViTE (0.7, 0.6) frozen topology', { method: 's2vite', attnDensity: 0.7, mlpDensity: 0.6, updateEnd: 0 }],
  ['s2vite-0.5-0.5', 'S²ViTE (0.5, 0.5)', { method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5 }],
  ['s2vite-0.5-0.5-frozen', 'S²ViTE (0.5, 0.5) frozen topology', { method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5, updateEnd: 0 }],
  ['svite+-0.9', 'SViTE+ d=0.5 keep 0.9', { method: 'svite', density: 0.5, tokenKeep: 0.9 }],
  ['svite+-0.7', 'SViTE+ d=0.5 keep 0.7', { method: 'svite', density: 0.5, tokenKeep: 0.7 }],
  ['svite+-0.7-centre', 'SViTE+ d=0.5 keep 0.7 fixed centre tokens', { method: 'svite', density: 0.5, tokenKeep: 0.7, tokenSelector: 'centre' }],
];

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
