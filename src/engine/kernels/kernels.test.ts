// Each fused kernel against the composed tfjs ops it replaces, values and gradients, on the CPU
// backend and on the real WASM backend (the CLI's set-up: binaries from node_modules, our patches).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { useBackend } from '../../backend/node';
import { attentionComposed, attentionCore, type AttentionAttrs } from './attention';
import { fastExp } from './fast-exp';
import { expectFusedMatches } from './fused-check';
import { geluComposed, geluFused } from './gelu';
import { fusedOn, setFusedKernels } from './js-kernel';
import { layerNormComposed, layerNormFused } from './layer-norm';

const rand = (shape: number[], seed: number, scale = 1): tf.Tensor => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);

describe('fastExp', () => {
  it('is Math.exp within 1e-8 relative over the float range, and passes through the edges', () => {
    let worst = 0;
    for (let x = -100; x <= 88; x += 0.00731) worst = Math.max(worst, Math.abs(fastExp(x) - Math.exp(x)) / Math.exp(x));
    expect(worst).toBeLessThan(1e-8);
    expect(fastExp(-1000)).toBe(0);
    expect(fastExp(Infinity)).toBe(Infinity);
    expect(fastExp(NaN)).toBeNaN();
  });
});

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

  it('LayerNorm: values and gradients for x, γ and β', () => {
    const x = tf.add(rand([6, 10], 2, 3), 5), gamma = rand([10], 3), beta = rand([10], 4);
    expectFusedMatches([x, gamma, beta],
      (a, g, b) => layerNormFused(a as tf.Tensor2D, g, b, 1e-6), (a, g, b) => layerNormComposed(a as tf.Tensor2D, g, b, 1e-6));
    tf.dispose([x, gamma, beta]);
  });

  it('GELU: values and gradient, over the range where erf bends and saturates', () => {
    const x = tf.concat([rand([50], 5, 3), tf.tensor1d([-9, -3, -0.5, 0, 0.5, 3, 9])]);
    expectFusedMatches([x], geluFused, geluComposed);
    x.dispose();
  });
});
