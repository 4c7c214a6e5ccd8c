// The WebGPU step-structure section of BENCHMARKS.md (data: webgpu-steps-result.ts).
import type { GpuStepCounts, WebGpuStepsData } from './webgpu-steps-result';

const n = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2));
const kib = (bytes: number): string => (bytes / 1024).toFixed(1);

const row = (r: GpuStepCounts): string[] => [
  r.preset, r.method, String(r.batch), `every ${r.readbackEvery}`, `${r.steadyFrom}–${r.steadyFrom + r.steadySteps - 1}`,
  n(r.perStep.dispatches), n(r.perStep.submissions), `**${n(r.perStep.readbacks)}**`, n(r.perStep.uploads), kib(r.perStep.bytesUploaded),
  kib(r.perStep.uniformBytes), `**${r.pipelinesAfterWarmup}**`,
];

export function webGpuSteps(d: WebGpuStepsData): string {
  const head = ['shapes', 'method', 'batch', 'loss readback', 'steps counted', 'dispatches', 'submissions', 'readbacks', 'uploads', 'KiB uploaded', 'KiB uniforms', `pipelines after step ${d.runs[0]?.warmupSteps ?? 3}`];
  return `Counted on tfjs's GPUDevice in headless Chromium ${d.chromium} (adapter: ${d.adapter ?? 'unknown'}) while each preset's shapes train ` +
    '(synthetic images, `e2e/gpu-step-counts.ts`): per step over the steps counted, which start at a chunk boundary after warm-up. ' +
    'These are counts, not times: they are the same on any GPU. "every 8" is the engine\'s schedule on WebGPU (`src/engine/facts/readback.ts`: ' +
    'losses stay on the GPU and 8 are read at once); "every 1" is reading each step\'s loss, as before. Targets: at most 1/8 readback per step, no pipeline created after step 3. ' +
    'Uploads are buffer writes and buffers mapped at creation (uniform buffers apart, in their own column).\n\n' +
    [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...d.runs.map((r) => `| ${row(r).join(' | ')} |`)].join('\n');
}
