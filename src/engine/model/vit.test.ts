import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { presetConfig, type ModelConfig } from '../config';
import { Rng } from '../rng';
import { smoothedCrossEntropy } from './layers';
import { ViTModel } from './model';
import { countParams, paramSpecs } from './params';
import { forward, patchify } from './vit';

const toy: ModelConfig = { imageSize: 8, patchSize: 4, inChans: 2, numClasses: 3, embedDim: 8, depth: 2, numHeads: 2, mlpRatio: 2 };

afterEach(() => tf.disposeVariables());

describe('ViT parameters', () => {
  it('match timm names, shapes and counts for DeiT-Tiny/Small/Base', () => {
    const small = paramSpecs(presetConfig('deit-small'));
    const names = small.map((s) => s.name);
    expect(names.slice(0, 4)).toEqual(['cls_token', 'pos_embed', 'patch_embed.proj.weight', 'patch_embed.proj.bias']);
    expect(names).toContain('blocks.11.attn.qkv.weight');
    expect(names.slice(-4)).toEqual(['norm.weight', 'norm.bias', 'head.weight', 'head.bias']);
    const timm = Object.fromEntries(small.map((s) => [s.name, s.timmShape]));
    expect(timm['patch_embed.proj.weight']).toEqual([384, 3, 16, 16]);
    expect(timm['pos_embed']).toEqual([1, 197, 384]);
    expect(timm['blocks.0.attn.qkv.weight']).toEqual([1152, 384]);
    expect(timm['blocks.0.attn.proj.weight']).toEqual([384, 384]);
    expect(timm['blocks.0.mlp.fc1.weight']).toEqual([1536, 384]);
    expect(timm['blocks.0.mlp.fc2.weight']).toEqual([384, 1536]);
    expect(timm['head.weight']).toEqual([1000, 384]);
    expect(small.length).toBe(4 + 12 * 12 + 4);
    expect(countParams(small) / 1e6).toBeCloseTo(22.05, 2);
    expect(countParams(paramSpecs(presetConfig('deit-tiny'))) / 1e6).toBeCloseTo(5.72, 2);
    expect(countParams(paramSpecs(presetConfig('deit-base'))) / 1e6).toBeCloseTo(86.57, 2);
  });
});

describe('ViT forward and gradients', () => {
  it('gradients of the whole ViT match central finite differences', () => {
    const model = new ViTModel(toy, 3);
    // Larger weights than the 0.02 init so every path carries a measurable gradient.
    const rng = new Rng(9);
    for (const v of model.params.values())
      tf.tidy(() => v.assign(tf.add(v, tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal() * 0.3), v.shape))));
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 2 }, () => rng.normal()), [2, 8, 8, 2]);
    const y = tf.tensor1d([0, 2], 'int32');
    const loss = (): tf.Scalar => smoothedCrossEntropy(forward(model.params, x, toy), y, 3, 0.1);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(loss);
    value.dispose();
    for (const [vname, g] of Object.entries(grads)) {
      const v = model.params.get(model.nameOf(vname))!;
      // Directional derivative along a random direction: robust to float32 noise.
      const u = tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal()), v.shape);
      const analytic = tf.tidy(() => tf.sum(tf.mul(g, u)).dataSync()[0]);
      const orig = v.clone();
      const eps = 1e-2;
      const at = (s: number): number => {
        tf.tidy(() => v.assign(tf.add(orig, tf.mul(u, s * eps))));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const numeric = (at(1) - at(-1)) / (2 * eps);
      tf.tidy(() => v.assign(orig));
      expect(Math.abs(analytic - numeric), `${model.nameOf(vname)}: ${analytic} vs ${numeric}`)
        .toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
      tf.dispose([u, orig]);
    }
    tf.dispose(Object.values(grads));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('patchify orders patch features as timm conv weights (C, ph, pw)', () => {
        const img = tf.tensor4d(Float32Array.from({ length: 32 }, (_, i) => i), [1, 4, 4, 2]);
    const pt = patchify(img, 2).arraySync();
    // First patch: rows 0-1, cols 0-1. Channel 0 first: pixels (0,0),(0,1),(1,0),(1,1) of channel 0.
    expect(pt[0]).toEqual([0, 2, 8, 10, 1, 3, 9, 11]);
    img.dispose();
  });
});
