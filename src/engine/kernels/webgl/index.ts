// The fused kernels for tfjs-backend-webgl (LayerNorm, GELU, attention), under the names the
// engine's ops look up (`fusedOn`). Call once the webgl backend is chosen; registering twice is a no-op.
import { registerAttention } from './attention';
import { registerGelu } from './gelu';
import { registerLayerNorm } from './layer-norm';

export function registerWebGlKernels(): void {
  registerLayerNorm();
  registerGelu();
  registerAttention();
}
