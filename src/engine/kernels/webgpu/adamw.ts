// AdamW's bucket step and the global clipping scale on WebGPU under the contract of
// ../adamw-step.ts. SvAdamW: m, v, [age], [scale], p₀…pₙ₋₁, g₀…gₙ₋₁ → m', v', [age'], p₀'…pₙ₋₁'.
// A program binds at most 7 inputs, so the gradients are first gathered into one flat copy
// (7 per program); then one program each for m', v' and age' over the bucket, and one per
// parameter for p' (reading the new moments at its offset): n/7 + 3 + n dispatches, against the
// composed path's concatenations, ~20 elementwise kernels, split and n reshapes.
// SvClipScale: every gradient → clipNorm / max(‖g‖, clipNorm), in n/7 + 1 dispatches.
import { sizeOf } from '../../facts/shape';
import type * as tf from '../../tf';
import type { AdamWStepAttrs } from '../adamw-step';
import { elementwise, f32, flat, i32, maxInputs, perRow, registerWebGpuKernel, WG, type WebGpuBackendLike } from './program';

/** Groups of at most `n`. */
const chunks = <T>(list: T[], n: number): T[][] => Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, (i + 1) * n));

/** The tensors laid end to end in one flat float32 tensor (a concatenation of their flat views). */
function gatherFlat(backend: WebGpuBackendLike, tensors: tf.TensorInfo[]): tf.TensorInfo {
  const total = tensors.reduce((a, t) => a + sizeOf(t.shape), 0);
  const out = backend.makeTensorInfo([total], 'float32');
  let start = 0;
  for (const part of chunks(tensors, maxInputs(backend))) {
    // ends[k]: where part k ends, relative to the chunk's start.
    const ends = part.map((_, k) => part.slice(0, k + 1).reduce((a, t) => a + sizeOf(t.shape), 0));
    const from = (k: number) => (k === 0 ? '0' : `uniforms.e${k - 1}`);
    const pick = part.map((_, k) => k === part.length - 1
      ? `{ value = t${k}[index - ${from(k)}]; }`
      : `if (index < uniforms.e${k}) { value = t${k}[index - ${from(k)}]; } else `).join('');
    const program = flat(`gather_flat_${part.length}`, part.map((_, k) => `t${k}`), [total], ends.at(-1)!, `
      var value = 0.0;
      ${pick}
      result[uniforms.start + index] = value;`, `start : i32, ${ends.map((_, k) => `e${k} : i32,`).join(' ')}`);
    backend.runWebGPUProgram(program, part, 'float32', [i32(ends.at(-1)!), i32(start), ...ends.map((e) => i32(e))], out);
    start += ends.at(-1)!;
  }
  return out;
}

export function registerAdamW(): void {
  registerWebGpuKernel('SvAdamW', (inputs, backend, attrs) => {
    const a = attrs as unknown as AdamWStepAttrs;
    const [m, v] = inputs;
    let k = 2;
    const age = a.hasAge ? inputs[k++] : null;
    const scale = a.hasScale ? inputs[k++] : null;
    const params = inputs.slice(k, k + a.count), grads = inputs.slice(k + a.count);
    const g = gatherFlat(backend, grads);
    const s = scale ? 'scale[0]' : '1.0', withScale = scale ? [scale] : [];
    const key = scale ? '_scaled' : '';
    const mNew = backend.runWebGPUProgram(elementwise(`adamw_m${key}`, ['m', 'g', ...(scale ? ['scale'] : [])], m.shape,
      `value = uniforms.beta * m[index] + (1.0 - uniforms.beta) * g[index] * ${s};`, 'beta : f32,'), [m, g, ...withScale], 'float32', [f32(a.beta1)]);
    const vNew = backend.runWebGPUProgram(elementwise(`adamw_v${key}`, ['v', 'g', ...(scale ? ['scale'] : [])], v.shape, `
      let gs = g[index] * ${s};
      value = uniforms.beta * v[index] + (1.0 - uniforms.beta) * gs * gs;`, 'beta : f32,'), [v, g, ...withScale], 'float32', [f32(a.beta2)]);
    backend.disposeData(g.dataId);
    const ageNew = age ? backend.runWebGPUProgram(elementwise('adamw_age', ['age'], age.shape, 'value = age[index] + 1.0;'), [age], 'float32') : null;
    // p' = p·(1 − lr·wd) − lr · (m'/c1) / (√(v'/c2) + eps), with c = 1 − β^age per entry when ages are kept.
    const moments = ageNew ? [mNew, vNew, ageNew] : [mNew, vNew];
    const correction = ageNew
      ? 'let t = ageNew[o]; let c1 = 1.0 - exp(t * uniforms.lb1); let c2 = 1.0 - exp(t * uniforms.lb2);'
      : 'let c1 = uniforms.bc1; let c2 = uniforms.bc2;';
    let offset = 0;
    const newParams = params.map((p) => {
      const out = backend.runWebGPUProgram(elementwise(`adamw_param${ageNew ? '_aged' : ''}`, ['p', 'mNew', 'vNew', ...(ageNew ? ['ageNew'] : [])], p.shape, `
        let o = uniforms.offset + index;
        ${correction}
        value = p[index] * uniforms.keep - uniforms.lr * ((mNew[o] / c1) / (sqrt(vNew[o] / c2) + uniforms.eps));`,
      'offset : i32, keep : f32, lr : f32, eps : f32, bc1 : f32, bc2 : f32, lb1 : f32, lb2 : f32,'),
      [p, ...moments], 'float32',
      [i32(offset), f32(1 - a.decayRate), f32(a.lr), f32(a.eps), f32(a.bc1), f32(a.bc2), f32(Math.log(a.beta1)), f32(Math.log(a.beta2))]);
      offset += sizeOf(p.shape);
      return out;
    });
    return [...moments, ...newParams];
  });

  registerWebGpuKernel('SvClipScale', (grads, backend, attrs) => {
    const groups = chunks(grads, maxInputs(backend));
    // Σ g² of each group of gradients into its slot of `partials`, one workgroup per group.
    const partials = backend.makeTensorInfo([groups.length], 'float32');
    groups.forEach((part, slot) => {
      const loops = part.map((_, k) => `for (var j = tid; j < uniforms.n${k}; j += ${WG}) { let x = t${k}[j]; acc += x * x; }`).join('\n');
      const program = perRow(`clip_partial_${part.length}`, part.map((_, k) => `t${k}`), [groups.length], 1, `
        var acc = 0.0;
        ${loops}
        let total = workgroupSum(acc);
        if (tid == 0) { result[uniforms.slot] = total; }`, `slot : i32, ${part.map((_, k) => `n${k} : i32,`).join(' ')}`);
      backend.runWebGPUProgram(program, part, 'float32', [i32(slot), ...part.map((t) => i32(sizeOf(t.shape)))], partials);
    });
    const out = backend.runWebGPUProgram(perRow('clip_scale', ['partials'], [], 1, `
      var acc = 0.0;
      for (var j = tid; j < uniforms.partialsShape; j += ${WG}) { acc += partials[j]; }
      let norm = sqrt(workgroupSum(acc));
      if (tid == 0) { result[0] = uniforms.clipNorm / max(norm, uniforms.clipNorm); }`, 'clipNorm : f32,'), [partials], 'float32', [f32(attrs.clipNorm as number)]);
    backend.disposeData(partials.dataId);
    return out;
  });
}
