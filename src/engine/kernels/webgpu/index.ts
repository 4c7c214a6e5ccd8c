// The fused kernels for tfjs-backend-webgpu, registered under the names the engine's ops look up
// (`fusedOn`), so WebGPU takes the fused path with no change to the ops. Call once the webgpu
// backend is chosen; registering twice is a no-op.
import { registerAdamW } from './adamw';
import { registerAttention } from './attention';
import { registerCrossEntropy } from './cross-entropy';
import { registerGelu } from './gelu';
import { registerLayerNorm } from './layer-norm';
import { registerTokens } from './tokens';

export function registerWebGpuKernels(): void {
  registerLayerNorm();
  registerGelu();
  registerAttention();
  registerCrossEntropy();
  registerTokens();
  registerAdamW();
}
