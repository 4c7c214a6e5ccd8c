// Workarounds for tfjs-backend-webgpu 4.22 bugs, applied once after the backend is chosen.
//
// AddN binds every input as a storage buffer in one shader; WebGPU devices allow only
// maxStorageBuffersPerShaderStage (8 by default) per stage, so tf.addN of more than 7 tensors fails
// validation ("The number of storage buffers (33) … exceeds the maximum per-stage limit (8)") and
// the result is silently garbage. (Concat splits its inputs; AddN does not.) The patch sums in
// chunks that fit, then sums the partial results.
import * as tf from '../engine/tf';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Params = Parameters<KernelFunc>[0];

interface WebGpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: object): void;
}

let patched = false;

export function applyWebGpuPatches(): void {
  if (patched || tf.getBackend() !== 'webgpu') return;
  const config = tf.getKernel('AddN', 'webgpu');
  if (!config) return;
  const original = config.kernelFunc;
  const chunked: KernelFunc = (params: Params) => {
    const inputs = params.inputs as unknown as tf.TensorInfo[];
    const backend = params.backend as WebGpuBackendLike;
    const max = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
    if (inputs.length <= max) return original(params);
    let level = inputs;
    while (level.length > max) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < level.length; i += max) {
        const part = level.slice(i, i + max);
        next.push(part.length === 1 ? part[0] : (original({ ...params, inputs: part as unknown as Params['inputs'] }) as tf.TensorInfo));
      }
      // Partial sums of the previous level are ours to free (never the caller's inputs).
      for (const t of level) if (!next.includes(t) && !inputs.includes(t)) backend.disposeData(t.dataId);
      level = next;
    }
    const out = original({ ...params, inputs: level as unknown as Params['inputs'] }) as tf.TensorInfo;
    for (const t of level) if (!inputs.includes(t)) backend.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ ...config, kernelFunc: chunked });
  patched = true;
}
