// Exact GELU, 0.5·x·(1 + erf(x/√2)) as torch.nn.GELU(), as one kernel each way (composed: five
// kernels forward, about ten backward).
import * as tf from '../tf';
import { fastExp } from './fast-exp';
import { fusedOn, registerJsKernel, runJsKernel } from './js-kernel';

const FORWARD = 'SvGelu';
const BACKWARD = 'SvGeluGrad';

/**
 * Φ(x) = ½(1 + erf(x/√2)) with erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), the
 * approximation tfjs's CPU Erf kernel uses too, so the fused and composed paths agree to float
 * rounding. `e` = exp(−x²/2): erf's own exponential, which the derivative needs as well.
 */
function cdf(x: number, e: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x) * Math.SQRT1_2);
  const erfAbs = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * e;
  return 0.5 * (1 + (x < 0 ? -erfAbs : erfAbs));
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

registerJsKernel<Record<string, never>>({
  name: FORWARD,
  outputShapes: ([x]) => [x],
  compute: ([x], [y]) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      y[i] = v * cdf(v, fastExp(-0.5 * v * v));
    }
  },
});
registerJsKernel<Record<string, never>>({
  name: BACKWARD,
  outputShapes: ([dy]) => [dy],
  // d/dx x·Φ(x) = Φ(x) + x·φ(x), φ the standard normal density: autodiff's exact erf'.
  compute: ([dy, x], [dx]) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i], e = fastExp(-0.5 * v * v);
      dx[i] = dy[i] * (cdf(v, e) + v * INV_SQRT_2PI * e);
    }
  },
});

/** The composed GELU: the reference, and the path on backends without the kernel. */
export function geluComposed(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

const geluOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: runJsKernel(FORWARD, [x], {})[0],
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runJsKernel(BACKWARD, [dy, saved[0]], {})[0],
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** Exact GELU, 0.5·x·(1 + erf(x/√2)). */
export function geluFused(x: tf.Tensor): tf.Tensor {
  return fusedOn(FORWARD) ? geluOp(x) : geluComposed(x);
}
