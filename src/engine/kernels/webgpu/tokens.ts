// The token sequence on WebGPU under the contract of ../tokens.ts: SvTokens patches [B·N, D],
// cls [1, 1, D], pos [1, N+1, D] → tokens [B·(N+1), D] (cls first per image, plus pos), one
// dispatch; SvTokensGrad dy → d patches [B·N, D], d cls [1, 1, D], d pos [1, N+1, D], three.
import { elementwise, i32, registerWebGpuKernel } from './program';

export function registerTokens(): void {
  registerWebGpuKernel('SvTokens', ([patches, cls, pos], backend, attrs) => {
    const B = attrs.batch as number, [BN, D] = patches.shape;
    return backend.runWebGPUProgram(elementwise('tokens', ['patches', 'cls', 'pos'], [BN + B, D], `
      let D = uniforms.patchesShape[1];
      let T = uniforms.posShape[1];
      let d = index % D;
      let b = index / (D * T);
      let t = (index / D) % T;
      if (t == 0) { value = cls[d]; } else { value = patches[(b * (T - 1) + t - 1) * D + d]; }
      value += pos[t * D + d];`), [patches, cls, pos], 'float32');
  });

  registerWebGpuKernel('SvTokensGrad', ([dy], backend, attrs) => {
    const B = attrs.batch as number, [BT, D] = dy.shape, T = BT / B;
    const batch = [i32(B)];
    const dPatches = backend.runWebGPUProgram(elementwise('tokens_dpatches', ['dy'], [BT - B, D], `
      let D = uniforms.dyShape[1];
      let T = uniforms.dyShape[0] / uniforms.batch;
      let d = index % D;
      let r = index / D;
      value = dy[((r / (T - 1)) * T + r % (T - 1) + 1) * D + d];`, 'batch : i32,'), [dy], 'float32', batch);
    // Σ over images of each token's gradient: d pos; its token 0 is d cls.
    const sumOverImages = (key: string, shape: number[]) => backend.runWebGPUProgram(elementwise(key, ['dy'], shape, `
      let TD = uniforms.dyShape[0] / uniforms.batch * uniforms.dyShape[1];
      for (var b = 0; b < uniforms.batch; b++) { value += dy[b * TD + index]; }`, 'batch : i32,'), [dy], 'float32', batch);
    return [dPatches, sumOverImages('tokens_sum_over_images', [1, 1, D]), sumOverImages('tokens_sum_over_images', [1, T, D])];
  });
}
