// Kernel replacements for tfjs-backend-wasm 4.22, applied once after the backend is chosen.
//
// The engine clones every tensor it saves for the backward pass (an Identity kernel) and tfjs's
// Mul gradient casts float32 to float32; on WASM both copy the whole buffer. Tensors are
// immutable, so sharing the buffer (a reference count, as the CPU and WebGL backends and WASM's
// own Reshape do) is exact, and it removes a few hundred copies from every training step.
//
// WASM's GatherV2 walks element by element (~50 ns each: 2.5 ms for the 768 kept token rows of a
// Fashion-MNIST batch, more than all of a block's attention matmuls). Row gathers (axis 0, no
// batch dims), which is every gather SViTE+ makes, become one block copy per row.
import * as tf from '../engine/tf';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Params = Parameters<KernelFunc>[0];

interface WasmBackendLike {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let patched = false;

/** The same buffer under a new tensor: what Identity and a same-dtype Cast mean. */
function share(params: Params): tf.TensorInfo {
  const x = (params.inputs as unknown as { x: tf.TensorInfo }).x;
  (params.backend as unknown as WasmBackendLike).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Rows of x at indices: out[i, …] = x[idx[i], …]. */
function gatherRows(backend: WasmBackendLike, x: tf.TensorInfo, indices: tf.TensorInfo): tf.TensorInfo {
  const rows = x.shape[0], row = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  // Views after makeOutput: allocating may grow the WASM heap and detach older views.
  const xv = backend.typedArrayFromHeap(x), iv = backend.typedArrayFromHeap(indices), ov = backend.typedArrayFromHeap(out);
  for (let i = 0; i < iv.length; i++) {
    const r = iv[i];
    if (!(r >= 0 && r < rows)) throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
    ov.set(xv.subarray(r * row, (r + 1) * row), i * row);
  }
  return out;
}

export function applyWasmPatches(): void {
  if (patched || tf.getBackend() !== 'wasm') return;
  const identity = tf.getKernel('Identity', 'wasm'), cast = tf.getKernel('Cast', 'wasm'), gather = tf.getKernel('GatherV2', 'wasm');
  if (!identity || !cast || !gather) return;
  const originalCast = cast.kernelFunc;
  const sameTypeCast: KernelFunc = (params: Params) => {
    const x = (params.inputs as unknown as { x: tf.TensorInfo }).x;
    const to = (params.attrs as unknown as { dtype: tf.DataType }).dtype;
    return x.dtype === to && to !== 'string' ? share(params) : originalCast(params);
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...identity, kernelFunc: (params: Params) => (((params.inputs as unknown as { x: tf.TensorInfo }).x.dtype === 'string') ? identity.kernelFunc(params) : share(params)) });
  tf.unregisterKernel('Cast', 'wasm');
  tf.registerKernel({ ...cast, kernelFunc: sameTypeCast });
  const fastGather: KernelFunc = (params: Params) => {
    const { x, indices } = params.inputs as unknown as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = params.attrs as unknown as { axis: number; batchDims: number };
    const plain = axis === 0 && !batchDims && x.dtype !== 'string' && x.dtype !== 'complex64' && indices.dtype === 'int32' && x.shape.length >= 1;
    return plain ? gatherRows(params.backend as unknown as WasmBackendLike, x, indices) : gather.kernelFunc(params);
  };
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel({ ...gather, kernelFunc: fastGather });
  patched = true;
}
