// The CLI end to end, as a user runs it (esbuild-bundled, WASM backend).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../engine/config';
import { sizeOf } from '../engine/facts/shape';
import { CHECKPOINT_FORMAT } from '../engine/io/checkpoint';
import { encodeSafetensors } from '../engine/io/safetensors';
import { paramSpecs } from '../engine/model/params';

const root = path.resolve(__dirname, '../..');
const cli = (...args: string[]): string =>
  execFileSync(process.execPath, [path.join(root, 'scripts/run-ts.mjs'), 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs the CLI to its end: exit status, stdout and stderr. */
const cliRun = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [path.join(root, 'scripts/run-ts.mjs'), 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('cli', () => {
  it('trains SViTE from a share link with overrides; the budget holds at every update; same seed → same losses', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'svs-cli-'));
    const run = (name: string): { config: string; backend: string; losses: number[]; updates: { globalDensity: number }[]; globalDensity: number; confusion: number[][]; testAccuracy: number; paramsCount: number; flops: { dense: number } } => {
      const file = path.join(dir, name);
      cli('train', '--url', 'http://localhost:5173/?v=1&p=tiny&m=svite&d=0.5&s=4', '--set', 'steps=24', '--set', 'updateInterval=4', '--set', 'batchSize=16', '--json', file, '--quiet');
      return JSON.parse(readFileSync(file, 'utf8'));
    };
    const a = run('a.json');
    expect(a.config).toBe('v=1&p=tiny&st=24&bs=16&m=svite&dt=4&s=4');
    expect(a.backend).toBe('wasm');
    expect(a.losses).toHaveLength(24);
    expect(a.updates.length).toBeGreaterThan(0);
    for (const u of a.updates) expect(u.globalDensity).toBeCloseTo(0.5, 3);
    expect(a.globalDensity).toBeCloseTo(0.5, 3);
    expect(a.confusion).toHaveLength(10);
    expect(a.paramsCount).toBeGreaterThan(0);
    expect(run('b.json').losses).toEqual(a.losses);
  }, 240_000);

  it('prints the FLOPs of a config without training, and refuses bad input clearly', () => {
    const out = JSON.parse(cli('flops', '--preset', 'deit-small', '--set', 'method=svite', '--set', 'density=0.5'));
    expect(out.flops.dense / 1e9).toBeCloseTo(4.599, 2);
    expect(out.flops.savedTheoretical).toBeCloseTo(0.462, 2);
    expect(() => cli('flops', '--set', 'numHeads=5')).toThrow(/not divisible by numHeads 5/);
    expect(() => cli('train', '--preset', 'nope')).toThrow(/unknown preset/);
  }, 120_000);

  it('runs a link with jointly invalid values, naming each field it put back, also in --quiet JSON', () => {
    const r = cliRun('flops', '--url', 'v=1&p=tiny&ds=mnist&dim=50&img=18&lr=0.000001&note=why?');
    expect(r.status, r.stderr).toBe(0);
    for (const k of ['ds=mnist', 'dim=50', 'img=18', 'lr=0.000001', 'note=why?']) expect(r.stderr).toContain(`link: ignored ${k}`);
    expect(r.stderr).toMatch(/using the preset's dataset synthetic/);
    const q = cliRun('flops', '--quiet', '--url', 'p=tiny&ds=mnist&zzz=1');
    expect(q.stderr).toBe('');
    const out = JSON.parse(q.stdout);
    expect(out.config).toBe('v=1&p=tiny&s=0');
    expect(out.ignored.map((i: { key: string }) => i.key)).toEqual(['zzz', 'ds']);
  }, 120_000);

  it('eval refuses a model with a NaN weight, naming the tensor, and a missing file clearly', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'svs-cli-'));
    const config = presetConfig('tiny');
    const specs = paramSpecs(config);
    const tensors = specs.map((s) => {
      const data = new Float32Array(sizeOf(s.shape)).fill(0.01);
      if (s.name === 'blocks.1.mlp.fc1.weight') data[7] = NaN;
      return { name: s.name, dtype: 'F32' as const, shape: s.timmShape, data };
    });
    const file = path.join(dir, 'nan.safetensors');
    writeFileSync(file, encodeSafetensors(tensors, { format: CHECKPOINT_FORMAT, config: JSON.stringify(config) }));
    const r = cliRun('eval', file, '--quiet');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nan\.safetensors: 1 tensor\(s\) hold NaN or infinite values .*: blocks\.1\.mlp\.fc1\.weight/);
    const missing = cliRun('eval', path.join(dir, 'missing.safetensors'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error: eval: .*missing\.safetensors does not exist/);
    expect(missing.stderr).not.toMatch(/ENOENT/);
  }, 120_000);
});
