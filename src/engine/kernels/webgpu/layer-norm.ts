// LayerNorm on WebGPU under the contract of ../layer-norm.ts: SvLayerNorm x [M, D], γ, β [D] →
// y [M, D]; SvLayerNormGrad dy, x, γ → dx [M, D], dγ [D], dβ [D]. Forward: one dispatch (one
// workgroup per row). Backward: four (row statistics, dx per row, dγ and dβ per column).
import { f32, perRow, elementwise, registerWebGpuKernel, WG } from './program';

/** mean and rstd of row `row` of x into `mean`, `rstd` (every thread gets them). */
const ROW_STATS = `
  let D = uniforms.xShape[1];
  let o = row * D;
  var s = 0.0;
  for (var d = tid; d < D; d += ${WG}) { s += x[o + d]; }
  let mean = workgroupSum(s) / f32(D);
  var q = 0.0;
  for (var d = tid; d < D; d += ${WG}) { let c = x[o + d] - mean; q += c * c; }
  let rstd = inverseSqrt(workgroupSum(q) / f32(D) + uniforms.eps);
`;

export function registerLayerNorm(): void {
  registerWebGpuKernel('SvLayerNorm', ([x, gamma, beta], backend, attrs) => {
    const [M] = x.shape;
    const program = perRow('layer_norm', ['x', 'gamma', 'beta'], x.shape, M, `
      ${ROW_STATS}
      for (var d = tid; d < D; d += ${WG}) { result[o + d] = (x[o + d] - mean) * rstd * gamma[d] + beta[d]; }`, 'eps : f32,');
    return backend.runWebGPUProgram(program, [x, gamma, beta], 'float32', [f32(attrs.eps as number)]);
  });

  registerWebGpuKernel('SvLayerNormGrad', ([dy, x, gamma], backend, attrs) => {
    const [M, D] = x.shape;
    const eps = [f32(attrs.eps as number)];
    // Row statistics [M, 2] (mean, rstd), read by dx and dγ.
    const stats = backend.runWebGPUProgram(perRow('layer_norm_stats', ['x'], [M, 2], M, `
      ${ROW_STATS}
      if (tid == 0) { result[row * 2] = mean; result[row * 2 + 1] = rstd; }`, 'eps : f32,'), [x], 'float32', eps);
    // With g = dy·γ and x̂ the normalised row: dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)).
    const dx = backend.runWebGPUProgram(perRow('layer_norm_dx', ['dy', 'x', 'gamma', 'stats'], [M, D], M, `
      let D = uniforms.xShape[1];
      let o = row * D;
      let mean = stats[row * 2];
      let rstd = stats[row * 2 + 1];
      var gs = 0.0;
      var gx = 0.0;
      for (var d = tid; d < D; d += ${WG}) {
        let g = dy[o + d] * gamma[d];
        gs += g;
        gx += g * (x[o + d] - mean) * rstd;
      }
      let gMean = workgroupSum(gs) / f32(D);
      let gxMean = workgroupSum(gx) / f32(D);
      for (var d = tid; d < D; d += ${WG}) {
        let xh = (x[o + d] - mean) * rstd;
        result[o + d] = rstd * (dy[o + d] * gamma[d] - gMean - xh * gxMean);
      }`), [dy, x, gamma, stats], 'float32');
    const dgamma = backend.runWebGPUProgram(elementwise('layer_norm_dgamma', ['dy', 'x', 'stats'], [D], `
      let D = uniforms.xShape[1];
      for (var r = 0; r < uniforms.xShape[0]; r++) {
        value += dy[r * D + index] * (x[r * D + index] - stats[r * 2]) * stats[r * 2 + 1];
      }`), [dy, x, stats], 'float32');
    const dbeta = backend.runWebGPUProgram(elementwise('layer_norm_dbeta', ['dy'], [D], `
      let D = uniforms.dyShape[1];
      for (var r = 0; r < uniforms.dyShape[0]; r++) { value += dy[r * D + index]; }`), [dy], 'float32');
    backend.disposeData(stats.dataId);
    return [dx, dgamma, dbeta];
  });
}
