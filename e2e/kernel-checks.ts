// Page-side checks of the fused WebGPU kernels (src/engine/kernels/webgpu) against the composed
// tfjs ops they replace, on tiny random shapes in the browser's WebGPU (SwiftShader without a GPU).
// Loaded on demand by the harness (`__harness.kernelChecks()`); e2e/kernels-webgpu.spec.ts asserts.
// For each op: the forward values, and the gradient of Σ f(x)·w (w fixed, random) with respect to
// every input, both as max |fused − composed| / max |composed|; the kernels (tf.profile) and GPU
// dispatches of one forward + backward on each path; and the tensors and backend buffers left
// over. AdamW and the clipping scale have no gradient: see their checks for what they compare.
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { attentionComposed, attentionCore, type AttentionAttrs } from '../src/engine/kernels/attention';
import { clipScale } from '../src/engine/kernels/adamw-step';
import { smoothedCrossEntropyComposed, smoothedCrossEntropyFused } from '../src/engine/kernels/cross-entropy';
import { geluComposed, geluFused } from '../src/engine/kernels/gelu';
import { fusedOn, setFusedKernels } from '../src/engine/kernels/js-kernel';
import { layerNormComposed, layerNormFused } from '../src/engine/kernels/layer-norm';
import { tokensComposed, tokensFused } from '../src/engine/kernels/tokens';
import { registerWebGlKernels } from '../src/engine/kernels/webgl';
import { registerWebGpuKernels } from '../src/engine/kernels/webgpu';
import { AdamW } from '../src/engine/optim/adamw';
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

/** Attention: a few tokens; then 67 tokens, more than a WebGPU row's workgroup. */
async function attentionChecks(): Promise<KernelCheck[]> {
  const results: KernelCheck[] = [];
  for (const a of [{ batch: 2, tokens: 5, heads: 2, headDim: 4 }, { batch: 1, tokens: 67, heads: 1, headDim: 3 }] satisfies AttentionAttrs[]) {
    const qkv = tf.randomNormal([a.batch * a.tokens, 3 * a.heads * a.headDim], 0, 1, 'float32', 5 + a.tokens);
    results.push(await check(`attention B${a.batch} T${a.tokens} H${a.heads} hd${a.headDim}`, 'SvAttention', [qkv],
      (q) => attentionCore(q as tf.Tensor2D, a), (q) => attentionComposed(q as tf.Tensor2D, a)));
    qkv.dispose();
  }
  return results;
}

/** LayerNorm with D = 70 (more than a WebGPU row's 64 threads, not a multiple of them), and GELU. */
async function layerNormAndGelu(): Promise<KernelCheck[]> {
  const [x, gamma, beta, g] = tf.tidy(() => [tf.add(tf.randomNormal([6, 70], 0, 2, 'float32', 1), 0.5), tf.randomNormal([70], 0, 1, 'float32', 2),
    tf.randomNormal([70], 0, 1, 'float32', 3), tf.randomNormal([5, 37], 0, 2, 'float32', 4)]);
  const results = [
    await check('layerNorm', 'SvLayerNorm', [x, gamma, beta],
      (a, gm, b) => layerNormFused(a as tf.Tensor2D, gm, b, 1e-6), (a, gm, b) => layerNormComposed(a as tf.Tensor2D, gm, b, 1e-6)),
    await check('gelu', 'SvGelu', [g], (a) => geluFused(a), (a) => geluComposed(a)),
  ];
  tf.dispose([x, gamma, beta, g]);
  return results;
}

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

/** Kernels (registered names only, as `cli profile` counts) and GPU programs run of one forward + backward. */
async function cost(op: Op, inputs: tf.Tensor[], w: tf.Tensor): Promise<{ kernels: string[]; dispatches: number }> {
  return costOf(() => tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(op(...x), w)))(inputs));
}

/** Kernels (registered names) and programs run (runWebGPUProgram / runWebGLProgram calls) of `run`. */
async function costOf(run: () => tf.TensorContainer): Promise<{ kernels: string[]; dispatches: number }> {
  const backend = tf.backend() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const method = tf.getBackend() === 'webgl' ? 'runWebGLProgram' : 'runWebGPUProgram';
  const original = backend[method];
  let dispatches = 0;
  backend[method] = function (...a: unknown[]) {
    dispatches++;
    return original.apply(this, a);
  };
  try {
    const info = await tf.profile(run);
    tf.dispose(info.result);
    return { kernels: info.kernelNames.filter((k) => tf.getKernel(k, tf.getBackend()) !== undefined), dispatches };
  } finally {
    backend[method] = original;
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


/**
 * AdamW (src/engine/optim/adamw.ts) with the fused step against its composed path: 10 parameters
 * (more than one program's 7 inputs) in both decay classes; three steps: clipped, clipped after
 * `maskMany` restarted some moments (per-entry ages), unclipped. Compared: each parameter's total
 * update, and the moments and ages. The cost is that of the second step.
 */
async function checkAdamW(): Promise<KernelCheck> {
  const before = tf.memory().numTensors, dataBefore = dataIds();
  const shapes = [[7, 5], [5], [3, 4, 2], [1], [9], [2, 2], [6], [4, 3], [8], [5, 5]];
  const names = shapes.map((_, i) => `p${i}`);
  const init = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 100 + i));
  const gradSets = [0, 1, 2].map((step) => new Map(names.map((n, i) => [n, tf.randomNormal(shapes[i], 0, 1, 'float32', 200 + 20 * step + i)])));
  const masks = new Map([['p0', tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([7, 5], 0, 1, 'float32', 300), 0.5), 'float32'))], ['p4', tf.tensor1d([1, 0, 1, 1, 0, 0, 1, 1, 1])]]);
  const run = async (fused: boolean) => {
    setFusedKernels(fused);
    try {
      const opt = new AdamW({ restartBiasCorrection: true });
      names.forEach((n, i) => opt.addParam(n, shapes[i], i % 3 !== 0));
      const vars = new Map(names.map((n, i) => [n, tf.variable(init[i], true)]));
      opt.apply(vars, gradSets[0], 1e-2, 0.05, 0.5);
      opt.maskMany(masks);
      const c = await costOf(() => opt.apply(vars, gradSets[1], 1e-2, 0.05, 0.5));
      opt.apply(vars, gradSets[2], 1e-2, 0.05, 0);
      const state = await opt.exportState();
      const deltas: Float32Array[] = [];
      for (const [i, n] of names.entries()) {
        const [now, start] = [await vars.get(n)!.data(), await init[i].data()];
        deltas.push(Float32Array.from(now, (x, j) => x - start[j]));
      }
      opt.dispose();
      tf.dispose([...vars.values()]);
      return { cost: c, deltas, state };
    } finally {
      setFusedKernels(true);
    }
  };
  const composed = await run(false), fused = await run(true);
  const cat = (xs: Float32Array[]) => Float32Array.from(xs.flatMap((x) => Array.from(x)));
  const moments = (r: typeof fused) => cat(r.state.buckets.flatMap((b) => [b.m, b.v]));
  const ages = (r: typeof fused) => cat(r.state.buckets.flatMap((b) => (b.age ? [b.age] : [])));
  const result: KernelCheck = {
    name: 'adamW', kernel: 'SvAdamW', fusedOn: fusedOn('SvAdamW'),
    valueDiff: maxRelDiff(cat(fused.deltas), cat(composed.deltas)),
    gradDiffs: [maxRelDiff(moments(fused), moments(composed)), ages(composed).length ? maxRelDiff(ages(fused), ages(composed)) : Infinity],
    fused: fused.cost, composed: composed.cost, leaked: 0, leakedData: 0,
  };
  tf.dispose([...init, ...gradSets.flatMap((g) => [...g.values()]), ...masks.values()]);
  return { ...result, leaked: tf.memory().numTensors - before, leakedData: dataIds() - dataBefore };
}

/**
 * The clipping scale of 10 gradients (two programs' worth) against its formula (as AdamW's
 * composed path sums: pairwise adds, since the page has no AddN patch), norm above and below the bound.
 */
async function checkClip(): Promise<KernelCheck> {
  const before = tf.memory().numTensors, dataBefore = dataIds();
  const grads = [[7, 5], [5], [3, 4, 2], [1], [9], [2, 2], [6], [4, 3], [8], [5, 5]].map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 400 + i));
  const composed = (clipNorm: number) => tf.tidy(() => tf.div(clipNorm, tf.maximum(tf.sqrt(grads.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))), clipNorm)));
  const diffs: number[] = [];
  for (const clipNorm of [2, 100]) {
    const [got, ref] = [clipScale(grads, clipNorm), composed(clipNorm)];
    diffs.push(maxRelDiff(await got.data() as Float32Array, await ref.data() as Float32Array));
    tf.dispose([got, ref]);
  }
  const fusedCost = await costOf(() => tf.dispose(clipScale(grads, 2))), composedCost = await costOf(() => tf.dispose(composed(2)));
  tf.dispose(grads);
  return { name: 'clipScale', kernel: 'SvClipScale', fusedOn: fusedOn('SvClipScale'), valueDiff: diffs[0], gradDiffs: [diffs[1]],
    fused: fusedCost, composed: composedCost, leaked: tf.memory().numTensors - before, leakedData: dataIds() - dataBefore };
}

/** Runs every check on WebGPU (throws if the webgpu backend cannot start); `leaked` over the whole run. */
export async function runKernelChecks(): Promise<{ checks: KernelCheck[]; leaked: number; gpuErrors: string[] }> {
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not initialise');
  registerWebGpuKernels();
  // A shader that does not compile only yields garbage output; its error message lands here.
  const gpuErrors: string[] = [];
  const device = (tf.backend() as unknown as { device: { addEventListener(type: 'uncapturederror', l: (e: { error: { message: string } }) => void): void } }).device;
  device.addEventListener('uncapturederror', (e) => gpuErrors.push(e.error.message));
  const rand = (shape: number[], seed: number, sd = 1) => tf.randomNormal(shape, 0, sd, 'float32', seed);
  const before = tf.memory().numTensors;
  const inputs: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (inputs.push(t), t);
  const results = await layerNormAndGelu();

  results.push(...await attentionChecks());

  // Cross-entropy: 70 images (more than a workgroup's threads), 10 classes, smoothing 0.1; labels a constant.
  const labels = keep(tf.tensor1d(Array.from({ length: 70 }, (_, i) => (i * 7) % 10), 'int32'));
  results.push(await check('crossEntropy', 'SvSmoothedCrossEntropy', [keep(rand([70, 10], 9, 3))],
    (l) => smoothedCrossEntropyFused(l as tf.Tensor2D, labels as tf.Tensor1D, 10, 0.1),
    (l) => smoothedCrossEntropyComposed(l as tf.Tensor2D, labels as tf.Tensor1D, 10, 0.1)));

  // Tokens: 3 images of 4 patches, D = 5.
  results.push(await check('tokens', 'SvTokens', [keep(rand([12, 5], 10)), keep(rand([1, 1, 5], 11)), keep(rand([1, 5, 5], 12))],
    (p, c, e) => tokensFused(p as tf.Tensor2D, c, e, 3), (p, c, e) => tokensComposed(p as tf.Tensor2D, c, e, 3)));
  tf.dispose(inputs);
  results.push(await checkAdamW(), await checkClip());
  return { checks: results, leaked: tf.memory().numTensors - before, gpuErrors };
}

/** The WebGL kernels (LayerNorm, GELU, attention) the same way; throws if the webgl backend cannot start. */
export async function runWebGlKernelChecks(): Promise<{ checks: KernelCheck[]; leaked: number }> {
  if (!(await tf.setBackend('webgl'))) throw new Error('the webgl backend did not initialise');
  registerWebGlKernels();
  const before = tf.memory().numTensors;
  const checks = [...await layerNormAndGelu(), ...await attentionChecks()];
  return { checks, leaked: tf.memory().numTensors - before };
}
