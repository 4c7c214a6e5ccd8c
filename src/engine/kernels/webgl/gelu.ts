// Exact GELU on WebGL under the contract of ../gelu.ts: one program each way, erf by Abramowitz &
// Stegun 7.1.26 as tfjs's own Erf (see ../webgpu/gelu.ts).
import { registerWebGlKernel } from './program';

/** Φ(v) = ½(1 + erf(v/√2)), given e = exp(−v²/2). */
const CDF = `
  float cdf(float v, float e) {
    float t = 1.0 / (1.0 + 0.3275911 * abs(v) * 0.7071067811865476);
    float erfAbs = 1.0 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * e;
    return 0.5 * (1.0 + (v < 0.0 ? -erfAbs : erfAbs));
  }
`;

export function registerGelu(): void {
  registerWebGlKernel('SvGelu', ([x], backend) => backend.runWebGLProgram({
    variableNames: ['x'], outputShape: x.shape,
    userCode: `${CDF}
      void main() {
        float v = getXAtOutCoords();
        setOutput(v * cdf(v, exp(-0.5 * v * v)));
      }`,
  }, [x], 'float32'));
  // d/dx x·Φ(x) = Φ(x) + x·φ(x).
  registerWebGlKernel('SvGeluGrad', ([dy, x], backend) => backend.runWebGLProgram({
    variableNames: ['dy', 'x'], outputShape: x.shape,
    userCode: `${CDF}
      void main() {
        float v = getXAtOutCoords();
        float e = exp(-0.5 * v * v);
        setOutput(getDyAtOutCoords() * (cdf(v, e) + v * 0.3989422804014327 * e));
      }`,
  }, [dy, x], 'float32'));
}
