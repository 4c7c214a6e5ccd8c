// AdamW's update of one bucket as one kernel, and the global clipping scale as one more. Composed,
// a bucket's step reshapes and concatenates every gradient and parameter, runs ~20 elementwise
// kernels over the flat copies and splits and reshapes the result back: ~4 kernels per parameter
// plus ~20 per bucket. Here the kernel reads each parameter and gradient where it lies. The step
// is C (wasm/adamw.c) compiled with SIMD128; the clipping scale, one pass of sums, stays a JS loop.
import * as tf from '../tf';
import { sizeOf } from '../facts/shape';
import { fusedOn, registerJsKernel, runJsKernel } from './js-kernel';
import { registerWasmKernel } from './wasm-kernel';

export const ADAMW_KERNEL = 'SvAdamW';
const CLIP_KERNEL = 'SvClipScale';

export interface AdamWStepAttrs {
  count: number; // parameters in the bucket
  lr: number;
  /** Decoupled weight decay factor lr·wd, 0 for buckets without decay. */
  decayRate: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Global bias corrections 1 − β^t (unused with per-entry ages). */
  bc1: number;
  bc2: number;
  hasAge: boolean;
  hasScale: boolean;
}

/**
 * Inputs m, v, [age], [scale], p₀…pₙ₋₁, g₀…gₙ₋₁ (m, v, age flat over the bucket) → m', v', [age'],
 * p₀'…pₙ₋₁': one call of the C step (wasm/adamw.c) per parameter, on its slices of m, v and age.
 */
registerWasmKernel<AdamWStepAttrs>({
  name: ADAMW_KERNEL,
  outputShapes: (shapes, a) => {
    const firstParam = 2 + (a.hasAge ? 1 : 0) + (a.hasScale ? 1 : 0);
    return [shapes[0], shapes[1], ...(a.hasAge ? [shapes[2]] : []), ...shapes.slice(firstParam, firstParam + a.count)];
  },
  call: (f, { inputs, outputs }, a, shapes) => {
    const [m, v] = inputs;
    let k = 2;
    const none = 0; // a null pointer: no ages, no clipping scale
    const age = a.hasAge ? inputs[k++] : none, scale = a.hasScale ? inputs[k++] : none;
    const [mOut, vOut] = outputs, ageOut = a.hasAge ? outputs[2] : none, pOut = outputs.slice(a.hasAge ? 3 : 2);
    const lb1 = Math.log(a.beta1), lb2 = Math.log(a.beta2);
    let o = 0; // byte offset of the current parameter in the bucket
    for (let i = 0; i < a.count; i++) {
      const n = sizeOf(shapes[k + i]);
      f.sv_adamw(m + o, v + o, age && age + o, scale, inputs[k + i], inputs[k + a.count + i], mOut + o, vOut + o, ageOut && ageOut + o, pOut[i], n,
        a.lr, 1 - a.decayRate, a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, a.eps, a.bc1, a.bc2, lb1, lb2);
      o += 4 * n;
    }
  },
});

registerJsKernel<{ clipNorm: number }>({
  name: CLIP_KERNEL,
  outputShapes: () => [[]],
  // clipNorm / max(‖g‖, clipNorm) over every gradient: 1 when the norm is within the bound.
  compute: (grads, [out], { clipNorm }) => {
    let sq = 0;
    for (const g of grads) for (let j = 0; j < g.length; j++) sq += g[j] * g[j];
    out[0] = clipNorm / Math.max(Math.sqrt(sq), clipNorm);
  },
});

/** Whether AdamW's fused step runs on the current backend. */
export const adamwFusedOn = (): boolean => fusedOn(ADAMW_KERNEL);

/** The clipping scale of a list of gradients, a scalar. */
export const clipScale = (grads: tf.Tensor[], clipNorm: number): tf.Tensor => runJsKernel(CLIP_KERNEL, grads, { clipNorm })[0];

/** One bucket's step: the new m, v, age (when given) and parameters. */
export function adamwBucketStep(
  state: { m: tf.Tensor; v: tf.Tensor; age: tf.Tensor | null },
  params: tf.Tensor[], grads: tf.Tensor[], scale: tf.Tensor | null,
  attrs: Omit<AdamWStepAttrs, 'count' | 'hasAge' | 'hasScale'>,
): { m: tf.Tensor; v: tf.Tensor; age: tf.Tensor | null; params: tf.Tensor[] } {
  const hasAge = state.age !== null, hasScale = scale !== null;
  const inputs = [state.m, state.v, ...(state.age ? [state.age] : []), ...(scale ? [scale] : []), ...params, ...grads];
  const out = runJsKernel(ADAMW_KERNEL, inputs, { ...attrs, count: params.length, hasAge, hasScale });
  return { m: out[0], v: out[1], age: hasAge ? out[2] : null, params: out.slice(hasAge ? 3 : 2) };
}
