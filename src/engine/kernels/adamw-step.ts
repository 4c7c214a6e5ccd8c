// AdamW's update of one bucket as one kernel, and the global clipping scale as one more. Composed,
// a bucket's step reshapes and concatenates every gradient and parameter, runs ~20 elementwise
// kernels over the flat copies and splits and reshapes the result back: ~4 kernels per parameter
// plus ~20 per bucket. Here the kernel reads each parameter and gradient where it lies.
import * as tf from '../tf';
import { fusedOn, registerJsKernel, runJsKernel } from './js-kernel';

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
 * p₀'…pₙ₋₁'. The same arithmetic as the composed path, in float64 until the store.
 */
function stepLoops(inputs: Float32Array[], outputs: Float32Array[], a: AdamWStepAttrs): void {
  const [m, v] = inputs;
  let k = 2;
  const age = a.hasAge ? inputs[k++] : null;
  const scale = a.hasScale ? inputs[k++][0] : 1;
  const params = inputs.slice(k, k + a.count), grads = inputs.slice(k + a.count);
  const [mOut, vOut] = outputs;
  const ageOut = age ? outputs[2] : null;
  const pOut = outputs.slice(age ? 3 : 2);
  const keep = 1 - a.decayRate, lb1 = Math.log(a.beta1), lb2 = Math.log(a.beta2);
  let o = 0; // offset of the current parameter in the bucket
  for (let i = 0; i < a.count; i++) {
    const p = params[i], g = grads[i], out = pOut[i];
    for (let j = 0; j < p.length; j++, o++) {
      const gj = g[j] * scale;
      mOut[o] = a.beta1 * m[o] + (1 - a.beta1) * gj;
      vOut[o] = a.beta2 * v[o] + (1 - a.beta2) * gj * gj;
      let c1 = a.bc1, c2 = a.bc2;
      if (age && ageOut) {
        // Per-entry correction 1 − β^age, age counted from the entry's last restart.
        const t = (ageOut[o] = age[o] + 1);
        c1 = 1 - Math.exp(t * lb1);
        c2 = 1 - Math.exp(t * lb2);
      }
      // The moments as stored (float32), as the composed path reads them back.
      out[j] = p[j] * keep - a.lr * ((mOut[o] / c1) / (Math.sqrt(vOut[o] / c2) + a.eps));
    }
  }
}

registerJsKernel<AdamWStepAttrs>({
  name: ADAMW_KERNEL,
  outputShapes: (shapes, a) => {
    const firstParam = 2 + (a.hasAge ? 1 : 0) + (a.hasScale ? 1 : 0);
    return [shapes[0], shapes[1], ...(a.hasAge ? [shapes[2]] : []), ...shapes.slice(firstParam, firstParam + a.count)];
  },
  compute: stepLoops,
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
