// Fused kernels that work on the backend's float32 buffers, registered for the two backends whose
// tensors live in JavaScript-reachable memory: 'cpu' (typed arrays) and 'wasm' (the module's
// heap). Their compute is a plain JavaScript loop, or a call into the SIMD module (wasm-kernel.ts).
// One such kernel replaces a chain of small tfjs kernels: each costs a dispatch, tensor
// bookkeeping and a full pass over memory. Other backends (webgl, webgpu) have no such kernel and
// the callers take the composed path (see `fusedOn`).
import { sizeOf } from '../facts/shape';
import * as tf from '../tf';
import { registerFusedKernel } from './register';

/** The backends that get the JavaScript kernels. */
const JS_BACKENDS = ['cpu', 'wasm'] as const;

/**
 * The identities of a call's tensors' data (tfjs data ids: a reshape keeps its input's, new data
 * gets a new one). Empty where the backend has not made them yet (outputs on 'cpu').
 */
export interface DataIds {
  inputs: object[];
  outputs: object[];
}

/** What a kernel computes: float32 inputs in (int32 ones converted), preallocated float32 outputs filled. */
export type JsCompute<A> = (inputs: Float32Array[], outputs: Float32Array[], attrs: A, shapes: number[][], ids: DataIds) => void;

export interface JsKernelSpec<A> {
  name: string;
  /** Output shapes from the input shapes and attributes. */
  outputShapes: (shapes: number[][], attrs: A) => number[][];
  compute: JsCompute<A>;
}

// The two backends' buffer access, by duck typing (the engine imports no backend package).
interface CpuLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}
interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** float32 data as it lies; int32 (labels, indices: small) as a float32 copy, exact below 2^24. */
const asFloat = (t: tf.TensorInfo, data: unknown): Float32Array => (t.dtype === 'int32' ? Float32Array.from(data as Int32Array) : (data as Float32Array));

function run<A>(spec: JsKernelSpec<A>, backendName: string, inputs: tf.TensorInfo[], attrs: A, backend: unknown): tf.TensorInfo[] {
  const shapes = inputs.map((t) => t.shape);
  const outShapes = spec.outputShapes(shapes, attrs);
  if (backendName === 'wasm') {
    const b = backend as WasmLike;
    const outs = outShapes.map((s) => b.makeOutput(s, 'float32'));
    // Views only after every allocation: growing the heap detaches older views.
    const ids = { inputs: inputs.map((t) => t.dataId), outputs: outs.map((t) => t.dataId) };
    spec.compute(inputs.map((t) => asFloat(t, b.typedArrayFromHeap(t))), outs.map((t) => b.typedArrayFromHeap(t)), attrs, shapes, ids);
    return outs;
  }
  const b = backend as CpuLike;
  const outs = outShapes.map((s) => new Float32Array(sizeOf(s)));
  spec.compute(inputs.map((t) => asFloat(t, b.data.get(t.dataId).values)), outs, attrs, shapes, { inputs: inputs.map((t) => t.dataId), outputs: [] });
  return outs.map((v, i) => b.makeTensorInfo(outShapes[i], 'float32', v));
}

/** Whether the current backend runs these kernels (not another backend's kernel of the same name). */
export const onJsBackend = (): boolean => (JS_BACKENDS as readonly string[]).includes(tf.getBackend());

/** Register a kernel for cpu and wasm; its inputs are named 0, 1, … in order. */
export function registerJsKernel<A>(spec: JsKernelSpec<A>): void {
  for (const backendName of JS_BACKENDS) {
    registerFusedKernel<unknown>(spec.name, backendName, ['float32', 'int32'], (inputs, backend, attrs) => {
      const outs = run(spec, backendName, inputs, attrs as unknown as A, backend);
      return outs.length === 1 ? outs[0] : outs;
    });
  }
}

/** Run a registered kernel on tensors; always an array of outputs. */
export function runJsKernel<A extends object>(name: string, inputs: tf.Tensor[], attrs: A): tf.Tensor[] {
  const named: Record<string, tf.Tensor> = {};
  inputs.forEach((t, i) => (named[i] = t));
  const out = tf.engine().runKernel(name, named, attrs as never) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

/**
 * A fused op with its gradient. The forward kernel runs on the inputs, then on `constants` (labels:
 * no gradient); its first output is the value. The backward kernel takes dy, then what `keep`
 * picks from the inputs and the forward's outputs, and gives one gradient per input.
 */
export function fusedOp<A extends object>(
  forward: string, backward: string, attrs: A,
  keep: (inputs: tf.Tensor[], outputs: tf.Tensor[]) => tf.Tensor[] = () => [],
  constants: tf.Tensor[] = [],
): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const outputs = runJsKernel(forward, [...inputs, ...constants], attrs);
    save(keep(inputs, outputs));
    return { value: outputs[0], gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runJsKernel(backward, [dy, ...saved], attrs) };
  }) as (...inputs: tf.Tensor[]) => tf.Tensor;
}

let enabled = true;

/**
 * Switch the fused kernels off (the composed tfjs ops run instead) or on. The composed path is the
 * reference the fused kernels are tested against; the default is on.
 */
export function setFusedKernels(on: boolean): void {
  enabled = on;
}

/** Whether the fused kernel `name` runs on the current backend. */
export function fusedOn(name: string): boolean {
  return enabled && tf.getKernel(name, tf.getBackend()) !== undefined;
}
