// One way to register a fused kernel on any backend. tfjs hands a kernel its inputs by name; ours
// are named 0, 1, … (runJsKernel passes them so) and reach the kernel as a list in that order.
import * as tf from '../tf';

export type FusedKernelFunc<B> = (inputs: tf.TensorInfo[], backend: B, attrs: Record<string, unknown>) => tf.TensorInfo | tf.TensorInfo[];

/** Registers kernel `name` for `backendName` (once: a module loaded twice, in tests or HMR, skips it). */
export function registerFusedKernel<B>(name: string, backendName: string, dtypes: readonly tf.DataType[], run: FusedKernelFunc<B>): void {
  if (tf.getKernel(name, backendName)) return;
  tf.registerKernel({
    kernelName: name,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const list = Object.keys(inputs).sort((a, b) => Number(a) - Number(b)).map((k) => (inputs as Record<string, tf.TensorInfo>)[k]);
      for (const t of list) if (!dtypes.includes(t.dtype)) throw new Error(`${name}: inputs must be ${dtypes.join(' or ')} (got ${t.dtype})`);
      return run(list, backend as B, attrs as Record<string, unknown>);
    },
  });
}
