// Linear warmup to the peak, then cosine decay to minLr at the last step (DeiT's recipe).
export interface LrSchedule {
  lr: number;
  minLr: number;
  warmupSteps: number;
  steps: number;
}

/** Learning rate for 0-based step t. */
export function learningRate(s: LrSchedule, t: number): number {
  if (s.warmupSteps > 0 && t < s.warmupSteps) return (s.lr * (t + 1)) / s.warmupSteps;
  const span = Math.max(1, s.steps - s.warmupSteps);
  const progress = Math.min(1, (t - s.warmupSteps) / span);
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos(Math.PI * progress));
}
