// LayerNorm on WebGL under the contract of ../layer-norm.ts (see ../webgpu/layer-norm.ts for
// WebGPU). A fragment computes one value, so each output value loops over its row (D is small):
// forward one program; backward four (row statistics [M, 2], dx, dγ and dβ over the rows).
import { registerWebGlKernel } from './program';

const EPS = [{ name: 'eps', type: 'float' as const }];

/** mean and rstd of row r of x [M, D]. */
const rowStats = (D: number) => `
  float s = 0.0;
  for (int d = 0; d < ${D}; d++) { s += getX(r, d); }
  float mean = s / ${D}.0;
  float q = 0.0;
  for (int d = 0; d < ${D}; d++) { float c = getX(r, d) - mean; q += c * c; }
  float rstd = inversesqrt(q / ${D}.0 + eps);
`;

export function registerLayerNorm(): void {
  registerWebGlKernel('SvLayerNorm', ([x, gamma, beta], backend, attrs) => {
    const [, D] = x.shape;
    return backend.runWebGLProgram({
      variableNames: ['x', 'gamma', 'beta'], outputShape: x.shape, customUniforms: EPS,
      userCode: `void main() {
        ivec2 rc = getOutputCoords();
        int r = rc.x;
        ${rowStats(D)}
        setOutput((getX(r, rc.y) - mean) * rstd * getGamma(rc.y) + getBeta(rc.y));
      }`,
    }, [x, gamma, beta], 'float32', [[attrs.eps as number]]);
  });

  registerWebGlKernel('SvLayerNormGrad', ([dy, x, gamma], backend, attrs) => {
    const [M, D] = x.shape;
    const stats = backend.runWebGLProgram({
      variableNames: ['x'], outputShape: [M, 2], customUniforms: EPS,
      userCode: `void main() {
        ivec2 rc = getOutputCoords();
        int r = rc.x;
        ${rowStats(D)}
        setOutput(rc.y == 0 ? mean : rstd);
      }`,
    }, [x], 'float32', [[attrs.eps as number]]);
    // With g = dy·γ and x̂ the normalised row: dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)).
    const dx = backend.runWebGLProgram({
      variableNames: ['dy', 'x', 'gamma', 'stats'], outputShape: [M, D],
      userCode: `void main() {
        ivec2 rc = getOutputCoords();
        int r = rc.x;
        float mean = getStats(r, 0);
        float rstd = getStats(r, 1);
        float gs = 0.0;
        float gx = 0.0;
        for (int d = 0; d < ${D}; d++) {
          float g = getDy(r, d) * getGamma(d);
          gs += g;
          gx += g * (getX(r, d) - mean) * rstd;
        }
        float xh = (getX(r, rc.y) - mean) * rstd;
        setOutput(rstd * (getDy(r, rc.y) * getGamma(rc.y) - gs / ${D}.0 - xh * gx / ${D}.0));
      }`,
    }, [dy, x, gamma, stats], 'float32');
    const dgamma = backend.runWebGLProgram({
      variableNames: ['dy', 'x', 'stats'], outputShape: [D],
      userCode: `void main() {
        int d = getOutputCoords();
        float acc = 0.0;
        for (int r = 0; r < ${M}; r++) { acc += getDy(r, d) * (getX(r, d) - getStats(r, 0)) * getStats(r, 1); }
        setOutput(acc);
      }`,
    }, [dy, x, stats], 'float32');
    const dbeta = backend.runWebGLProgram({
      variableNames: ['dy'], outputShape: [D],
      userCode: `void main() {
        int d = getOutputCoords();
        float acc = 0.0;
        for (int r = 0; r < ${M}; r++) { acc += getDy(r, d); }
        setOutput(acc);
      }`,
    }, [dy], 'float32');
    backend.disposeIntermediateTensorInfo(stats);
    return [dx, dgamma, dbeta];
  });
}
