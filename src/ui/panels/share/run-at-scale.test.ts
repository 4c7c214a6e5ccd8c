import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../../engine/config';
import { decodeConfig } from '../../../engine/config-url';
import { torchrunCommand } from './run-at-scale';

describe('Share → Run at scale', () => {
  it('gives a torchrun command whose --url decodes to the experiment, quoted against the shell', () => {
    const c = { ...presetConfig('fmnist'), method: 's2vite' as const, tokenKeep: 0.7, seed: 5 };
    const cmd = torchrunCommand(c, 4);
    expect(cmd).toMatch(/^torchrun --standalone --nproc_per_node=4 -m sparse_vit\.train --url '[^']+' --out runs\/fmnist-s2vite-s5$/);
    const url = /--url '([^']+)'/.exec(cmd)![1];
    const decoded = decodeConfig(url);
    expect(decoded.ignored).toEqual([]);
    expect(decoded.config).toEqual(c);
  });
});
