import { describe, expect, it } from 'vitest';
import { presetConfig, validateConfig } from '../../engine/config';
import { adaptToDataset, patchForTokens } from './adapt';
import { paperScaleReason } from './relevance';

describe('adaptToDataset', () => {
  it('follows the data geometry and keeps the sequence length', () => {
    const tiny = presetConfig('tiny'); // 16×16 grey, patch 4: 16 patches
    const { config, changes } = adaptToDataset(tiny, 'cifar10');
    expect(config).toMatchObject({ dataset: 'cifar10', imageSize: 32, inChans: 3, numClasses: 10, patchSize: 8 });
    expect(validateConfig(config)).toEqual([]);
    expect(changes).toContain('imageSize 16 → 32');
    const fm = adaptToDataset(tiny, 'fashion-mnist').config;
    expect(fm).toMatchObject({ imageSize: 28, inChans: 1, patchSize: 7 });
    expect(validateConfig(fm)).toEqual([]);
  });

  it('changes nothing when the data set already fits', () => {
    const c = presetConfig('cifar10');
    expect(adaptToDataset(c, 'cifar10').changes).toEqual([]);
  });

  it('picks divisors only', () => {
    expect(patchForTokens(28, 49)).toBe(4);
    expect(patchForTokens(32, 64)).toBe(4);
    expect(patchForTokens(32, 16)).toBe(8);
  });
});

describe('relevance', () => {
  it('refuses paper-scale training with a reason', () => {
    expect(paperScaleReason(presetConfig('deit-small'))).toMatch(/impractical/);
    expect(paperScaleReason(presetConfig('tiny'))).toBeNull();
  });
});
