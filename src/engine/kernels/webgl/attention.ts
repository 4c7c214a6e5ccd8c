// The attention core on WebGL under the contract of ../attention.ts (see ../webgpu/attention.ts).
// A fragment computes one value, so row reductions read a finished [B, H, T, T] tensor: forward
// scores, softmax, out = P·v; backward dP = dy·vᵀ, dS, dqkv. Three programs each way.
import type * as tf from '../../tf';
import { registerWebGlKernel, type GlslProgram, type WebGlBackendLike } from './program';

interface Attrs { batch: number; tokens: number; heads: number; headDim: number }

const SCALE = [{ name: 'scale', type: 'float' as const }];

/** Sizes as constants, and column helpers into qkv [B·T, 3·H·hd] and out / dy [B·T, H·hd]. */
const prelude = ({ tokens: T, heads: H, headDim: hd }: Attrs, readsQkv = true) => `
  const int T = ${T};
  const int H = ${H};
  const int HD = ${hd};
  ${readsQkv ? 'float qkvAt(int b, int t, int part, int h, int d) { return getQkv(b * T + t, (part * H + h) * HD + d); }' : ''}
`;

function run(backend: WebGlBackendLike, program: GlslProgram, inputs: tf.TensorInfo[], a: Attrs): tf.TensorInfo {
  return backend.runWebGLProgram({ ...program, customUniforms: SCALE }, inputs, 'float32', [[1 / Math.sqrt(a.headDim)]]);
}

export function registerAttention(): void {
  registerWebGlKernel('SvAttention', ([qkv], backend, attrs) => {
    const a = attrs as unknown as Attrs;
    const rows = [a.batch, a.heads, a.tokens, a.tokens];
    const scores = run(backend, {
      variableNames: ['qkv'], outputShape: rows,
      userCode: `${prelude(a)}
        void main() {
          ivec4 c = getOutputCoords();
          float s = 0.0;
          for (int d = 0; d < HD; d++) { s += qkvAt(c.x, c.z, 0, c.y, d) * qkvAt(c.x, c.w, 1, c.y, d); }
          setOutput(s * scale);
        }`,
    }, [qkv], a);
    const probs = run(backend, {
      variableNames: ['scores'], outputShape: rows,
      userCode: `${prelude(a, false)}
        void main() {
          ivec4 c = getOutputCoords();
          float m = -3.4e38;
          for (int k = 0; k < T; k++) { m = max(m, getScores(c.x, c.y, c.z, k)); }
          float sum = 0.0;
          for (int k = 0; k < T; k++) { sum += exp(getScores(c.x, c.y, c.z, k) - m); }
          setOutput(exp(getScores(c.x, c.y, c.z, c.w) - m) / sum);
        }`,
    }, [scores], a);
    backend.disposeIntermediateTensorInfo(scores);
    const out = run(backend, {
      variableNames: ['probs', 'qkv'], outputShape: [a.batch * a.tokens, a.heads * a.headDim],
      userCode: `${prelude(a)}
        void main() {
          ivec2 rc = getOutputCoords();
          int b = rc.x / T, i = rc.x - b * T, h = rc.y / HD, d = rc.y - h * HD;
          float acc = 0.0;
          for (int j = 0; j < T; j++) { acc += getProbs(b, h, i, j) * qkvAt(b, j, 2, h, d); }
          setOutput(acc);
        }`,
    }, [probs, qkv], a);
    return [out, probs];
  });

  registerWebGlKernel('SvAttentionGrad', ([dy, qkv, probs], backend, attrs) => {
    const a = attrs as unknown as Attrs;
    // dP[i, j] = dy_i · v_j, then dS = P ∘ (dP − Σ_j P·dP) / √hd.
    const rows = [a.batch, a.heads, a.tokens, a.tokens];
    const dProbs = run(backend, {
      variableNames: ['dy', 'qkv'], outputShape: rows,
      userCode: `${prelude(a)}
        void main() {
          ivec4 c = getOutputCoords();
          float s = 0.0;
          for (int d = 0; d < HD; d++) { s += getDy(c.x * T + c.z, c.y * HD + d) * qkvAt(c.x, c.w, 2, c.y, d); }
          setOutput(s);
        }`,
    }, [dy, qkv], a);
    const dScores = run(backend, {
      variableNames: ['dProbs', 'probs'], outputShape: rows,
      userCode: `${prelude(a, false)}
        void main() {
          ivec4 c = getOutputCoords();
          float rowDot = 0.0;
          for (int k = 0; k < T; k++) { rowDot += getProbs(c.x, c.y, c.z, k) * getDProbs(c.x, c.y, c.z, k); }
          setOutput(getProbs(c.x, c.y, c.z, c.w) * (getDProbs(c.x, c.y, c.z, c.w) - rowDot) * scale);
        }`,
    }, [dProbs, probs], a);
    backend.disposeIntermediateTensorInfo(dProbs);
    // dq_i = Σ_j dS[i, j]·k_j; dk_j = Σ_i dS[i, j]·q_i; dv_j = Σ_i P[i, j]·dy_i.
    const dqkv = run(backend, {
      variableNames: ['dScores', 'probs', 'qkv', 'dy'], outputShape: qkv.shape,
      userCode: `${prelude(a)}
        void main() {
          ivec2 rc = getOutputCoords();
          int b = rc.x / T, t = rc.x - b * T;
          int part = rc.y / (H * HD), h = (rc.y / HD) - part * H, d = rc.y - (rc.y / HD) * HD;
          float acc = 0.0;
          if (part == 0) {
            for (int j = 0; j < T; j++) { acc += getDScores(b, h, t, j) * qkvAt(b, j, 1, h, d); }
          } else if (part == 1) {
            for (int i = 0; i < T; i++) { acc += getDScores(b, h, i, t) * qkvAt(b, i, 0, h, d); }
          } else {
            for (int i = 0; i < T; i++) { acc += getProbs(b, h, i, t) * getDy(b * T + i, h * HD + d); }
          }
          setOutput(acc);
        }`,
    }, [dScores, probs, qkv, dy], a);
    backend.disposeIntermediateTensorInfo(dScores);
    return dqkv;
  });
}
