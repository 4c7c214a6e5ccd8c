// The WebGPU step-structure section's data: counts on tfjs's GPUDevice while a preset's shapes train
// in Chromium (e2e/gpu-step-counts.ts), recorded by scripts/bench-webgpu-steps.ts, rendered by render.ts.

import type { GpuStepCounts } from '../../../e2e/gpu-step-counts';

export type { GpuCounts, GpuStepCounts } from '../../../e2e/gpu-step-counts';

export interface WebGpuStepsData {
  chromium: string;
  adapter: string | null;
  /** One entry per preset and schedule: the engine's (8 steps per readback) and per-step reads (before). */
  runs: GpuStepCounts[];
}
