// Exact GELU on WebGPU under the contract of ../gelu.ts: SvGelu x → y, SvGeluGrad dy, x → dx, one
// dispatch each. erf by Abramowitz & Stegun 7.1.26, as tfjs's own WebGPU Erf, so the fused and
// composed paths agree to float rounding.
import { elementwise, registerWebGpuKernel } from './program';

/** Φ(v) = ½(1 + erf(v/√2)), given e = exp(−v²/2) (which the derivative needs too). */
const CDF = `
  fn cdf(v : f32, e : f32) -> f32 {
    let t = 1.0 / (1.0 + 0.3275911 * abs(v) * 0.7071067811865476);
    let erfAbs = 1.0 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * e;
    return 0.5 * (1.0 + select(erfAbs, -erfAbs, v < 0.0));
  }
`;

export function registerGelu(): void {
  registerWebGpuKernel('SvGelu', ([x], backend) =>
    backend.runWebGPUProgram(elementwise('gelu', ['x'], x.shape, `
      let v = x[index];
      value = v * cdf(v, exp(-0.5 * v * v));`, '', CDF), [x], 'float32'));
  // d/dx x·Φ(x) = Φ(x) + x·φ(x), φ the standard normal density.
  registerWebGpuKernel('SvGeluGrad', ([dy, x], backend) =>
    backend.runWebGPUProgram(elementwise('gelu_grad', ['dy', 'x'], x.shape, `
      let v = x[index];
      let e = exp(-0.5 * v * v);
      value = dy[index] * (cdf(v, e) + v * 0.3989422804014327 * e);`, '', CDF), [dy, x], 'float32'));
}
