// The CLI end to end, as a user runs it (esbuild-bundled, WASM backend).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
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

  it('refuses what it would otherwise ignore, before any training', () => {
    const refused = (...args: string[]): string => {
      const r = cliRun(...args);
      expect(r.status, r.stdout).not.toBe(0);
      expect(r.stderr).not.toMatch(/steps\/s|ENOENT|at .*\.ts:\d+/); // no training, no stack
      return r.stderr;
    };
    expect(refused('train', 'fmnist')).toMatch(/^error: `train` takes no positional arguments; got "fmnist" \(to pick that preset, write --preset fmnist\)/);
    expect(refused('export', '--preset', 'tiny')).toMatch(/^error: export needs --out FILE\.safetensors/);
    expect(refused('train', '--json', '/nonexistent-svs-dir/run.json')).toMatch(/^error: --json \/nonexistent-svs-dir\/run\.json: the folder \/nonexistent-svs-dir does not exist/);
    expect(refused('train', '--save', os.tmpdir())).toMatch(/^error: --save .* is a folder: give a file name/);
    expect(refused('flops', '--json', 'x.json')).toMatch(/^error: --json does not apply to `flops`, which reads --preset, --url, --set, --quiet/);
    expect(refused('eval', 'a.safetensors', '--set', 'steps=3')).toMatch(/^error: --set does not apply to `eval`/);
    expect(refused('train', '--compact')).toMatch(/^error: --compact shapes the saved model: add --save/);
    expect(refused('flops', '--preset', 'fmnist', '--url', 'p=tiny')).toMatch(/^error: give --preset or --url, not both/);
  }, 120_000);

  it('refuses a thread count it cannot use, and --threads where no backend runs', () => {
    for (const [args, message] of [
      [['train', '--threads', '0'], /^error: --threads: "0" is not a thread count; give a whole number from 1 to 4 \(1 = single-threaded\)/],
      [['flops', '--threads', '2'], /^error: --threads does not apply to `flops`/],
    ] as const) {
      const r = cliRun(...args);
      expect(r.status, r.stdout).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);

  it('refuses checkpoint, resume and sweep flags that cannot work, before any training', () => {
    const refused = (...args: string[]): string => {
      const r = cliRun(...args);
      expect(r.status, r.stdout).not.toBe(0);
      expect(r.stderr).not.toMatch(/steps\/s|ENOENT|at .*\.ts:\d+/);
      return r.stderr;
    };
    expect(refused('train', '--resume', 'x.ckpt', '--set', 'lr=0.1')).toMatch(/^error: --resume continues the experiment stored in x\.ckpt as it was; --set would change it/);
    expect(refused('train', '--stop-at', '5')).toMatch(/^error: --stop-at leaves a checkpoint to resume from: add --checkpoint FILE/);
    expect(refused('train', '--checkpoint', 'x.ckpt', '--checkpoint-every', '0')).toMatch(/^error: --checkpoint-every must be a whole number ≥ 1 \(got "0"\)/);
    expect(refused('train', '--resume', '/nonexistent-svs.ckpt')).toMatch(/^error: --resume \/nonexistent-svs\.ckpt does not exist/);
    expect(refused('sweep', '--methods', 'dense,svitex')).toMatch(/^error: --methods dense,svitex: unknown svitex; choose from dense, svite, s2vite, svite\+/);
  }, 150_000);

  it('train --stop-at then --resume gives the uninterrupted run\'s losses; sweep writes its table', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'svs-cli-'));
    const at = (name: string): string => path.join(dir, name);
    const exp = ['--preset', 'tiny', '--set', 'steps=9', '--set', 'batchSize=8', '--set', 'method=svite', '--set', 'updateInterval=3', '--set', 'evalEvery=0', '--quiet'];
    cli('train', ...exp, '--json', at('whole.json'));
    cli('train', ...exp, '--checkpoint', at('run.ckpt'), '--stop-at', '4', '--json', at('first.json'));
    const stopped = cliRun('train', '--resume', at('run.ckpt'), '--json', at('resumed.json'), '--log', at('resumed.jsonl'));
    expect(stopped.status, stopped.stderr).toBe(0);
    const [whole, first, resumed] = ['whole', 'first', 'resumed'].map((n) => JSON.parse(readFileSync(at(`${n}.json`), 'utf8')));
    expect(first.stoppedBy).toBe('stop-at');
    expect(first.losses).toHaveLength(4);
    expect(resumed.resumedFrom).toBe(4);
    expect(resumed.losses).toEqual(whole.losses);
    expect(resumed.config).toBe(whole.config);
    expect(readFileSync(at('resumed.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step)).toEqual([5, 6, 7, 8, 9]);

    cli('sweep', '--preset', 'tiny', '--set', 'steps=2', '--set', 'evalSize=50', '--seeds', '2', '--methods', 'dense,svite+', '--json', at('sweep.json'), '--quiet');
    const table = JSON.parse(readFileSync(at('sweep.json'), 'utf8'));
    expect(table.rows.map((r: { method: string; seeds: number[] }) => [r.method, r.seeds])).toEqual([['dense', [0, 1]], ['svite+', [0, 1]]]);
    for (const r of table.rows) for (const k of ['accuracyMean', 'accuracyStd', 'flopsSavedTheoretical', 'flopsSavedExecuted']) expect(typeof r[k]).toBe('number');
    expect(table.rows[1].flopsSavedTheoretical).toBeGreaterThan(0.3);
  }, 300_000);

  it('Ctrl-C stops after the current step and writes the summary it has', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'svs-cli-'));
    const file = path.join(dir, 'partial.json'), log = path.join(dir, 'steps.jsonl'), ckpt = path.join(dir, 'run.ckpt');
    const child = spawn(process.execPath, [path.join(root, 'scripts/run-ts.mjs'), 'src/cli/main.ts', 'train', '--set', 'steps=100000', '--set', 'evalEvery=0', '--json', file, '--log', log, '--checkpoint', ckpt],
      { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let done = false;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const guard = setTimeout(killGroup, 150_000); // never leave a 100,000-step run behind
    try {
      await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/1\/100000 steps/.test(stderr)) resolve();
      }));
      process.kill(-child.pid!, 'SIGINT'); // the whole process group, as a terminal's Ctrl-C does
      expect(await exited).toBe(130);
      done = true;
    } finally {
      clearTimeout(guard);
      if (!done) killGroup();
    }
    const summary = JSON.parse(readFileSync(file, 'utf8'));
    expect(summary.stoppedBy).toBe('interrupt');
    expect(summary.error).toMatch(/^interrupted after step \d+ of 100000$/);
    expect(summary.losses.length).toBe(summary.steps);
    expect(summary.steps).toBeGreaterThanOrEqual(1);
    expect(summary.testImages).toBe(500); // the preset's evaluation sample, not the whole test set
    expect(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss)).toEqual(summary.losses);
    expect(summary.checkpoint.step).toBe(summary.steps); // what the interrupted run had, ready to resume
  }, 180_000);
});
