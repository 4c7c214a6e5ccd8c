// The fused kernels for tfjs-backend-webgl (LayerNorm and GELU so far), under the names the
// engine's ops look up (`fusedOn`). Call once the webgl backend is chosen; registering twice is a no-op.
import { registerGelu } from './gelu';
import { registerLayerNorm } from './layer-norm';

export function registerWebGlKernels(): void {
  registerLayerNorm();
  registerGelu();
}
