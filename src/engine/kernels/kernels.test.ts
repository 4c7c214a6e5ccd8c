// Each fused kernel against the composed tfjs ops it replaces, values and gradients, on the CPU
// backend and on the real WASM backend (the CLI's set-up: binaries from node_modules, our patches).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { useBackend } from '../../backend/node';
import { AdamW } from '../optim/adamw';
import { attentionComposed, attentionCore, type AttentionAttrs } from './attention';
import { smoothedCrossEntropyComposed, smoothedCrossEntropyFused } from './cross-entropy';
import { expectFusedMatches, maxRelDiff } from './fused-check';
import { geluComposed, geluFused } from './gelu';
import { fusedOn, setFusedKernels } from './js-kernel';
import { tokensComposed, tokensFused } from './tokens';
import { layerNormComposed, layerNormFused } from './layer-norm';
import { simdMemoryBytes } from './wasm-kernel';

// Seeded normals; seed 0 would mean unseeded to tfjs, so seeds start at 1.
const rand = (shape: number[], seed: number, scale = 1): tf.Tensor => tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale));

describe.each(['cpu', 'wasm'] as const)('fused kernels on %s', (backend) => {
  beforeAll(async () => {
    expect(await useBackend(backend)).toBe(backend);
  });
  afterAll(async () => {
    setFusedKernels(true);
    await tf.setBackend('cpu');
  });

  it('are the ones that run here, and switch off for the reference path', () => {
    expect(fusedOn('SvAttention')).toBe(true);
    setFusedKernels(false);
    expect(fusedOn('SvAttention')).toBe(false);
    setFusedKernels(true);
  });

  it('attention core: softmax(q·kᵀ/√hd)·v from the qkv layout, as the composed heads', () => {
    for (const a of [{ batch: 3, tokens: 5, heads: 2, headDim: 4 }, { batch: 2, tokens: 7, heads: 3, headDim: 5 }] as AttentionAttrs[]) {
      const qkv = rand([a.batch * a.tokens, 3 * a.heads * a.headDim], 1, 2);
      expectFusedMatches([qkv], (x) => attentionCore(x as tf.Tensor2D, a), (x) => attentionComposed(x as tf.Tensor2D, a));
      qkv.dispose();
    }
  });

  it('attention core at inference, with all or fewer queries: the first tokens\' rows of the training forward, bit for bit', () => {
    const a: AttentionAttrs = { batch: 3, tokens: 7, heads: 2, headDim: 6 };
    const qkv = rand([a.batch * a.tokens, 3 * a.heads * a.headDim], 5, 2);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const full = attentionCore(qkv as tf.Tensor2D, a).arraySync() as number[][];
      for (const queries of [1, 3, a.tokens]) {
        const got = attentionCore(qkv as tf.Tensor2D, { ...a, queries }, true).arraySync() as number[][];
        const want = full.filter((_, r) => r % a.tokens < queries);
        expect(got).toEqual(want);
      }
      expect(() => attentionCore(qkv as tf.Tensor2D, { ...a, queries: 2 })).toThrow(/inference only/);
    });
    expect(tf.memory().numTensors).toBe(before);
    qkv.dispose();
  });

  it('SIMD memory: reused by calls that fit, grown only for a larger one', () => {
    const a: AttentionAttrs = { batch: 64, tokens: 17, heads: 4, headDim: 16 };
    const run = (batch: number): void => tf.tidy(() => {
      attentionCore(tf.zeros([batch * a.tokens, 3 * a.heads * a.headDim]) as tf.Tensor2D, { ...a, batch }).dataSync();
    });
    run(64);
    const fits = simdMemoryBytes();
    run(64);
    run(8);
    expect(simdMemoryBytes()).toBe(fits);
    run(Math.ceil(fits / (a.tokens * 3 * a.heads * a.headDim * 4)) + 1); // its input alone exceeds the memory
    expect(simdMemoryBytes()).toBeGreaterThan(fits);
  });

  it('LayerNorm: values and gradients for x, γ and β', () => {
    const x = tf.tidy(() => tf.add(rand([6, 10], 2, 3), 5)), gamma = rand([10], 3), beta = rand([10], 4);
    expectFusedMatches([x, gamma, beta],
      (a, g, b) => layerNormFused(a as tf.Tensor2D, g, b, 1e-6), (a, g, b) => layerNormComposed(a as tf.Tensor2D, g, b, 1e-6));
    tf.dispose([x, gamma, beta]);
  });

  it('GELU: values and gradient, over the range where erf bends and saturates', () => {
    const x = tf.tidy(() => tf.concat([rand([50], 5, 3), tf.tensor1d([-9, -3, -0.5, 0, 0.5, 3, 9])]));
    expectFusedMatches([x], geluFused, geluComposed);
    x.dispose();
  });

  it('smoothed cross-entropy: the loss and the gradient of the logits, with and without smoothing', () => {
    const logits = rand([6, 5], 6, 4), labels = tf.tensor1d([0, 4, 2, 2, 1, 3], 'int32');
    for (const s of [0, 0.1]) {
      expectFusedMatches([logits],
        (x) => smoothedCrossEntropyFused(x as tf.Tensor2D, labels, 5, s), (x) => smoothedCrossEntropyComposed(x as tf.Tensor2D, labels, 5, s));
    }
    tf.dispose([logits, labels]);
  });

  it('token sequence: cls first per image, position added, and the gradients of patches, cls and position', () => {
    const patches = rand([3 * 4, 5], 8), cls = rand([1, 1, 5], 9), pos = rand([1, 5, 5], 10);
    expectFusedMatches([patches, cls, pos], (p, c, e) => tokensFused(p as tf.Tensor2D, c, e, 3), (p, c, e) => tokensComposed(p as tf.Tensor2D, c, e, 3));
    tf.dispose([patches, cls, pos]);
  });

  it('AdamW: parameters and moments as the composed step, with clipping, decay, several buckets and restarted ages', () => {
    const before = tf.memory().numTensors;
    const specs: [string, number[], boolean][] = [['w1', [3, 4], true], ['b1', [4], false], ['w2', [4, 2], true], ['b2', [2], false], ['w3', [5], true]];
    const train = (fused: boolean): number[][] => {
      setFusedKernels(fused);
      const opt = new AdamW({ bucketElements: 14, restartBiasCorrection: true });
      const params = new Map(specs.map(([n, s], i) => {
        const init = rand(s, 10 + i), v = tf.variable(init, true, `kernels-test/${fused}/${n}`);
        init.dispose();
        return [n, v];
      }));
      for (const [n, s, d] of specs) opt.addParam(n, s, d);
      for (let t = 0; t < 5; t++) {
        if (t === 2) tf.tidy(() => opt.maskMany(new Map([['w1', tf.tensor2d([1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1], [3, 4])]])));
        tf.tidy(() => opt.apply(params, new Map(specs.map(([n, s], i) => [n, rand(s, 1 + 100 * t + i, 3)])), 0.01, 0.05, t % 2 ? 0.5 : 0));
      }
      const out = [...params.values()].map((v) => Array.from(v.dataSync()));
      for (const [n] of specs) {
        const { m, v } = opt.moments(n)!;
        out.push(Array.from(m.dataSync()), Array.from(v.dataSync()));
        tf.dispose([m, v]);
      }
      opt.dispose();
      for (const v of params.values()) v.dispose();
      return out;
    };
    const composed = train(false), fused = train(true);
    setFusedKernels(true);
    fused.forEach((x, i) => expect(maxRelDiff(x, composed[i]), `tensor ${i}`).toBeLessThan(1e-5));
    expect(tf.memory().numTensors).toBe(before);
  });
});
