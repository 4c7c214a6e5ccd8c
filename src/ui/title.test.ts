import { describe, expect, it } from 'vitest';
import { titleFor } from './title';

describe('titleFor', () => {
  it('shows the run in the tab title: progress while it runs or waits, then how it ended', () => {
    expect(titleFor('idle', 0, 0)).toBe('Sparse ViT Studio');
    expect(titleFor('running', 42, 400)).toBe('▶ 10% · step 42/400 · Sparse ViT Studio');
    expect(titleFor('paused', 200, 400)).toBe('⏸ 50% · step 200/400 · Sparse ViT Studio');
    expect(titleFor('finished', 400, 400)).toBe('✓ done · Sparse ViT Studio');
    expect(titleFor('stopped', 7, 400)).toBe('■ stopped at step 7 · Sparse ViT Studio');
  });
});
