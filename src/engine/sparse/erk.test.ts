import { describe, expect, it } from 'vitest';
import { presetConfig } from '../config';
import { sizeOf } from '../facts/shape';
import { paramSpecs, sparseSpecs, type ParamSpec } from '../model/params';
import { activeCounts, erkScore, globalDensity, layerDensities } from './erk';

const budget = (specs: ParamSpec[], dens: Record<string, number>): number =>
  specs.reduce((s, p) => s + dens[p.name] * sizeOf(p.shape), 0) / specs.reduce((s, p) => s + sizeOf(p.shape), 0);

describe('layerDensities', () => {
  const small = sparseSpecs(paramSpecs(presetConfig('deit-small')));

  it('reproduces the reference ERK vector for DeiT-Small at d=0.5 (timm shapes, head included)', () => {
    const d = layerDensities(small, 0.5, 'erk');
    expect(Math.abs(d['patch_embed.proj.weight'] - 0.206)).toBeLessThan(0.002);
    for (let b = 0; b < 12; b++) {
      expect(Math.abs(d[`blocks.${b}.attn.qkv.weight`] - 0.504)).toBeLessThan(0.002);
      expect(Math.abs(d[`blocks.${b}.attn.proj.weight`] - 0.756)).toBeLessThan(0.002);
      expect(Math.abs(d[`blocks.${b}.mlp.fc1.weight`] - 0.472)).toBeLessThan(0.002);
      expect(Math.abs(d[`blocks.${b}.mlp.fc2.weight`] - 0.472)).toBeLessThan(0.002);
    }
    expect(Math.abs(d['head.weight'] - 0.523)).toBeLessThan(0.002);
  });

  it('scores the patch embedding on its 4-d conv shape', () => {
    const pe = small.find((s) => s.name === 'patch_embed.proj.weight')!;
    expect(pe.timmShape).toEqual([384, 3, 16, 16]);
    expect(erkScore(pe.timmShape)).toBeCloseTo(419 / (384 * 3 * 256), 12);
  });

  it('meets the global budget with exact counts, for erk and uniform', () => {
    for (const preset of ['deit-tiny', 'deit-small', 'deit-base', 'cifar10'] as const) {
      const specs = sparseSpecs(paramSpecs(presetConfig(preset)));
      for (const dist of ['erk', 'uniform'] as const) {
        for (const d of [0.1, 0.3, 0.5, 0.8]) {
          const dens = layerDensities(specs, d, dist);
          expect(Math.abs(globalDensity(specs, dens) - d)).toBeLessThan(1e-4);
          for (const v of Object.values(dens)) expect(v).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('makes a layer dense when ERK would exceed 1 and re-solves the rest', () => {
    // A tiny ViT with D=32: the head [10, 32] has by far the highest score and would exceed 1.
    const specs = sparseSpecs(paramSpecs({ ...presetConfig('tiny'), embedDim: 32 }));
    const d = 0.5;
    const dens = layerDensities(specs, d, 'erk');
    expect(dens['head.weight']).toBe(1);
    const sparse = specs.filter((s) => dens[s.name] < 1);
    expect(sparse.length).toBe(specs.length - 1);
    // The rest stay ERK-proportional and the real-valued budget is met exactly.
    const eps = dens[sparse[0].name] / erkScore(sparse[0].timmShape);
    for (const s of sparse) expect(dens[s.name]).toBeCloseTo(eps * erkScore(s.timmShape), 12);
    expect(budget(specs, dens)).toBeCloseTo(d, 12);
    const counts = activeCounts(specs, dens);
    expect(counts['head.weight']).toBe(320);
    expect(Math.abs(globalDensity(specs, dens) - d)).toBeLessThan(1e-3); // few entries: rounding
  });

  it('densifies several layers in turn at high density and everything at d=1', () => {
    const specs = sparseSpecs(paramSpecs(presetConfig('tiny')));
    const dens = layerDensities(specs, 0.9, 'erk');
    expect(Object.values(dens).filter((v) => v === 1).length).toBeGreaterThan(1);
    expect(budget(specs, dens)).toBeCloseTo(0.9, 12);
    expect(Object.values(layerDensities(specs, 1, 'erk')).every((v) => v === 1)).toBe(true);
  });

  it('gives every layer d under uniform and rejects densities outside (0, 1]', () => {
    const dens = layerDensities(small, 0.3, 'uniform');
    expect(Object.keys(dens).length).toBe(small.length);
    expect(Object.values(dens).every((v) => v === 0.3)).toBe(true);
    expect(() => layerDensities(small, 0, 'erk')).toThrow(RangeError);
    expect(() => layerDensities(small, 1.5, 'erk')).toThrow(RangeError);
  });
});
