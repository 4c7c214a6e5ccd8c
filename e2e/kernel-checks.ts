// Page-side checks of the fused WebGPU kernels (src/engine/kernels/webgpu) against the composed
// tfjs ops they replace, on tiny random shapes in the browser's WebGPU (SwiftShader without a GPU).
// Loaded on demand by the harness (`__harness.kernelChecks()`); e2e/kernels-webgpu.spec.ts asserts.
// For each op: the forward values, and the gradient of Σ f(x)·w (w fixed, random) with respect to
// every input, both as max |fused − composed| / max |composed|; the kernels (tf.profile) and GPU
// dispatches of one forward + backward on each path; and the live tensor count before and after.
import '@tensorflow/tfjs-backend-webgpu';
import { attentionComposed, attentionCore, type AttentionAttrs } from '../src/engine/kernels/attention';
import { smoothedCrossEntropyComposed, smoothedCrossEntropyFused } from '../src/engine/kernels/cross-entropy';
import { geluComposed, geluFused } from '../src/engine/kernels/gelu';
import { fusedOn } from '../src/engine/kernels/js-kernel';
import { layerNormComposed, layerNormFused } from '../src/engine/kernels/layer-norm';
import { tokensComposed, tokensFused } from '../src/engine/kernels/tokens';
import { registerWebGpuKernels } from '../src/engine/kernels/webgpu';
import * as tf from '../src/engine/tf';

type Op = (...x: tf.Tensor[]) => tf.Tensor;

export interface KernelCheck {
  name: string;
  /** The fused kernel this op must run (it must appear in the fused path's profile). */
  kernel: string;
  fusedOn: boolean;
  valueDiff: number;
  gradDiffs: number[];
  fused: { kernels: string[]; dispatches: number };
  composed: { kernels: string[]; dispatches: number };
  leaked: number;
  /** Backend buffers (tensor data) left over: a kernel's own intermediate it forgot to free. */
  leakedData: number;
}

const dataIds = (): number => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

/** max |a − b| / max |b|, NaN anywhere → Infinity (as src/engine/kernels/fused-check.ts). */
function maxRelDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Kernels (registered names only, as `cli profile` counts) and WebGPU dispatches of one forward + backward. */
async function cost(op: Op, inputs: tf.Tensor[], w: tf.Tensor): Promise<{ kernels: string[]; dispatches: number }> {
  const backend = tf.backend() as unknown as { runWebGPUProgram: (...a: unknown[]) => unknown };
  const original = backend.runWebGPUProgram;
  let dispatches = 0;
  backend.runWebGPUProgram = function (...a: unknown[]) {
    dispatches++;
    return original.apply(this, a);
  };
  try {
    const info = await tf.profile(() => tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(op(...x), w)))(inputs));
    tf.dispose(info.result as tf.Tensor[]);
    return { kernels: info.kernelNames.filter((k) => tf.getKernel(k, 'webgpu') !== undefined), dispatches };
  } finally {
    backend.runWebGPUProgram = original;
  }
}

async function check(name: string, kernel: string, inputs: tf.Tensor[], fused: Op, composed: Op): Promise<KernelCheck> {
  const before = tf.memory().numTensors, dataBefore = dataIds();
  const w = tf.tidy(() => tf.randomNormal(composed(...inputs).shape, 0, 1, 'float32', 7));
  const [ref, got] = tf.tidy(() => [composed(...inputs), fused(...inputs)]);
  const gRef = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(composed(...x), w)))(inputs);
  const gGot = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(fused(...x), w)))(inputs);
  const valueDiff = maxRelDiff(await got.data() as Float32Array, await ref.data() as Float32Array);
  const gradDiffs: number[] = [];
  for (let i = 0; i < gRef.length; i++) gradDiffs.push(maxRelDiff(await gGot[i].data() as Float32Array, await gRef[i].data() as Float32Array));
  const fusedCost = await cost(fused, inputs, w), composedCost = await cost(composed, inputs, w);
  tf.dispose([w, ref, got, ...gRef, ...gGot]);
  return { name, kernel, fusedOn: fusedOn(kernel), valueDiff, gradDiffs, fused: fusedCost, composed: composedCost, leaked: tf.memory().numTensors - before, leakedData: dataIds() - dataBefore };
}

/** Runs every check on WebGPU (throws if the webgpu backend cannot start); `leaked` over the whole run. */
export async function runKernelChecks(): Promise<{ checks: KernelCheck[]; leaked: number; gpuErrors: string[] }> {
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not initialise');
  registerWebGpuKernels();
  // A shader that does not compile only yields garbage output; its error message lands here.
  const gpuErrors: string[] = [];
  const device = (tf.backend() as unknown as { device: { addEventListener(type: 'uncapturederror', l: (e: { error: { message: string } }) => void): void } }).device;
  device.addEventListener('uncapturederror', (e) => gpuErrors.push(e.error.message));
  const results: KernelCheck[] = [];
  const rand = (shape: number[], seed: number, sd = 1) => tf.randomNormal(shape, 0, sd, 'float32', seed);
  const before = tf.memory().numTensors;
  const inputs: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (inputs.push(t), t);

  // D = 70: more columns than the 64 threads of a row's workgroup, and not a multiple of them.
  const x = keep(tf.tidy(() => tf.add(rand([6, 70], 1, 2), 0.5))), gamma = keep(rand([70], 2)), beta = keep(rand([70], 3));
  results.push(await check('layerNorm', 'SvLayerNorm', [x, gamma, beta],
    (a, g, b) => layerNormFused(a as tf.Tensor2D, g, b, 1e-6), (a, g, b) => layerNormComposed(a as tf.Tensor2D, g, b, 1e-6)));

  results.push(await check('gelu', 'SvGelu', [keep(rand([5, 37], 4, 2))], (a) => geluFused(a), (a) => geluComposed(a)));

  // Attention: a few tokens; then 67 tokens, more than a row's workgroup.
  for (const a of [{ batch: 2, tokens: 5, heads: 2, headDim: 4 }, { batch: 1, tokens: 67, heads: 1, headDim: 3 }] satisfies AttentionAttrs[]) {
    const qkv = keep(rand([a.batch * a.tokens, 3 * a.heads * a.headDim], 5 + a.tokens));
    results.push(await check(`attention B${a.batch} T${a.tokens} H${a.heads} hd${a.headDim}`, 'SvAttention', [qkv],
      (q) => attentionCore(q as tf.Tensor2D, a), (q) => attentionComposed(q as tf.Tensor2D, a)));
  }

  // Cross-entropy: 70 images (more than a workgroup's threads), 10 classes, smoothing 0.1; labels a constant.
  const labels = keep(tf.tensor1d(Array.from({ length: 70 }, (_, i) => (i * 7) % 10), 'int32'));
  results.push(await check('crossEntropy', 'SvSmoothedCrossEntropy', [keep(rand([70, 10], 9, 3))],
    (l) => smoothedCrossEntropyFused(l as tf.Tensor2D, labels as tf.Tensor1D, 10, 0.1),
    (l) => smoothedCrossEntropyComposed(l as tf.Tensor2D, labels as tf.Tensor1D, 10, 0.1)));

  // Tokens: 3 images of 4 patches, D = 5.
  results.push(await check('tokens', 'SvTokens', [keep(rand([12, 5], 10)), keep(rand([1, 1, 5], 11)), keep(rand([1, 5, 5], 12))],
    (p, c, e) => tokensFused(p as tf.Tensor2D, c, e, 3), (p, c, e) => tokensComposed(p as tf.Tensor2D, c, e, 3)));
  tf.dispose(inputs);
  return { checks: results, leaked: tf.memory().numTensors - before, gpuErrors };
}
