import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../engine/config';
import { pendingEdits } from './pending';

describe('pendingEdits', () => {
  it('is true only when a run exists and the edited settings differ from its own', () => {
    const run = presetConfig('tiny');
    expect(pendingEdits(run, null)).toBe(false);
    expect(pendingEdits(run, run)).toBe(false);
    expect(pendingEdits({ ...run, lr: 0.01 }, run)).toBe(true);
    expect(pendingEdits({ ...run, seed: 9 }, run)).toBe(true);
    expect(pendingEdits({ ...run }, run)).toBe(false); // changed and changed back
  });
});
