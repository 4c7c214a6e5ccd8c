// The attention core on WebGPU under the contract of ../attention.ts: SvAttention qkv [B·T, 3·H·hd]
// → out [B·T, H·hd] and P [B, H, T, T]; SvAttentionGrad dy, qkv, P → dqkv [B·T, 3·H·hd]. Two
// dispatches each way: P (one workgroup per score row: scores, max, exp, sum) then out = P·v;
// backward dS (one workgroup per row) then dq, dk, dv written straight into dqkv's layout.
import type * as tf from '../../tf';
import { elementwise, f32, i32, perRow, registerWebGpuKernel, WG, type WebGpuBackendLike, type WgslProgram } from './program';

const UNIFORMS = 'tokens : i32, heads : i32, headDim : i32, scale : f32,';

/** Flat index of (image b, token t, part 0 q | 1 k | 2 v, head h, dim d) in qkv; of (b, t, h, d) in out / dy. */
const LAYOUT = `
  fn qkvAt(b : i32, t : i32, part : i32, h : i32, d : i32) -> i32 {
    let H = uniforms.heads;
    let hd = uniforms.headDim;
    return (b * uniforms.tokens + t) * 3 * H * hd + (part * H + h) * hd + d;
  }
  fn outAt(b : i32, t : i32, h : i32, d : i32) -> i32 {
    return ((b * uniforms.tokens + t) * uniforms.heads + h) * uniforms.headDim + d;
  }
`;

/** A score row `row` = (b·H + h)·T + i: its image b, head h, query token i, and its offset p in P. */
const ROW_COORDS = `
  let T = uniforms.tokens;
  let hd = uniforms.headDim;
  let i = row % T;
  let h = (row / T) % uniforms.heads;
  let b = row / (T * uniforms.heads);
  let p = row * T;
`;

interface Attrs { batch: number; tokens: number; heads: number; headDim: number }

function run(backend: WebGpuBackendLike, program: WgslProgram, inputs: tf.TensorInfo[], a: Attrs): tf.TensorInfo {
  return backend.runWebGPUProgram(program, inputs, 'float32', [i32(a.tokens), i32(a.heads), i32(a.headDim), f32(1 / Math.sqrt(a.headDim))]);
}

const probsShape = (a: Attrs): number[] => [a.batch, a.heads, a.tokens, a.tokens];

export function registerAttention(): void {
  registerWebGpuKernel('SvAttention', ([qkv], backend, attrs) => {
    const a = attrs as unknown as Attrs;
    // P = softmax(q·kᵀ/√hd), row by row; the row is kept in `result` between the passes.
    const probs = run(backend, perRow('attention_probs', ['qkv'], probsShape(a), a.batch * a.heads * a.tokens, `
      ${ROW_COORDS}
      var m = -3.402823e+38;
      for (var j = tid; j < T; j += ${WG}) {
        var s = 0.0;
        for (var d = 0; d < hd; d++) { s += qkv[qkvAt(b, i, 0, h, d)] * qkv[qkvAt(b, j, 1, h, d)]; }
        s *= uniforms.scale;
        result[p + j] = s;
        m = max(m, s);
      }
      let rowMax = workgroupMax(m);
      var sum = 0.0;
      for (var j = tid; j < T; j += ${WG}) {
        let e = exp(result[p + j] - rowMax);
        result[p + j] = e;
        sum += e;
      }
      let total = workgroupSum(sum);
      for (var j = tid; j < T; j += ${WG}) { result[p + j] = result[p + j] / total; }`, UNIFORMS, LAYOUT), [qkv], a);
    const out = run(backend, elementwise('attention_out', ['probs', 'qkv'], [a.batch * a.tokens, a.heads * a.headDim], `
      let T = uniforms.tokens;
      let hd = uniforms.headDim;
      let d = index % hd;
      let h = (index / hd) % uniforms.heads;
      let b = index / (hd * uniforms.heads * T);
      let i = (index / (hd * uniforms.heads)) % T;
      let p = ((b * uniforms.heads + h) * T + i) * T;
      for (var j = 0; j < T; j++) { value += probs[p + j] * qkv[qkvAt(b, j, 2, h, d)]; }`, UNIFORMS, LAYOUT), [probs, qkv], a);
    return [out, probs];
  });

  registerWebGpuKernel('SvAttentionGrad', ([dy, qkv, probs], backend, attrs) => {
    const a = attrs as unknown as Attrs;
    // dP[i, j] = dy_i · v_j; softmax backward and the scale: dS = P ∘ (dP − Σ_j P·dP) / √hd.
    const dScores = run(backend, perRow('attention_dscores', ['dy', 'qkv', 'probs'], probsShape(a), a.batch * a.heads * a.tokens, `
      ${ROW_COORDS}
      var rowDot = 0.0;
      for (var j = tid; j < T; j += ${WG}) {
        var dp = 0.0;
        for (var d = 0; d < hd; d++) { dp += dy[outAt(b, i, h, d)] * qkv[qkvAt(b, j, 2, h, d)]; }
        result[p + j] = dp;
        rowDot += probs[p + j] * dp;
      }
      let total = workgroupSum(rowDot);
      for (var j = tid; j < T; j += ${WG}) { result[p + j] = probs[p + j] * (result[p + j] - total) * uniforms.scale; }`, UNIFORMS, LAYOUT), [dy, qkv, probs], a);
    // dq_i = Σ_j dS[i, j]·k_j; dk_j = Σ_i dS[i, j]·q_i; dv_j = Σ_i P[i, j]·dy_i.
    const dqkv = run(backend, elementwise('attention_dqkv', ['dScores', 'probs', 'qkv', 'dy'], qkv.shape, `
      let T = uniforms.tokens;
      let H = uniforms.heads;
      let hd = uniforms.headDim;
      let d = index % hd;
      let h = (index / hd) % H;
      let part = (index / (hd * H)) % 3;
      let t = (index / (hd * H * 3)) % T;
      let b = index / (hd * H * 3 * T);
      let p = (b * H + h) * T * T;
      if (part == 0) {
        for (var j = 0; j < T; j++) { value += dScores[p + t * T + j] * qkv[qkvAt(b, j, 1, h, d)]; }
      } else if (part == 1) {
        for (var i = 0; i < T; i++) { value += dScores[p + i * T + t] * qkv[qkvAt(b, i, 0, h, d)]; }
      } else {
        for (var i = 0; i < T; i++) { value += probs[p + i * T + t] * dy[outAt(b, i, h, d)]; }
      }`, UNIFORMS, LAYOUT), [dScores, probs, qkv, dy], a);
    backend.disposeData(dScores.dataId);
    return dqkv;
  });
}
