import { describe, expect, it } from 'vitest';
import { PRESET_CONFIGS, PRESETS } from '../../engine/config';
import { presetLabel } from './preset-label';

describe('presetLabel', () => {
  it('states the depth and data each trainable preset really loads; paper-scale ones say FLOPs only', () => {
    expect(PRESETS.map(presetLabel)).toEqual([
      'tiny: 2 blocks, synthetic 16×16',
      'fmnist: 4 blocks, Fashion-MNIST 28×28',
      'cifar10: 4 blocks, CIFAR-10 32×32',
      'deit-tiny: paper scale, FLOPs only',
      'deit-small: paper scale, FLOPs only',
      'deit-base: paper scale, FLOPs only',
    ]);
    expect(PRESET_CONFIGS.cifar10.depth).toBe(4);
  });
});
