// The peer section is skipped, saying why, when no Python here imports torch.
import { describe, expect, it } from 'vitest';
import { findTorchPython } from './torch-peer';

describe('findTorchPython', () => {
  it('says which Pythons it tried and how to install torch when none imports it', () => {
    const r = findTorchPython(['/nonexistent/python3']);
    expect(r).toEqual({ skipped: expect.stringContaining('/nonexistent/python3') });
    expect('skipped' in r && r.skipped).toContain('apt-get install -y python3-torch');
  });
});
