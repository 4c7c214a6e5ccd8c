// `cli profile` as a user runs it (esbuild-bundled), on the tiny preset and the CPU backend.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileReport } from './profile';

const root = path.resolve(__dirname, '../..');

describe('cli profile', () => {
  it('counts and times the kernels of a training step and of an inference batch', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'svs-profile-')), 'p.json');
    const text = execFileSync(process.execPath, [path.join(root, 'scripts/run-ts.mjs'), 'src/cli/main.ts', 'profile', '--preset', 'tiny', '--set', 'batchSize=8', '--backend', 'cpu', '--json', file, '--quiet'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const r = JSON.parse(readFileSync(file, 'utf8')) as ProfileReport;
    expect(r.backend).toBe('cpu');
    expect(r.config).toBe('v=1&p=tiny&bs=8&s=0');
    expect(r.batchSize).toBe(8);
    // Backward and optimizer: several times the forward's kernels; both lists add up to their totals.
    // At least ten kernels a block (two LayerNorms, four Linears, attention, GELU, two residual adds), tiny has two.
    expect(r.inference.kernels).toBeGreaterThanOrEqual(20);
    expect(r.kernelsPerStep).toBeGreaterThan(3 * r.inference.kernels);
    expect(r.byKernel.reduce((a, k) => a + k.count, 0)).toBe(r.kernelsPerStep);
    expect(r.inference.byKernel.reduce((a, k) => a + k.count, 0)).toBe(r.inference.kernels);
    expect(r.byKernel.find((k) => k.name === 'BatchMatMul')?.count).toBeGreaterThan(r.inference.byKernel.find((k) => k.name === 'BatchMatMul')!.count);
    for (const k of [...r.byKernel, ...r.inference.byKernel]) expect(k.ms).toBeGreaterThanOrEqual(0);
    expect(r.stepMs).toBeGreaterThan(0);
    expect(r.imagesPerSec).toBeCloseTo((8 * 1000) / r.stepMs, 6);
    expect(r.inference.batchMs).toBeGreaterThan(0);
    expect(r.inference.imagesPerSec).toBeCloseTo((8 * 1000) / r.inference.batchMs, 6);
    expect(text).toContain(`training: ${r.kernelsPerStep} kernels per step`);
    expect(text).toContain(`inference: ${r.inference.kernels} kernels per batch`);
  }, 120_000);
});
