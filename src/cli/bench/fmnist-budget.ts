// "The 10-minute step count": the steps the `fmnist` preset trained in a 10-minute budget on this
// 2-core machine when calibrated (2026-11-30, Node WASM: 3730 steps, warm-up 5% of them). Fixed
// here, once, so every table "at the 10-minute step count" (fmnist-10min, the paper table, the
// ablations) trains the same runs, each reproducible from its link; `npm run bench -- --only
// fmnist-10min:calibrate` measures the step rate again and says what the count would be now.
import { presetConfig, type ExperimentConfig } from '../../engine/config';

export const FMNIST_10MIN_STEPS = 3730;
export const FMNIST_BUDGET_MS = 600_000;

export const fmnist10Min = (over: Partial<ExperimentConfig> = {}): ExperimentConfig =>
  ({ ...presetConfig('fmnist'), steps: FMNIST_10MIN_STEPS, warmupSteps: Math.round(FMNIST_10MIN_STEPS * 0.05), evalEvery: 0, ...over });
